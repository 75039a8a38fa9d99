from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "lunarshare.opendata"
    label = "opendata"
    verbose_name = "Open data"

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        # Nightly, after the embargo release (00:15): publish the open-data package.
        settings.CELERY_BEAT_SCHEDULE.setdefault("opendata-export-package", {
            "task": "opendata.export_open_data", "schedule": crontab(hour=1, minute=0)})
