"""Celery task of the outbox: a thin wrapper around :func:`services.email_deliver`."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)

RETRY_DELAYS = (30, 120, 600, 1800, 3600)  # seconds; then the row keeps its last_error


@shared_task(name="mail.send_email", bind=True, acks_late=True, reject_on_worker_lost=True,
             max_retries=len(RETRY_DELAYS))
def send_email(self, email_id: int) -> bool:
    """Send outbox row ``email_id``. Idempotent: a repeated delivery sends nothing twice."""
    from .services import email_deliver, email_record_failure

    try:
        sent = email_deliver(email_id=email_id)
    except Exception as exc:  # the mail server is down or refused: keep the row, try later
        email_record_failure(email_id=email_id, error=f"{type(exc).__name__}: {exc}")
        log.warning("e-mail %s not sent (attempt %s): %s", email_id, self.request.retries + 1, exc)
        if self.request.is_eager or self.request.called_directly or self.request.retries >= self.max_retries:
            return False
        raise self.retry(exc=exc, countdown=RETRY_DELAYS[self.request.retries]) from exc
    log.info("e-mail %s %s", email_id, "sent" if sent else "already sent or unknown: nothing to do")
    return sent
