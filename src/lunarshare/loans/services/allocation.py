"""Allocation: curators fulfil approved items with catalogue samples, reserved at once.

A requested mass smaller than the chosen sample splits a child off it through the catalogue's
``sample_split`` (which locks the parent and refuses to overdraw it), and the child is reserved
through ``sample_change_status``. Reserved material has no available mass, so it can never be
promised twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.catalog.models import Sample, SampleStatus
from lunarshare.errors import ConflictError, InvalidTransition, ValidationFailed
from lunarshare.mass import format_mass
from lunarshare.permissions import require

from ..models import Loan, LoanItem, LoanStatus
from .common import check_mass, lock_loan, set_item_status

ALLOCATABLE_LOAN_STATUSES = (LoanStatus.DRAFT, LoanStatus.BORROWER_SIGNED, LoanStatus.SIGNED)


@dataclass(frozen=True)
class Pick:
    """One sample chosen for an item; ``mass_ug`` ``None`` means the whole sample."""

    identifier: str
    mass_ug: int | None = None


def _check_loan_allocatable(loan: Loan) -> None:
    if loan.status not in ALLOCATABLE_LOAN_STATUSES:
        raise InvalidTransition(_("Loan %(loan)s is %(status)s; samples are allocated only before shipment.")
                                % {"loan": loan, "status": loan.get_status_display().lower()})


def _allowed_generics(item: LoanItem) -> set[str] | None:
    """Generics the item may draw from: those of its sample set (``None``: no restriction)."""
    if item.application_item_id is None:
        return None
    generics = set(item.application_item.sample_set.samples.values_list("generic", flat=True))
    return generics or None


def loan_allocate(*, actor, loan: Loan, item: LoanItem, picks: Sequence[Pick]) -> list[LoanItem]:
    """Fulfil one pending item with one or more samples (splitting parents as needed).

    The first pick fills ``item``; further picks become further items of the same approved
    item. The picks together may not exceed the approved mass. All or nothing.
    """
    from lunarshare.catalog.services import ChildSpec, sample_change_status, sample_split

    require(actor, "loans.allocate", loan, message=_("Only a curator may allocate samples."))
    if not picks:
        raise ValidationFailed(_("Choose at least one sample."))
    for pick in picks:
        if not isinstance(pick.identifier, str) or not pick.identifier.strip():
            raise ValidationFailed(_("Each sample needs an identifier."))
        if pick.mass_ug is not None:
            check_mass(pick.mass_ug, _("The mass"))
    identifiers = [p.identifier.strip() for p in picks]
    if len(set(identifiers)) != len(identifiers):
        raise ValidationFailed(_("The same sample is chosen twice."))
    with transaction.atomic():
        loan = lock_loan(loan)
        _check_loan_allocatable(loan)
        item = (LoanItem.objects.select_for_update(of=("self",)).select_related("application_item__sample_set")
                .filter(pk=getattr(item, "pk", item), loan=loan).first())
        if item is None:
            raise ValidationFailed(_("Loan %(loan)s has no such item.") % {"loan": loan})
        if item.status != LoanItem.Status.PENDING:
            raise InvalidTransition(_("This item is already %(status)s.") % {"status": item.get_status_display().lower()})
        samples = {s.identifier: s for s in Sample.objects.filter(identifier__in=identifiers)}
        unknown = [i for i in identifiers if i not in samples]
        if unknown:
            raise ValidationFailed(_("No sample %(ids)s in the catalogue.") % {"ids": ", ".join(unknown)}, unknown=unknown)
        generics = _allowed_generics(item)
        if generics is not None:
            foreign = [i for i in identifiers if samples[i].generic not in generics]
            if foreign:
                raise ValidationFailed(_("%(ids)s is not part of the approved sample set.") % {"ids": ", ".join(foreign)})
        masses = [p.mass_ug if p.mass_ug is not None else samples[p.identifier.strip()].mass_ug for p in picks]
        if sum(masses) > item.approved_mass_ug:
            raise ValidationFailed(_("%(total)s chosen but only %(approved)s was approved for this item.")
                                   % {"total": format_mass(sum(masses)), "approved": format_mass(item.approved_mass_ug)})
        reason = _("Allocated to loan %(loan)s") % {"loan": loan}
        # Lock in the catalogue's order — the generics' roots, then the chosen samples, each
        # sorted — so that concurrent allocations and splits can never deadlock.
        roots = sorted({samples[i].generic for i in identifiers})
        list(Sample.objects.select_for_update().filter(identifier__in=roots).order_by("pk").values_list("pk", flat=True))
        list(Sample.objects.select_for_update().filter(pk__in=[samples[i].pk for i in identifiers])
             .order_by("pk").values_list("pk", flat=True))
        chosen: list[tuple[Sample, int, Sample | None]] = []
        for identifier, mass in zip(identifiers, masses, strict=True):
            sample = Sample.objects.select_for_update().get(pk=samples[identifier].pk)
            if sample.status != SampleStatus.AVAILABLE:
                raise ConflictError(_("%(sample)s is %(status)s and cannot be allocated.")
                                    % {"sample": sample.identifier, "status": sample.get_status_display().lower()})
            if mass > sample.mass_ug:
                raise ConflictError(_("%(sample)s holds %(available)s; %(requested)s cannot be allocated from it.")
                                    % {"sample": sample.identifier, "available": format_mass(sample.mass_ug),
                                       "requested": format_mass(mass)},
                                    available_ug=sample.mass_ug, requested_ug=mass)
            if mass < sample.mass_ug:
                child = sample_split(actor=actor, parent=sample, children=[ChildSpec(mass_ug=mass)], reason=reason)[0]
                chosen.append((child, mass, sample))
            else:
                chosen.append((sample, mass, None))
        allowance_left = item.destructive_allowance_ug
        now = timezone.now()
        result: list[LoanItem] = []
        for index, (sample, mass, _parent) in enumerate(chosen):
            sample_change_status(actor=actor, sample=sample, status=SampleStatus.RESERVED, reason=reason)
            allowance = min(allowance_left, mass)
            allowance_left -= allowance
            if index == 0:
                target = item
                set_item_status(target, LoanItem.Status.ALLOCATED)
                target.sample, target.mass_ug, target.destructive_allowance_ug, target.allocated_at = sample, mass, allowance, now
                target.save(update_fields=["status", "sample", "mass_ug", "destructive_allowance_ug", "allocated_at"])
            else:
                target = LoanItem.objects.create(
                    loan=loan, sample=sample, application_item=item.application_item, form=item.form,
                    description=item.description, approved_mass_ug=0, mass_ug=mass, destructive_allowance_ug=allowance,
                    status=LoanItem.Status.ALLOCATED, allocated_at=now,
                )
            result.append(target)
        audit.record(actor=actor, verb="loan.allocated", obj=loan, data={
            "item": item.pk,
            "samples": [{"identifier": s.identifier, "mass_ug": m, "split_from": p.identifier if p else None}
                        for s, m, p in chosen],
        })
    return result


def loan_allocate_bulk(*, actor, loan: Loan, assignments: Sequence[tuple[int, int]]) -> int:
    """Allocate whole samples to many pending items at once: ``[(item_id, sample_id), ...]``.

    Set-based (for loans of thousands of prepared pieces): the samples go from available to
    reserved in one guarded UPDATE (refused as a whole if any of them is not available), the
    items are filled in bulk, and one audit event records the count and total mass.
    """
    from lunarshare.catalog.bulk import samples_change_status_bulk

    require(actor, "loans.allocate", loan, message=_("Only a curator may allocate samples."))
    if not assignments:
        return 0
    item_ids = [int(i) for i, _s in assignments]
    sample_ids = [int(s) for _i, s in assignments]
    if len(set(item_ids)) != len(item_ids) or len(set(sample_ids)) != len(sample_ids):
        raise ValidationFailed(_("Each item and each sample may appear only once."))
    with transaction.atomic():
        loan = lock_loan(loan)
        _check_loan_allocatable(loan)
        items = {}
        for start in range(0, len(item_ids), 2000):
            chunk = item_ids[start:start + 2000]
            items.update({i.pk: i for i in LoanItem.objects.select_for_update()
                          .filter(pk__in=chunk, loan=loan, status=LoanItem.Status.PENDING)
                          .only("pk", "approved_mass_ug", "destructive_allowance_ug", "status")})
        if len(items) != len(item_ids):
            raise InvalidTransition(_("%(n)s of the items are not pending items of this loan.") % {"n": len(item_ids) - len(items)})
        masses = {}
        for start in range(0, len(sample_ids), 2000):
            chunk = sample_ids[start:start + 2000]
            masses.update(Sample.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "mass_ug"))
        if len(masses) != len(sample_ids):
            raise ValidationFailed(_("Some samples do not exist."))
        reason = _("Allocated to loan %(loan)s") % {"loan": loan}
        samples_change_status_bulk(actor=actor, sample_ids=sample_ids, from_status=SampleStatus.AVAILABLE,
                                   to_status=SampleStatus.RESERVED, reason=reason, reference=str(loan), obj=loan)
        now = timezone.now()
        rows, total = [], 0
        for item_id, sample_id in assignments:
            item = items[int(item_id)]
            mass = masses[int(sample_id)]
            if mass > item.approved_mass_ug:
                raise ValidationFailed(_("A sample of %(mass)s exceeds its item's approved %(approved)s.")
                                       % {"mass": format_mass(mass), "approved": format_mass(item.approved_mass_ug)})
            rows.append((int(sample_id), mass, min(item.destructive_allowance_ug, mass), int(item_id)))
            total += mass
        # One parameterised UPDATE executed for every row (pipelined by the driver): each item
        # gets its own sample and mass, which a single set-based UPDATE cannot express portably.
        table = LoanItem._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET status = %s, sample_id = %s, mass_ug = %s, destructive_allowance_ug = %s, "
                f"allocated_at = %s WHERE id = %s AND status = %s",
                [(LoanItem.Status.ALLOCATED, sample_id, mass, allowance, now, item_id, LoanItem.Status.PENDING)
                 for sample_id, mass, allowance, item_id in rows],
            )
        updated = rows
        audit.record(actor=actor, verb="loan.allocated_bulk", obj=loan,
                     data={"count": len(updated), "mass_ug": total})
    return len(updated)
