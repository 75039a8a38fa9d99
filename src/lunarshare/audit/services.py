"""Writing to and verifying the append-only audit chain."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import ChainHead, Event

GENESIS_HASH = "0" * 64


def _canonical(value: Any) -> Any:
    """JSON-ready form of ``data`` values (dates, decimals, model instances)."""
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_canonical(v) for v in value]
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def compute_hash(*, seq, created_at, actor_id, actor_name, verb, subject_type, subject_id, subject_repr, data, prev_hash) -> str:
    payload = json.dumps(
        {
            "seq": seq,
            "created_at": created_at.isoformat(),
            "actor_id": actor_id,
            "actor_name": actor_name,
            "verb": verb,
            "subject_type": subject_type,
            "subject_id": subject_id,
            "subject_repr": subject_repr,
            "data": data,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(*, actor, verb: str, obj: models.Model | None = None, data: dict | None = None) -> Event:
    """Append one event. Must be called inside the service's ``transaction.atomic()`` block,
    so the event exists exactly when the change it describes does."""
    if not verb.startswith("lunarshare."):
        verb = f"lunarshare.{verb}"
    clean_data = _canonical(data or {})
    with transaction.atomic():
        head, _created = ChainHead.objects.select_for_update().get_or_create(id=1)
        fields = {
            "seq": head.seq + 1,
            "created_at": timezone.now(),
            "actor_id": getattr(actor, "pk", None),
            "actor_name": getattr(actor, "username", "") or ("system" if actor is None else str(actor)),
            "verb": verb,
            "subject_type": obj._meta.label_lower if obj is not None else "",
            "subject_id": str(obj.pk) if obj is not None else "",
            "subject_repr": str(obj)[:255] if obj is not None else "",
            "data": clean_data,
            "prev_hash": head.hash,
        }
        event = Event(**fields, hash=compute_hash(**fields))
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass
class ChainProblem:
    seq: int | None
    reason: str


def verify_chain(batch_size: int = 5000) -> ChainProblem | None:
    """Walk the chain in order; return the first problem, or ``None`` when it is intact.

    Detects changed rows (hash mismatch), removed rows (gap in ``seq``, broken ``prev_hash``),
    reordering (``prev_hash`` not the predecessor's hash) and a truncated tail (head mismatch).
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last_seq = 0
    queryset = Event.objects.order_by("seq").values(
        "seq", "created_at", "actor_id", "actor_name", "verb", "subject_type", "subject_id",
        "subject_repr", "data", "prev_hash", "hash",
    )
    for row in queryset.iterator(chunk_size=batch_size):
        if row["seq"] != expected_seq:
            return ChainProblem(expected_seq, f"event #{expected_seq} is missing (next present is #{row['seq']})")
        if row["prev_hash"] != expected_prev:
            return ChainProblem(row["seq"], f"event #{row['seq']} does not follow event #{row['seq'] - 1} (removed or reordered)")
        stored = row.pop("hash")
        if compute_hash(**row) != stored:
            return ChainProblem(row["seq"], f"event #{row['seq']} ({row['verb']}) was changed after it was written")
        expected_prev, expected_seq, last_seq = stored, expected_seq + 1, row["seq"]
    head = ChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != last_seq or head.hash != expected_prev):
        return ChainProblem(last_seq + 1, f"the chain ends at #{last_seq} but its head says #{head.seq}: events were removed from the end")
    return None


def events_for(obj: models.Model):
    return Event.objects.filter(subject_type=obj._meta.label_lower, subject_id=str(obj.pk)).select_related("actor")
