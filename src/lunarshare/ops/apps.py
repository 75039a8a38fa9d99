import importlib
import os

from django.apps import AppConfig

# Task names the audit app may offer for a signed checkpoint of the audit chain; the first one
# that exists is scheduled (hourly) unless the audit app schedules it itself.
AUDIT_CHECKPOINT_TASKS = ("audit_checkpoint", "checkpoint_audit", "write_checkpoint")


def audit_checkpoint_task_name() -> str | None:
    try:
        module = importlib.import_module("lunarshare.audit.tasks")
    except ImportError:
        return None
    for attribute in AUDIT_CHECKPOINT_TASKS:
        task = getattr(module, attribute, None)
        if task is not None and getattr(task, "name", None):
            return task.name
    return None


class OpsConfig(AppConfig):
    """Last in INSTALLED_APPS: completes the beat schedule the other apps declared."""

    name = "lunarshare.ops"
    label = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from datetime import timedelta

        from celery.schedules import crontab
        from django.conf import settings

        schedule = settings.CELERY_BEAT_SCHEDULE
        checkpoint = audit_checkpoint_task_name()
        if checkpoint and not any(entry.get("task") == checkpoint for entry in schedule.values()):
            schedule["audit-checkpoint"] = {"task": checkpoint, "schedule": crontab(minute=5)}
        # A shortened schedule for the stack test and for trying the beat out: every periodic
        # task every N seconds. Never set it in production.
        seconds = int(os.environ.get("LUNARSHARE_BEAT_EVERY_SECONDS") or 0)
        if seconds > 0:
            for entry in schedule.values():
                entry["schedule"] = timedelta(seconds=seconds)
