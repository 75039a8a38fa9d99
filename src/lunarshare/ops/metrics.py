"""Prometheus metrics (django-prometheus), on when ``LUNARSHARE_METRICS=1``.

Requests: django-prometheus's middleware (latency histograms by view, responses by status).
Tasks: ``lunarshare_celery_tasks_total{task,outcome}`` counted in the worker. Queue length:
``lunarshare_celery_queue_length{queue}`` read from the broker at scrape time.

With several processes on a machine (gunicorn workers, the Celery worker) set
``PROMETHEUS_MULTIPROC_DIR`` to one empty directory shared by them: every scrape then adds up
all of them. ``/metrics`` answers only a request carrying ``Authorization: Bearer`` with
``LUNARSHARE_METRICS_TOKEN``; anything else gets a plain 404 (its existence is not advertised).
"""

from __future__ import annotations

import hmac
import os

from celery import signals
from django.conf import settings
from django.http import Http404, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from lunarshare.public import public

TASKS = Counter("lunarshare_celery_tasks", "Celery tasks finished, by task and outcome", ["task", "outcome"])
QUEUES = ("celery",)


def _count(sender, outcome: str) -> None:
    if getattr(settings, "LUNARSHARE_METRICS", False):
        TASKS.labels(task=getattr(sender, "name", str(sender)), outcome=outcome).inc()


@signals.task_success.connect
def _on_success(sender=None, **_kwargs):
    _count(sender, "success")


@signals.task_failure.connect
def _on_failure(sender=None, **_kwargs):
    _count(sender, "failure")


@signals.task_retry.connect
def _on_retry(sender=None, **_kwargs):
    _count(sender, "retry")


class QueueLengthCollector(Collector):
    """Messages waiting in each Celery queue (Redis lists), read when Prometheus scrapes."""

    def collect(self):
        gauge = GaugeMetricFamily("lunarshare_celery_queue_length", "Messages waiting in the Celery queue",
                                  labels=["queue"])
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            import redis

            try:
                client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
                for queue in QUEUES:
                    gauge.add_metric([queue], client.llen(queue))
            except redis.RedisError:
                pass  # no sample: the broker's own alert says it is down
        yield gauge


_queues = CollectorRegistry(auto_describe=True)
_queues.register(QueueLengthCollector())


def _process_metrics() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # every process of this machine, added up
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@public
def metrics(request):
    token = getattr(settings, "LUNARSHARE_METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "")
    if not (getattr(settings, "LUNARSHARE_METRICS", False) and token
            and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())):
        raise Http404
    return HttpResponse(_process_metrics() + generate_latest(_queues), content_type=CONTENT_TYPE_LATEST)
