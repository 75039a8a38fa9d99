from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "lunarshare.programs"
    label = "programs"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        # Every 5 minutes: rounds whose window has ended stop taking applications (idempotent).
        settings.CELERY_BEAT_SCHEDULE.setdefault("programs-close-due-rounds", {
            "task": "lunarshare.programs.tasks.close_due_rounds",
            "schedule": crontab(minute="*/5"),
        })
