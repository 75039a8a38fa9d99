from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lunarshare.audit.backup import backup_restore
from lunarshare.errors import DomainError


class Command(BaseCommand):
    help = ("Restore a backup archive into an empty database and storage (refused over live data unless "
            "--force), then run check_ledger and verify_audit.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="lunarshare-YYYYmmddTHHMMSSZ.tar.gz written by `lunarshare backup`")
        parser.add_argument("--force", action="store_true", help="replace a database and storage that already hold data")

    def handle(self, *args, archive, force=False, **options):
        try:
            result = backup_restore(actor=None, archive=archive, force=force)  # a command runs as the system
        except DomainError as exc:
            raise CommandError(f"Nothing restored: {exc}") from None
        self.stdout.write(self.style.SUCCESS(
            f"Restored {result.archive}: {result.vendor} database, {result.files} file(s), "
            f"{result.checkpoints} audit checkpoint(s), audit chain up to event #{result.audit_head_seq}."))
        call_command("check_ledger", stdout=self.stdout, stderr=self.stderr)
        call_command("verify_audit", stdout=self.stdout, stderr=self.stderr)
