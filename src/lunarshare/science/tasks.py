"""Celery tasks of the science app: thin wrappers around services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(name="science.release_embargoes")
def release_embargoes(on: str | None = None) -> dict:
    """Release every dataset whose embargo has ended (daily). Idempotent."""
    from .services import release_due_datasets

    day = dt.date.fromisoformat(on) if on else None
    run = release_due_datasets(actor=None, today=day)
    return {"released": run.released, "already_released": run.already}
