"""``/healthz``: the process answers. ``/readyz``: it can reach its database, cache, broker and
file storage. No authentication and no details: status words only, never an error text."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lunarshare.permissions import public

log = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not keep a value")
    cache.delete(key)


def _broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # no broker configured: tasks run in this process
    from lunarshare.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _storage() -> None:
    default_storage.exists("readyz-probe")  # a HEAD on S3, a stat on disk: reachable and allowed


CHECKS = {"database": _database, "cache": _cache, "broker": _broker, "storage": _storage}


@public
@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@public
@never_cache
@require_GET
def readyz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception:  # the reason goes to the log, not to whoever asked
            log.exception("readiness check %s failed", name)
            results[name] = "failing"
    ready = all(value == "ok" for value in results.values())
    return JsonResponse({"status": "ready" if ready else "not ready", **results}, status=200 if ready else 503)
