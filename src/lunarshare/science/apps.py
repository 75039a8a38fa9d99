from django.apps import AppConfig


class ScienceConfig(AppConfig):
    name = "lunarshare.science"
    label = "science"
    verbose_name = "Science data"

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        from . import rules  # noqa: F401  (registers the permissions)

        # Daily, shortly after midnight UTC: release the datasets whose embargo has ended.
        settings.CELERY_BEAT_SCHEDULE.setdefault("science-release-embargoes", {
            "task": "science.release_embargoes",
            "schedule": crontab(hour=0, minute=15),
        })
