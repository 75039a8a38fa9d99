"""The outbox: one row per e-mail to send, written in the transaction that caused it."""

import uuid

from django.db import models


class OutboundEmail(models.Model):
    """One message to one recipient.

    ``key`` is the message's stable identity: it becomes the ``Message-ID`` header, so a
    receiving server can drop the rare duplicate of a delivery the worker could not record.
    ``sent_at`` is set in the same transaction that holds the row's lock while the message
    is handed to the mail server: a task delivered twice (``acks_late``, worker lost) finds
    it set and sends nothing. Rows are kept (nothing is deleted) as the record of what was sent.
    """

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.EmailField()
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "created_at"], name="mail_outbox_pending_idx")]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"

    @property
    def message_id(self) -> str:
        return f"<{self.key}@lunarshare>"
