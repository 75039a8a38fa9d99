import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from lunarshare.science.services import release_due_datasets


class Command(BaseCommand):
    help = "Release every dataset whose embargo ends on or before --date (default: today). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD; default today")

    def handle(self, *args, date=None, **options):
        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from None
        run = release_due_datasets(actor=None, today=day)
        for pk in run.released:
            self.stdout.write(f"released dataset {pk}")
        self.stdout.write(self.style.SUCCESS(
            f"{len(run.released)} dataset(s) released" + (f"; {run.already} already released meanwhile" if run.already else "")
        ))
