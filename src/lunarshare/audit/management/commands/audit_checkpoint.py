from django.core.management.base import BaseCommand, CommandError

from lunarshare.audit.checkpoints import checkpoint_create
from lunarshare.errors import DomainError


class Command(BaseCommand):
    help = "Sign the audit chain's current head with the Ed25519 key and write it as a new checkpoint file."

    def add_arguments(self, parser):
        parser.add_argument("--key", metavar="FILE", help="private key (default: LUNARSHARE_AUDIT_SIGNING_KEY)")
        parser.add_argument("--checkpoints", metavar="DIR", help="folder to write to (default: LUNARSHARE_AUDIT_CHECKPOINT_DIR)")

    def handle(self, *args, key=None, checkpoints=None, **options):
        try:
            path = checkpoint_create(actor=None, key_path=key, directory=checkpoints)  # a command runs as the system
        except DomainError as exc:
            raise CommandError(f"No checkpoint written: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Checkpoint written: {path}"))
