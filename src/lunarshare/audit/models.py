from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One state change, appended to a hash chain.

    Fields:
      ``seq``       position in the chain, 1, 2, 3, ... without gaps (unique);
      ``verb``      namespaced dotted code, e.g. ``lunarshare.sample.split``;
      ``actor``     who did it (``None`` only for the system itself, e.g. a scheduled task);
      ``subject_*`` what it was done to: model label (``catalog.sample``), primary key and a
                    readable text kept even if the row later changes;
      ``data``      JSON with the facts of the change (old/new values, masses, reasons);
      ``prev_hash`` the ``hash`` of event ``seq - 1`` (64 zeros for the first);
      ``hash``      SHA-256 over the canonical JSON of all the above.

    Invariant: rows are never updated or deleted. ``lunarshare verify_audit`` recomputes the
    chain and names the first event whose content, order or predecessor does not match.
    """

    seq = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    verb = models.CharField(max_length=100, db_index=True)
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    subject_repr = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "audit_event"
        ordering = ["seq"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "seq"], name="audit_subject_idx")]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.subject_repr}"


class ChainHead(models.Model):
    """Single row holding the newest event's seq and hash.

    Locking this row serialises appends, so two concurrent transactions can never both
    chain onto the same predecessor.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        db_table = "audit_chainhead"
