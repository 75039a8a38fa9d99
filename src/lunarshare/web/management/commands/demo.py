"""``lunarshare demo``: load the demonstration data of every app, idempotently.

Each app that has demo data provides ``lunarshare.<app>.demo.load(stdout)``; they run in
dependency order so later apps find what earlier ones created. Running twice changes nothing.
"""

import importlib

from django.core.management.base import BaseCommand

DEMO_APPS = ["accounts", "catalog", "programs", "loans", "science", "cooperation"]


class Command(BaseCommand):
    help = "Load the demo data (missions, real samples, rules, rounds, loans, science, cooperation) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", choices=DEMO_APPS, help="load only these apps' demo data")

    def handle(self, *args, only=None, **options):
        for app in DEMO_APPS:
            if only and app not in only:
                continue
            try:
                module = importlib.import_module(f"lunarshare.{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"lunarshare.{app}.demo":
                    raise
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"Demo data: {app}"))
            module.load(stdout=self.stdout)
        from lunarshare.accounts.demo import print_logins

        print_logins(self.stdout)
