"""One id per request, in the ``X-Request-ID`` header, every log line and the Celery tasks it queues.

A well-formed ``X-Request-ID`` from the proxy is kept (so its logs and ours join up); anything
else is replaced by a fresh id. The id rides in the task message's headers and is restored in
the worker while the task runs, so a mail sent by the worker logs the request that caused it.
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid

from celery import signals

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
log = logging.getLogger("lunarshare.request")


def _new_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        rid = given if _VALID.match(given) else _new_id()
        token = request_id.set(rid)
        request.request_id = rid
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = rid
            match = getattr(request, "resolver_match", None)
            log.info("request", extra={
                "method": request.method, "path": request.path, "status": response.status_code,
                "view": getattr(match, "view_name", "") or "", "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            })
            return response
        finally:
            request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (the request's, or the task's that a request queued) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


@signals.before_task_publish.connect
def _send_request_id(headers=None, **_kwargs):
    rid = request_id.get()
    if rid and headers is not None:
        headers.setdefault("request_id", rid)


_task_tokens: dict[str, contextvars.Token] = {}


@signals.task_prerun.connect
def _restore_request_id(task_id=None, task=None, **_kwargs):
    if task is None or not task_id:
        return
    # Celery puts custom message headers on the task's request (older protocols: in .headers).
    rid = getattr(task.request, "request_id", None) or (getattr(task.request, "headers", None) or {}).get("request_id")
    if rid and _VALID.match(str(rid)):
        _task_tokens[task_id] = request_id.set(rid)


@signals.task_postrun.connect
def _forget_request_id(task_id=None, **_kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        request_id.reset(token)
