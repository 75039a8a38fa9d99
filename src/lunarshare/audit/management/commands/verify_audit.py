from django.core.management.base import BaseCommand, CommandError

from lunarshare.audit.checkpoints import (
    AuditKeyError,
    checkpoint_dir,
    load_public_key,
    read_checkpoints,
    verify_against,
)
from lunarshare.audit.models import Event
from lunarshare.audit.services import verify_chain


class Command(BaseCommand):
    help = ("Recompute the audit hash chain and check it against every signed checkpoint; "
            "exit non-zero naming the first event that no longer matches.")

    def add_arguments(self, parser):
        parser.add_argument("--public-key", metavar="FILE",
                            help="PEM public key (default: LUNARSHARE_AUDIT_PUBLIC_KEY, or derived from the signing key)")
        parser.add_argument("--checkpoints", metavar="DIR",
                            help="folder of checkpoint files (default: LUNARSHARE_AUDIT_CHECKPOINT_DIR)")
        parser.add_argument("--require-checkpoint", action="store_true",
                            help="fail when no checkpoint is found (an unanchored chain proves only self-consistency)")

    def handle(self, *args, public_key=None, checkpoints=None, require_checkpoint=False, **options):
        problem = verify_chain()
        if problem is not None:
            raise CommandError(f"Audit chain broken at event #{problem.seq}: {problem.reason}")
        folder = checkpoint_dir(checkpoints)
        files = sorted(folder.glob("checkpoint-*.json")) if folder.is_dir() else []
        count = Event.objects.count()
        if not files:
            if require_checkpoint:
                raise CommandError(f"No checkpoint found in {folder}: the chain of {count} events is not anchored.")
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} events verified."))
            self.stdout.write(self.style.WARNING(
                f"No checkpoint in {folder}: this proves the chain is self-consistent, not that it was never "
                "rewritten. Run `lunarshare audit_checkpoint`."))
            return
        try:
            key = load_public_key(public_key)
        except AuditKeyError as exc:
            raise CommandError(f"{len(files)} checkpoint(s) found in {folder} but they cannot be checked: {exc}") from None
        found, problem = read_checkpoints(key, folder)
        problem = problem or verify_against(found)
        if problem is not None:
            where = f" at event #{problem.seq}" if problem.seq is not None else ""
            raise CommandError(f"Audit chain does not match its checkpoints{where}: {problem.reason}")
        latest = found[-1]
        self.stdout.write(self.style.SUCCESS(
            f"Audit chain intact: {count} events verified against {len(found)} signed checkpoint(s); "
            f"the latest fixes event #{latest.seq} ({latest.created_at})."))
