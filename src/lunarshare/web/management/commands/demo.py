"""``lunarshare demo``: load the demonstration data of every app, idempotently, and print a short
summary with the logins last (so they are what a newcomer sees).

Each app that has demo data provides ``lunarshare.<app>.demo.load(stdout)``; they run in
dependency order so later apps find what earlier ones created. Running twice changes nothing.
The notification e-mails the demo's workflows cause are kept in memory, not printed: their
count is reported instead. ``-v 2`` shows every app's own report.
"""

import io

from django.core import mail
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from lunarshare.desk import optional_module

DEMO_APPS = ["accounts", "catalog", "programs", "loans", "science", "cooperation"]


def _summary() -> list[str]:
    from lunarshare.accounts.models import Institution, User
    from lunarshare.catalog.models import Mission, Sample
    from lunarshare.cooperation.models import InternationalPayload
    from lunarshare.loans.models import Loan
    from lunarshare.programs.models import Application, Round
    from lunarshare.science.models import Dataset, Publication

    return [
        f"  {Mission.objects.count()} missions, {Sample.objects.count()} samples",
        f"  {Institution.objects.count()} institutions, {User.objects.count()} people",
        f"  {Round.objects.count()} rounds, {Application.objects.count()} applications, {Loan.objects.count()} loans",
        f"  {Dataset.objects.count()} datasets, {Publication.objects.count()} publications, "
        f"{InternationalPayload.objects.count()} international payloads",
    ]


class Command(BaseCommand):
    help = "Load the demo data (missions, real samples, rules, rounds, loans, science, cooperation) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", choices=DEMO_APPS, help="load only these apps' demo data")

    def handle(self, *args, only=None, verbosity=1, **options):
        details = self.stdout if verbosity >= 2 else io.StringIO()
        previous = getattr(mail, "outbox", None)
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            for app in DEMO_APPS:
                if only and app not in only:
                    continue
                module = optional_module(f"lunarshare.{app}.demo")
                if module is None:
                    continue
                if verbosity >= 2:
                    self.stdout.write(self.style.MIGRATE_HEADING(f"Demo data: {app}"))
                module.load(stdout=details)
            mails = len(mail.outbox)
            if previous is None:
                del mail.outbox
            else:
                mail.outbox = previous
        from lunarshare.accounts.demo import print_logins

        self.stdout.write(self.style.MIGRATE_HEADING("Demo data loaded"))
        for line in _summary():
            self.stdout.write(line)
        if mails:
            self.stdout.write(f"  {mails} notification e-mails were written and kept in memory (not printed)")
        from lunarshare.site_url import site_url

        self.stdout.write(f"\nOpen {site_url()}/en/accounts/login/ and log in: each person lands on their desk.")
        print_logins(self.stdout)
