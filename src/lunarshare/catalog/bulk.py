"""Set-based variants of the catalogue's status and custody services, for large loans.

A loan of twenty thousand items must not become twenty thousand transactions. These functions
change many samples with one guarded UPDATE, write their custody rows with one bulk INSERT,
and record ONE audit event carrying the counts. They never change a mass (the ledger stays
with the single-sample services), so mass conservation is untouched.

Guarded like the single-sample services: the UPDATE names the status every sample must be in,
so a sample that moved concurrently makes the count differ and the whole call is refused
(the surrounding transaction rolls back).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.errors import ConflictError, check_transition

from .models import CustodyEvent, Sample, SampleStatus

BATCH = 2000


def _chunks(values: Sequence[int], size: int = BATCH):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def samples_change_status_bulk(*, actor, sample_ids: Sequence[int], from_status: str, to_status: str,
                               reason: str = "", reference: str = "", obj=None) -> int:
    """Move every sample in ``sample_ids`` from ``from_status`` to ``to_status`` or none of them."""
    check_transition(Sample.TRANSITIONS, SampleStatus(from_status), SampleStatus(to_status), what=_("A sample"))
    ids = sorted(set(sample_ids))
    if not ids:
        return 0
    with transaction.atomic():
        changed = 0
        now = timezone.now()
        for chunk in _chunks(ids):
            changed += Sample.objects.filter(pk__in=chunk, status=from_status).update(status=to_status, updated_at=now)
        if changed != len(ids):
            raise ConflictError(
                _("%(missing)s of %(total)s samples are no longer %(status)s; nothing was changed.")
                % {"missing": len(ids) - changed, "total": len(ids), "status": SampleStatus(from_status).label.lower()},
            )
        audit.record(actor=actor, verb="sample.status_changed_bulk", obj=obj,
                     data={"count": changed, "old": from_status, "new": to_status, "reason": reason, "reference": reference})
    return changed


def samples_record_custody_bulk(*, actor, sample_ids: Sequence[int], kind: str, holder_institution=None,
                                holder_name: str = "", note: str = "", reference: str = "", obj=None) -> int:
    """Record the same hand-over for many samples: ``RECEIVED``/``TRANSFERRED`` set the holder,
    ``RETURNED`` brings the samples back to the agency (holder cleared), ``SHIPPED`` only logs."""
    if kind not in CustodyEvent.Kind.values:
        raise ConflictError(_("Unknown custody event."))
    ids = sorted(set(sample_ids))
    if not ids:
        return 0
    with transaction.atomic():
        now = timezone.now()
        if kind in (CustodyEvent.Kind.RECEIVED, CustodyEvent.Kind.TRANSFERRED):
            for chunk in _chunks(ids):
                Sample.objects.filter(pk__in=chunk).update(holder_institution=holder_institution, updated_at=now)
        elif kind in (CustodyEvent.Kind.RETURNED, CustodyEvent.Kind.RECOVERED):
            for chunk in _chunks(ids):
                Sample.objects.filter(pk__in=chunk).update(holder_institution=None, updated_at=now)
        # INSERT … SELECT: one set-based statement per chunk, each row taking the sample's
        # current location as ``from_location`` (what the single-sample service records).
        event_table, sample_table = CustodyEvent._meta.db_table, Sample._meta.db_table
        holder_id, actor_id = getattr(holder_institution, "pk", None), getattr(actor, "pk", None)
        with connection.cursor() as cursor:
            for chunk in _chunks(ids):
                cursor.execute(
                    f"INSERT INTO {event_table} (sample_id, kind, from_location_id, to_location_id, holder_institution_id, "
                    f"holder_name, note, reference, actor_id, at) "
                    f"SELECT id, %s, location_id, NULL, %s, %s, %s, %s, %s, %s FROM {sample_table} "
                    f"WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                    [kind, holder_id, holder_name, note, reference, actor_id,
                     connection.ops.adapt_datetimefield_value(now), *chunk],
                )
        audit.record(actor=actor, verb=f"sample.custody_{kind}_bulk", obj=obj,
                     data={"count": len(ids), "holder": getattr(holder_institution, "pk", None), "note": note,
                           "reference": reference})
    return len(ids)
