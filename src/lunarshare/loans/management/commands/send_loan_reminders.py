import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lunarshare.loans.services import loan_send_reminders


class Command(BaseCommand):
    help = "Send loan due-date reminders for a day (default today). Safe to run twice: nothing is sent twice."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        try:
            day = dt.date.fromisoformat(options["date"]) if options.get("date") else timezone.localdate()
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        sent = loan_send_reminders(actor=None, on=day)
        for reminder in sent:
            self.stdout.write(f"{reminder.loan}: {reminder.get_kind_display()} ({reminder.milestone})"
                              + (" — escalated to officers" if reminder.escalated else ""))
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} reminder(s) sent for {day}."))
