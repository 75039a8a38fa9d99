import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from lunarshare.accounts.models import User
from lunarshare.catalog.importer import COLUMNS, ImportRejected, samples_import
from lunarshare.errors import DomainError


class Command(BaseCommand):
    help = (f"Import samples from a CSV file with the columns {','.join(COLUMNS)} (mass in mg). "
            "All or nothing: every error is reported with its line number and nothing is imported. "
            "Running the same file again changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", help="username recorded as the actor (default: the system)")
        parser.add_argument("--dry-run", action="store_true", help="validate only")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")

    def handle(self, *args, file: Path, user=None, dry_run=False, no_progress=False, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user {user!r}.")
        if not file.is_file():
            raise CommandError(f"{file} is not a file.")
        with file.open("rb") as source, tqdm(unit=" rows", file=sys.stderr, disable=no_progress or None,
                                             mininterval=0.5, leave=False) as progress:
            try:
                result = samples_import(actor=actor, source=source, filename=file.name, dry_run=dry_run, progress=progress)
            except ImportRejected as exc:
                progress.close()
                for error in exc.errors:
                    self.stderr.write(str(error))
                raise CommandError(str(exc.message)) from None
            except DomainError as exc:
                raise CommandError(str(exc.message)) from None
        prefix = "Dry run, nothing written: " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + result.summary()))
