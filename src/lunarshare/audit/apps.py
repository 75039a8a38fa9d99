from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lunarshare.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from celery.schedules import crontab
        from django.conf import settings

        # Daily at 00:15 UTC: sign the audit chain's head (see audit/checkpoints.py).
        settings.CELERY_BEAT_SCHEDULE.setdefault("audit-write-checkpoint", {
            "task": "lunarshare.audit.tasks.write_checkpoint", "schedule": crontab(hour=0, minute=15)})
