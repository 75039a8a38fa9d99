from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lunarshare.audit.checkpoints import AuditKeyError, generate_key, key_id, public_pem


class Command(BaseCommand):
    help = ("Create an Ed25519 key pair for signing audit checkpoints: the private key (mode 0600) and "
            "FILE.pub, the public key auditors verify with. Never overwrites a key.")

    def add_arguments(self, parser):
        parser.add_argument("--output", metavar="FILE", help="private key file (default: LUNARSHARE_AUDIT_SIGNING_KEY)")
        parser.add_argument("--public-key", metavar="FILE", help="public key file (default: FILE.pub)")

    def handle(self, *args, output=None, public_key=None, **options):
        output = output or settings.LUNARSHARE_AUDIT_SIGNING_KEY
        if not output:
            raise CommandError("Say where to write the private key: --output FILE (or set LUNARSHARE_AUDIT_SIGNING_KEY).")
        output = Path(output)
        public_path = Path(public_key) if public_key else output.with_name(output.name + ".pub")
        try:
            key = generate_key(output, public_path)
        except (AuditKeyError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Private key written to {output} (mode 0600): keep it off the database host's backups.")
        self.stdout.write(f"Public key (key id {key_id(key)}) written to {public_path}:")
        self.stdout.write(public_pem(key).decode("ascii"), ending="")
