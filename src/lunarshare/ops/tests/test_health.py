"""/healthz and /readyz: no login, status words only."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_names_each_dependency_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"}


def test_readyz_says_not_ready_without_telling_why(client, monkeypatch):
    def down():
        raise OSError("connection refused to db.internal:5432 as lunarshare")

    monkeypatch.setitem(__import__("lunarshare.ops.health", fromlist=["CHECKS"]).CHECKS, "database", down)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "not ready" and response.json()["database"] == "failing"
    assert b"db.internal" not in response.content and b"refused" not in response.content


def test_readyz_refuses_writes(client):
    assert client.post("/readyz").status_code == 405
