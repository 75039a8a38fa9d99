from django.core.management.base import BaseCommand, CommandError

from lunarshare.catalog.models import Sample
from lunarshare.catalog.selectors import ledger_breaks


class Command(BaseCommand):
    help = "Verify mass conservation for the whole collection; exit non-zero naming every sample that breaks it."

    def handle(self, *args, **options):
        breaks = ledger_breaks()
        for item in breaks:
            self.stderr.write(f"{item.identifier}: {item.problem}")
        if breaks:
            raise CommandError(f"{len({b.identifier for b in breaks})} sample(s) break mass conservation.")
        self.stdout.write(self.style.SUCCESS(f"Mass conserved for all {Sample.objects.count()} samples."))
