from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "lunarshare.catalog"
    label = "catalog"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        # Every 10 minutes: fail the background imports whose worker died, delete their upload
        # and tell the curator (catalog.import_jobs).
        settings.CELERY_BEAT_SCHEDULE.setdefault("catalog-sweep-stale-imports", {
            "task": "catalog.sweep_stale_imports",
            "schedule": crontab(minute="*/10"),
        })
