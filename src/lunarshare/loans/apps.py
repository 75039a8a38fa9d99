from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "lunarshare.loans"
    label = "loans"
    verbose_name = "Loans"

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        # Daily at 06:00 UTC: reminders before and after each loan's due date (idempotent).
        settings.CELERY_BEAT_SCHEDULE.setdefault("loans-send-reminders", {
            "task": "lunarshare.loans.tasks.send_loan_reminders",
            "schedule": crontab(hour=6, minute=0),
        })
