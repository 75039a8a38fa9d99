"""Celery tasks of the programs app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="lunarshare.programs.tasks.close_due_rounds")
def close_due_rounds() -> list[int]:
    """Every few minutes: close the rounds whose application window has ended."""
    from .services import rounds_close_due

    return [round_.pk for round_ in rounds_close_due()]
