from django.core.management.base import BaseCommand, CommandError

from lunarshare.audit.backup import backup_create, backup_prune
from lunarshare.errors import DomainError


class Command(BaseCommand):
    help = ("Write one dated archive lunarshare-YYYYmmddTHHMMSSZ.tar.gz with the database, every stored file, "
            "the audit checkpoints and a manifest of checksums; --prune then applies the retention rule "
            "(newest of each of the last 7 days, 4 weeks, 12 months).")

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="DIR", help="folder for archives (default: LUNARSHARE_BACKUP_DIR)")
        parser.add_argument("--prune", action="store_true", help="after the backup, delete archives the retention rule does not keep")

    def handle(self, *args, output=None, prune=False, **options):
        try:
            path = backup_create(actor=None, output_dir=output)  # a command runs as the system
            removed = backup_prune(actor=None, directory=output) if prune else []
        except DomainError as exc:
            raise CommandError(f"No backup written: {exc}") from None
        size = path.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path} ({size:,} bytes)"))
        for name in removed:
            self.stdout.write(f"Pruned {name}")
