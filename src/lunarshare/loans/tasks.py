"""Celery tasks of the loans app: thin wrappers around services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone


@shared_task(name="lunarshare.loans.tasks.send_loan_reminders")
def send_loan_reminders(on: str | None = None) -> int:
    """Daily: send the due-date reminders for ``on`` (ISO date; default today). Safe to repeat."""
    from .services import loan_send_reminders

    day = dt.date.fromisoformat(on) if on else timezone.localdate()
    return len(loan_send_reminders(actor=None, on=day))
