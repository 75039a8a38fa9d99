"""The beat schedule: the audit checkpoint joins it once, and tests can shorten every entry."""

import sys
import types
from datetime import timedelta

import pytest
from django.apps import apps


@pytest.fixture
def schedule(settings):
    settings.CELERY_BEAT_SCHEDULE = {"science-release-embargoes": {"task": "science.release_embargoes",
                                                                   "schedule": timedelta(days=1)}}
    return settings.CELERY_BEAT_SCHEDULE


@pytest.fixture
def audit_tasks(monkeypatch):
    module = types.ModuleType("lunarshare.audit.tasks")
    module.write_checkpoint = types.SimpleNamespace(name="lunarshare.audit.tasks.write_checkpoint")
    monkeypatch.setitem(sys.modules, "lunarshare.audit.tasks", module)
    return module


def test_the_audit_checkpoint_is_scheduled_when_the_audit_app_has_the_task(schedule, audit_tasks):
    apps.get_app_config("ops").ready()
    assert schedule["audit-checkpoint"]["task"] == "lunarshare.audit.tasks.write_checkpoint"


def test_it_is_not_scheduled_twice(schedule, audit_tasks):
    schedule["audit-write-checkpoint"] = {"task": "lunarshare.audit.tasks.write_checkpoint", "schedule": 1}
    apps.get_app_config("ops").ready()
    assert "audit-checkpoint" not in schedule


def test_a_shortened_schedule_runs_every_entry_every_n_seconds(schedule, monkeypatch):
    monkeypatch.setenv("LUNARSHARE_BEAT_EVERY_SECONDS", "3")
    apps.get_app_config("ops").ready()
    assert {entry["schedule"] for entry in schedule.values()} == {timedelta(seconds=3)}
