"""Queue e-mail for after the commit; deliver one queued e-mail exactly once."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboundEmail

log = logging.getLogger(__name__)


def email_queue(*, to: str, subject, body: str = "", html_body: str = "") -> OutboundEmail:
    """Write the message to the outbox now and send it through Celery after the commit.

    Call it inside the caller's transaction: when that rolls back the row disappears with it
    and nothing is sent. Outside a transaction the task is queued at once.
    """
    from .tasks import send_email

    email = OutboundEmail.objects.create(
        recipient=to, subject=" ".join(str(subject).split())[:255], body=str(body), html_body=str(html_body)
    )
    # robust: a broker outage is logged, it never turns a committed change into an error page.
    transaction.on_commit(lambda: send_email.delay(email.pk), robust=True)
    return email


def email_deliver(*, email_id: int) -> bool:
    """Hand one queued message to the mail server unless it was sent already.

    The row stays locked while the message goes out, so a second delivery of the same task
    (a worker lost mid-task, ``acks_late``) waits and then finds ``sent_at`` set. Returns
    whether this call sent it. System side effect, no actor: the outbox row is its record.
    """
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None:
            return False
        message = EmailMultiAlternatives(
            email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.recipient],
            headers={"Message-ID": email.message_id},
        )
        if email.html_body:
            message.attach_alternative(email.html_body, "text/html")
        message.send(fail_silently=False)  # raises on failure: the task records it and retries
        email.sent_at = timezone.now()
        email.attempts += 1
        email.save(update_fields=["sent_at", "attempts"])
    return True


def email_record_failure(*, email_id: int, error: str) -> None:
    """Count a failed attempt on a message that is still unsent (its row was not locked)."""
    OutboundEmail.objects.filter(pk=email_id, sent_at__isnull=True).update(
        attempts=F("attempts") + 1, last_error=error[:500]
    )
