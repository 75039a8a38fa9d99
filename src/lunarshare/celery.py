"""Celery application.

With no broker configured (``REDIS_URL`` unset) tasks run eagerly in the calling process,
so the embedded demo needs nothing but Python. Periodic work (loan reminders, embargo
release) is declared in ``CELERY_BEAT_SCHEDULE`` in settings.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lunarshare.settings")

app = Celery("lunarshare")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Request ids travel in task headers; task outcomes are counted for Prometheus (signal handlers).
from lunarshare.ops import metrics as _metrics  # noqa: E402,F401,I001
from lunarshare.ops import requestid as _requestid  # noqa: E402,F401
