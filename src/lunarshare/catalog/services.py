"""Every operation that changes a sample: registration, splits, the mass ledger, status, custody.

Each function follows the house shape: guard, then inside one transaction lock the sample
row, change it with a guarded UPDATE (so SQLite, where ``select_for_update`` is a no-op, is
safe too), write ledger/custody rows and exactly one audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.errors import ConflictError, ValidationFailed, check_transition
from lunarshare.mass import MAX_MASS_UG, format_mass
from lunarshare.permissions import require

from .identifiers import next_child_identifiers, split_number_of, validate_identifier
from .ledger_audit import ledger_facts
from .models import (
    CustodyEvent,
    LedgerEntry,
    Mission,
    Sample,
    SampleCategory,
    SampleStatus,
    SampleType,
    StorageLocation,
)

Kind = LedgerEntry.Kind


class SampleError(ValidationFailed):
    code = "sample_invalid"


class InsufficientMassError(ConflictError):
    code = "insufficient_mass"


class SplitTooHeavyError(InsufficientMassError):
    """A split asks for more than the parent holds: a refusal of the request itself (400)."""

    http_status = 400


class IdentifierTakenError(ConflictError):
    """A child identifier given in a split is already used (400: the request must change)."""

    code = "identifier_taken"
    http_status = 400


@dataclass(frozen=True)
class ChildSpec:
    """One child of a split. ``identifier`` may be given; otherwise the convention numbers it."""

    mass_ug: int
    type: str | None = None
    identifier: str | None = None
    category: str | None = None
    description: str = ""
    metadata: dict = field(default_factory=dict)


def _check_mass(mass_ug, *, allow_zero: bool = False) -> int:
    if isinstance(mass_ug, bool) or not isinstance(mass_ug, int):
        raise SampleError(_("A mass must be a whole number of micrograms."))
    if mass_ug < 0 or (mass_ug == 0 and not allow_zero):
        raise SampleError(_("A mass must be greater than zero (got %(mass)s µg).") % {"mass": mass_ug})
    if mass_ug > MAX_MASS_UG:
        raise SampleError(_("%(mass)s µg is beyond any collection.") % {"mass": mass_ug})
    return mass_ug


def _check_choice(value: str, choices, what: str) -> str:
    if value not in choices.values:
        raise SampleError(_("Unknown %(what)s “%(value)s”.") % {"what": what, "value": value})
    return value


def _lock(sample: Sample) -> Sample:
    return Sample.objects.select_for_update().select_related("mission").get(pk=sample.pk)


def _change_mass(sample: Sample, delta_ug: int, *, kind: str, actor, reason: str = "", reference: str = "",
                 counterpart: Sample | None = None) -> LedgerEntry:
    """Apply ``delta_ug`` to a locked sample and write its ledger entry.

    The UPDATE itself refuses to go below zero (``mass_ug >= -delta``), so even without row
    locks two writers cannot overdraw a sample: the second one updates no row.
    """
    rows = Sample.objects.filter(pk=sample.pk, mass_ug__gte=max(0, -delta_ug)).update(mass_ug=F("mass_ug") + delta_ug)
    if rows != 1:
        current = Sample.objects.values_list("mass_ug", flat=True).get(pk=sample.pk)
        raise InsufficientMassError(
            _("%(sample)s holds %(available)s; %(requested)s cannot be taken from it.")
            % {"sample": sample.identifier, "available": format_mass(current), "requested": format_mass(-delta_ug)},
            available_ug=current, requested_ug=-delta_ug,
        )
    sample.mass_ug = Sample.objects.values_list("mass_ug", flat=True).get(pk=sample.pk)
    return LedgerEntry.objects.create(
        sample=sample, kind=kind, delta_ug=delta_ug, balance_ug=sample.mass_ug, counterpart=counterpart,
        reason=reason, reference=reference, actor=actor,
    )


def _set_status(sample: Sample, status: str) -> str:
    old = sample.status
    if old != status:
        check_transition(Sample.TRANSITIONS, SampleStatus(old), SampleStatus(status), what=_("Sample %s") % sample.identifier)
        sample.status = status
        # updated_at is the record's last change for harvesters (OAI-PMH datestamps): a status
        # change such as a deaccession must move it, or incremental harvests would miss it.
        sample.updated_at = timezone.now()
        Sample.objects.filter(pk=sample.pk).update(status=status, updated_at=sample.updated_at)
    return old


def sample_register(*, actor, identifier: str, mission: Mission, type: str, mass_ug: int,
                    category: str = SampleCategory.RESEARCH, description: str = "",
                    location: StorageLocation | None = None, metadata: dict | None = None,
                    literature_record: bool = False) -> Sample:
    """Register a root sample (a generic, a Chang'e lot) with its initial mass.

    ``literature_record`` registers a record of material known from the literature only (0 µg,
    status "Literature reference"): it can be cited by data but is never available."""
    require(actor, "catalog.manage_samples", message=_("Only curators may change samples."))
    identifier = validate_identifier(identifier)
    _check_choice(type, SampleType, _("sample type"))
    _check_choice(category, SampleCategory, _("category"))
    _check_mass(mass_ug, allow_zero=True)
    if literature_record and mass_ug:
        raise SampleError(_("A literature reference holds no material: its mass must be 0."))
    status = SampleStatus.LITERATURE if literature_record else SampleStatus.AVAILABLE
    if Sample.objects.filter(identifier=identifier).exists():
        raise ConflictError(_("A sample %(identifier)s already exists.") % {"identifier": identifier})
    with transaction.atomic():
        try:
            with transaction.atomic():
                sample = Sample.objects.create(
                    identifier=identifier, mission=mission, generic=identifier, type=type, category=category,
                    description=description, initial_mass_ug=mass_ug, mass_ug=mass_ug, location=location,
                    metadata=metadata or {}, status=status,
                )
        except IntegrityError:
            raise ConflictError(_("A sample %(identifier)s already exists.") % {"identifier": identifier}) from None
        entry = LedgerEntry.objects.create(sample=sample, kind=Kind.REGISTER, delta_ug=mass_ug, balance_ug=mass_ug, actor=actor)
        CustodyEvent.objects.create(sample=sample, kind=CustodyEvent.Kind.REGISTERED, to_location=location, actor=actor)
        audit.record(actor=actor, verb="sample.registered", obj=sample,
                     data={"mission": mission.code, "mass_ug": mass_ug, "type": type, "category": category,
                           "ledger": ledger_facts(entry), **({"status": status} if literature_record else {})})
    return sample


def sample_split(*, actor, parent: Sample, children: Sequence[ChildSpec], reason: str = "") -> list[Sample]:
    """Split ``parent`` into children of the given masses; the parent keeps the remainder.

    Refused, with nothing changed, when a mass is not positive, the total exceeds what the
    parent holds, an identifier is malformed or taken, or the parent is not available.
    """
    require(actor, "catalog.release_material", message=_("Only curators and programme officers may release material."))
    if not children:
        raise SampleError(_("A split needs at least one child."))
    for child in children:
        _check_mass(child.mass_ug)
        if child.type:
            _check_choice(child.type, SampleType, _("sample type"))
        if child.category:
            _check_choice(child.category, SampleCategory, _("category"))
    given = [validate_identifier(c.identifier) for c in children if c.identifier]
    if len(set(given)) != len(given):
        raise SampleError(_("The same identifier is given to two children."))
    total = sum(c.mass_ug for c in children)

    with transaction.atomic():
        # Lock the generic's root first (it serialises split numbering), then the parent.
        Sample.objects.select_for_update().filter(identifier=parent.generic).first()
        parent = _lock(parent)
        if parent.status != SampleStatus.AVAILABLE:
            raise ConflictError(
                _("%(sample)s is %(status)s and cannot be split.")
                % {"sample": parent.identifier, "status": parent.get_status_display().lower()}
            )
        if total > parent.mass_ug:
            raise SplitTooHeavyError(
                _("The children weigh %(total)s in all but %(sample)s holds only %(available)s.")
                % {"total": format_mass(total), "sample": parent.identifier, "available": format_mass(parent.mass_ug)},
                available_ug=parent.mass_ug, requested_ug=total,
            )
        taken = set(Sample.objects.filter(identifier__in=given).values_list("identifier", flat=True))
        if taken:
            raise IdentifierTakenError(_("Identifier already in use: %(ids)s.") % {"ids": ", ".join(sorted(taken))})
        fresh = iter(next_child_identifiers(parent, sum(1 for c in children if not c.identifier)))
        created: list[Sample] = []
        entries: list[LedgerEntry] = []
        try:
            with transaction.atomic():
                for spec in children:
                    if spec.identifier:
                        identifier = spec.identifier.strip()
                        number = split_number_of(identifier, parent.identifier, parent.mission.id_convention)
                    else:
                        identifier, number = next(fresh)
                    child = Sample.objects.create(
                        identifier=identifier, mission_id=parent.mission_id, parent=parent, generic=parent.generic,
                        split_number=number, type=spec.type or parent.type, category=spec.category or parent.category,
                        description=spec.description or parent.description, initial_mass_ug=spec.mass_ug,
                        mass_ug=spec.mass_ug, location=parent.location, metadata=spec.metadata,
                    )
                    entries.append(_change_mass(parent, -spec.mass_ug, kind=Kind.SPLIT_OUT, actor=actor, reason=reason,
                                                counterpart=child))
                    entries.append(LedgerEntry.objects.create(sample=child, kind=Kind.SPLIT_IN, delta_ug=spec.mass_ug,
                                                              balance_ug=spec.mass_ug, counterpart=parent, reason=reason,
                                                              actor=actor))
                    created.append(child)
        except IntegrityError:
            raise ConflictError(_("A child identifier was taken at the same moment; nothing was split. Try again.")) from None
        audit.record(
            actor=actor, verb="sample.split", obj=parent,
            data={"reason": reason, "parent_mass_before_ug": parent.mass_ug + total, "parent_mass_after_ug": parent.mass_ug,
                  "children": [{"identifier": c.identifier, "mass_ug": c.initial_mass_ug} for c in created],
                  "ledger": ledger_facts(*entries)},
        )
    return created


def sample_reweigh(*, actor, sample: Sample, measured_mass_ug: int, reason: str,
                   kind: str = Kind.REWEIGH, reference: str = "") -> LedgerEntry | None:
    """Record a new weighing. The difference becomes a ledger adjustment; a reason is required."""
    require(actor, "catalog.manage_samples", message=_("Only curators may change samples."))
    _check_mass(measured_mass_ug, allow_zero=True)
    if not (reason or "").strip():
        raise SampleError(_("Say why the sample was reweighed."))
    if kind not in (Kind.REWEIGH, Kind.RETURN):
        raise SampleError(_("Unknown reweigh kind."))
    with transaction.atomic():
        sample = _lock(sample)
        delta = measured_mass_ug - sample.mass_ug
        if delta == 0:
            return None
        before = sample.mass_ug
        entry = _change_mass(sample, delta, kind=kind, actor=actor, reason=reason, reference=reference)
        audit.record(actor=actor, verb="sample.reweighed", obj=sample,
                     data={"old_mass_ug": before, "new_mass_ug": measured_mass_ug, "delta_ug": delta, "reason": reason, "kind": kind,
                           "ledger": ledger_facts(entry)})
    return entry


def sample_consume(*, actor, sample: Sample, mass_ug: int, reason: str, reference: str = "") -> LedgerEntry:
    """Destructive use: the mass leaves through the ledger; at zero the sample is consumed."""
    require(actor, "catalog.consume", sample, message=_("Only curators and the borrowers holding a sample may consume it."))
    _check_mass(mass_ug)
    with transaction.atomic():
        sample = _lock(sample)
        if sample.status not in (SampleStatus.AVAILABLE, SampleStatus.RESERVED, SampleStatus.ON_LOAN):
            raise ConflictError(_("%(sample)s is %(status)s; nothing can be consumed from it.")
                                % {"sample": sample.identifier, "status": sample.get_status_display().lower()})
        entry = _change_mass(sample, -mass_ug, kind=Kind.CONSUMPTION, actor=actor, reason=reason, reference=reference)
        old_status = _set_status(sample, SampleStatus.CONSUMED) if sample.mass_ug == 0 else sample.status
        audit.record(actor=actor, verb="sample.consumed", obj=sample,
                     data={"mass_ug": mass_ug, "balance_ug": sample.mass_ug, "reason": reason, "reference": reference,
                           "old_status": old_status, "new_status": sample.status, "ledger": ledger_facts(entry)})
    return entry


def sample_write_off(*, actor, sample: Sample, reason: str, mass_ug: int | None = None,
                     kind: str = Kind.LOSS, reference: str = "") -> LedgerEntry:
    """Lost, stolen or given away material leaves through the ledger (all of it by default).

    Writing off everything marks the sample lost (``LOSS``) or deaccessioned (``TRANSFER_OUT``).
    """
    require(actor, "catalog.release_material", message=_("Only curators and programme officers may release material."))
    if kind not in (Kind.LOSS, Kind.TRANSFER_OUT):
        raise SampleError(_("Unknown write-off kind."))
    if not (reason or "").strip():
        raise SampleError(_("Say why the material is written off."))
    with transaction.atomic():
        sample = _lock(sample)
        amount = sample.mass_ug if mass_ug is None else _check_mass(mass_ug)
        if amount == 0:
            raise SampleError(_("%(sample)s has nothing left to write off.") % {"sample": sample.identifier})
        entry = _change_mass(sample, -amount, kind=kind, actor=actor, reason=reason, reference=reference)
        old_status = sample.status
        if sample.mass_ug == 0:
            _set_status(sample, SampleStatus.LOST if kind == Kind.LOSS else SampleStatus.DEACCESSIONED)
        if kind == Kind.LOSS:
            CustodyEvent.objects.create(sample=sample, kind=CustodyEvent.Kind.LOST, note=reason, actor=actor, reference=reference)
        audit.record(actor=actor, verb="sample.written_off", obj=sample,
                     data={"mass_ug": amount, "kind": kind, "reason": reason, "old_status": old_status, "new_status": sample.status,
                           "ledger": ledger_facts(entry)})
    return entry


def sample_describe(*, actor, sample: Sample, description: str, description_zh: str) -> Sample:
    """Set a sample's description in English and Chinese (either may stay empty)."""
    description, description_zh = (description or "").strip(), (description_zh or "").strip()
    if len(description) > 5000 or len(description_zh) > 5000:
        raise ValidationFailed(_("A description may have at most 5,000 characters."))
    with transaction.atomic():
        sample = _lock(sample)
        old = {"description": sample.description, "description_zh": sample.description_zh}
        new = {"description": description, "description_zh": description_zh}
        if old == new:
            return sample
        sample.description, sample.description_zh = description, description_zh
        sample.save(update_fields=["description", "description_zh", "updated_at"])
        audit.record(actor=actor, verb="sample.described", obj=sample, data={"old": old, "new": new})
    return sample


def sample_change_status(*, actor, sample: Sample, status: str, reason: str = "") -> Sample:
    """Move a sample between statuses along ``Sample.TRANSITIONS`` (reserve, lend, release, deaccession)."""
    require(actor, "catalog.release_material", message=_("Only curators and programme officers may release material."))
    _check_choice(status, SampleStatus, _("status"))
    with transaction.atomic():
        sample = _lock(sample)
        old = _set_status(sample, status)
        if old != status:
            audit.record(actor=actor, verb="sample.status_changed", obj=sample,
                         data={"old": old, "new": status, "reason": reason})
    return sample


def sample_move(*, actor, sample: Sample, location: StorageLocation, note: str = "") -> Sample:
    require(actor, "catalog.manage_samples", message=_("Only curators may change samples."))
    with transaction.atomic():
        sample = _lock(sample)
        if sample.holder_institution_id:
            raise ConflictError(_("%(sample)s is held by a borrower and cannot be moved in the store.") % {"sample": sample.identifier})
        old = sample.location
        if old == location:
            return sample
        sample.location = location
        sample.save(update_fields=["location", "updated_at"])
        CustodyEvent.objects.create(sample=sample, kind=CustodyEvent.Kind.MOVED, from_location=old, to_location=location,
                                    note=note, actor=actor)
        audit.record(actor=actor, verb="sample.moved", obj=sample,
                     data={"from": getattr(old, "code", None), "to": location.code, "note": note})
    return sample


def sample_record_custody(*, actor, sample: Sample, kind: str, holder_institution=None, holder_name: str = "",
                          note: str = "", reference: str = "", location: StorageLocation | None = None) -> CustodyEvent:
    """Record a hand-over (shipped, received, returned, transferred, recovered).

    ``RECEIVED`` and ``TRANSFERRED`` move custody to ``holder_institution``; ``RETURNED`` and
    ``RECOVERED`` bring it back to the agency's store (``location``).
    """
    require(actor, "catalog.manage_samples", message=_("Only curators may change samples."))
    _check_choice(kind, CustodyEvent.Kind, _("custody event"))
    with transaction.atomic():
        sample = _lock(sample)
        old_holder = sample.holder_institution_id
        from_location = sample.location
        update_fields = []
        if kind in (CustodyEvent.Kind.RECEIVED, CustodyEvent.Kind.TRANSFERRED):
            sample.holder_institution = holder_institution
            update_fields.append("holder_institution")
        elif kind in (CustodyEvent.Kind.RETURNED, CustodyEvent.Kind.RECOVERED):
            sample.holder_institution = None
            update_fields.append("holder_institution")
            if location is not None:
                sample.location = location
                update_fields.append("location")
        if update_fields:
            sample.save(update_fields=[*update_fields, "updated_at"])
        event = CustodyEvent.objects.create(
            sample=sample, kind=kind, from_location=from_location, to_location=location,
            holder_institution=holder_institution, holder_name=holder_name, note=note, reference=reference, actor=actor,
        )
        audit.record(actor=actor, verb=f"sample.custody_{kind}", obj=sample,
                     data={"old_holder": old_holder, "new_holder": sample.holder_institution_id, "note": note, "reference": reference})
    return event
