"""Every answer carries an X-Request-ID; a queued task carries it into the worker's logs."""

import logging

import pytest
from celery import shared_task

from lunarshare.ops.requestid import RequestIdFilter, request_id

pytestmark = pytest.mark.django_db

seen = []


@shared_task(name="ops.tests.remember_request_id")
def remember_request_id():
    seen.append(request_id.get())


def test_a_fresh_id_is_given_and_returned(client):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxy_id_is_kept_and_a_malformed_one_replaced(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="edge-42.abc")["X-Request-ID"] == "edge-42.abc"
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\r\nSet-Cookie: x")["X-Request-ID"]
    assert replaced != "bad id" and " " not in replaced


def test_log_records_carry_the_request_id():
    token = request_id.set("abc123")
    try:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
        RequestIdFilter().filter(record)
        assert record.request_id == "abc123"
    finally:
        request_id.reset(token)


def test_the_request_id_travels_in_the_task_headers():
    seen.clear()
    token = request_id.set("req-7")
    try:
        remember_request_id.apply_async(headers={"request_id": "req-7"})
    finally:
        request_id.reset(token)
    assert seen == ["req-7"]


def test_the_publish_signal_puts_the_id_in_the_headers():
    from lunarshare.ops.requestid import _send_request_id

    headers = {}
    token = request_id.set("req-8")
    try:
        _send_request_id(headers=headers)
    finally:
        request_id.reset(token)
    assert headers == {"request_id": "req-8"}


def test_json_log_lines_hold_the_request_id(capsys):
    from pythonjsonlogger.json import JsonFormatter

    formatter = JsonFormatter("%(levelname)s %(name)s %(message)s %(request_id)s")
    record = logging.LogRecord("lunarshare.request", logging.INFO, __file__, 1, "request", None, None)
    record.request_id = "r-1"
    import json

    assert json.loads(formatter.format(record)) == {
        "levelname": "INFO", "name": "lunarshare.request", "message": "request", "request_id": "r-1"}
