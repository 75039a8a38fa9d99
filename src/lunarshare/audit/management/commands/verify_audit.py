from django.core.management.base import BaseCommand, CommandError

from lunarshare.audit.models import Event
from lunarshare.audit.services import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit hash chain; exit non-zero naming the first bad event."

    def handle(self, *args, **options):
        problem = verify_chain()
        if problem is not None:
            raise CommandError(f"Audit chain broken at event #{problem.seq}: {problem.reason}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {Event.objects.count()} events verified."))
