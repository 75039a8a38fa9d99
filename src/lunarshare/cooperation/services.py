"""Every change to the cooperation registry. Each function writes exactly one audit event of
its own; a gift additionally calls the catalogue's services, which write the ledger entries
(and their own audit events) through which the given mass leaves the collection."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.accounts.validators import normalize_ror
from lunarshare.catalog.models import LedgerEntry, Mission, Sample, SampleStatus
from lunarshare.catalog.selectors import available_mass_ug
from lunarshare.catalog.services import ChildSpec, InsufficientMassError, sample_split, sample_write_off
from lunarshare.errors import ConflictError, ValidationFailed, check_transition
from lunarshare.mass import MAX_MASS_UG, format_mass
from lunarshare.permissions import require

from .models import (
    AgreementDocument,
    CooperationAgreement,
    InternationalPayload,
    PartnerOrganisation,
    SampleGift,
    SampleGiftItem,
)

PARTNER_FIELDS = ("name_en", "name_zh", "acronym", "kind", "country", "ror_id", "website",
                  "description_en", "description_zh", "source")
AGREEMENT_FIELDS = ("kind", "title_en", "title_zh", "signed_date", "date_precision", "scope_en", "scope_zh", "source")
PAYLOAD_FIELDS = ("name_en", "name_zh", "acronym", "mission", "partner", "country", "kind", "purpose_en",
                  "purpose_zh", "agreement", "source")


# --- guards ----------------------------------------------------------------------------------

# ``actor=None`` is the system itself (the demo loader, an operator's management command); see
# ``lunarshare.permissions.require``, the one place that lets it through.

def _require_officer(actor) -> None:
    require(actor, "cooperation.maintain", message=_("Only programme officers may maintain the cooperation registry."))


def _require_gift_recorder(actor) -> None:
    require(actor, "cooperation.record_gift", message=_("Only programme officers and curators may record a sample gift."))


def _validate(obj, *, exclude: Sequence[str] = ()) -> None:
    """Run the model's field validation and turn the first problem into a domain error."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        label = obj._meta.get_field(field).verbose_name if field != "__all__" else ""
        message = f"{label}: {messages[0]}" if label else messages[0]
        raise ValidationFailed(message, field=field) from None


def _apply(obj, changes: dict, allowed: Iterable[str]) -> dict:
    """Set the allowed fields that differ; return ``{field: {"old", "new"}}`` for the audit."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    diff = {}
    for field, new in changes.items():
        old = getattr(obj, field)
        if isinstance(new, str):
            new = new.strip()
        if old != new:
            setattr(obj, field, new)
            diff[field] = {"old": old, "new": new}
    return diff


def _save_unique(obj, update_fields=None) -> None:
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError:
        raise ConflictError(_("Another entry with the same name or identifier already exists.")) from None


def _normalise_ror(value: str) -> str:
    if not value:
        return ""
    try:
        return normalize_ror(value)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], field="ror_id") from None


# --- partners --------------------------------------------------------------------------------

def partner_create(*, actor, name_en: str, kind: str = PartnerOrganisation.Kind.AGENCY, country: str = "",
                   **fields) -> PartnerOrganisation:
    _require_officer(actor)
    fields["ror_id"] = _normalise_ror(fields.get("ror_id", ""))
    partner = PartnerOrganisation(name_en=(name_en or "").strip(), kind=kind, country=country)
    _apply(partner, fields, PARTNER_FIELDS)
    _validate(partner)
    with transaction.atomic():
        _save_unique(partner)
        audit.record(actor=actor, verb="partner.created", obj=partner,
                     data={"name_en": partner.name_en, "kind": partner.kind, "country": str(partner.country),
                           "ror_id": partner.ror_id})
    return partner


def partner_update(*, actor, partner: PartnerOrganisation, **changes) -> PartnerOrganisation:
    _require_officer(actor)
    if "ror_id" in changes:
        changes["ror_id"] = _normalise_ror(changes["ror_id"])
    with transaction.atomic():
        partner = PartnerOrganisation.objects.select_for_update().get(pk=partner.pk)
        diff = _apply(partner, changes, PARTNER_FIELDS)
        if not diff:
            return partner
        _validate(partner)
        _save_unique(partner, update_fields=[*diff, "updated_at"])
        audit.record(actor=actor, verb="partner.updated", obj=partner, data={"changes": diff})
    return partner


# --- agreements ------------------------------------------------------------------------------

def _check_parties(parties) -> list[PartnerOrganisation]:
    parties = list(parties or [])
    if not parties:
        raise ValidationFailed(_("An agreement needs at least one party."), field="parties")
    return parties


def agreement_create(*, actor, title_en: str, parties: Iterable[PartnerOrganisation],
                     status: str = CooperationAgreement.Status.DRAFT, missions: Iterable[Mission] = (),
                     **fields) -> CooperationAgreement:
    """Register an agreement. Agreements signed before they were registered may be entered
    directly as signed, in force or concluded (the registry records history too)."""
    _require_officer(actor)
    parties = _check_parties(parties)
    if status not in CooperationAgreement.Status.values:
        raise ValidationFailed(_("Unknown agreement status “%(status)s”.") % {"status": status}, field="status")
    agreement = CooperationAgreement(title_en=(title_en or "").strip(), status=status)
    _apply(agreement, fields, AGREEMENT_FIELDS)
    if status != CooperationAgreement.Status.DRAFT and agreement.signed_date is None:
        raise ValidationFailed(_("A signed agreement needs its signing date."), field="signed_date")
    _validate(agreement)
    with transaction.atomic():
        agreement.save()
        agreement.parties.set(parties)
        agreement.missions.set(list(missions))
        audit.record(actor=actor, verb="agreement.created", obj=agreement,
                     data={"title_en": agreement.title_en, "status": status, "parties": [p.pk for p in parties],
                           "signed_date": agreement.signed_date})
    return agreement


def agreement_update(*, actor, agreement: CooperationAgreement, parties=None, missions=None,
                     **changes) -> CooperationAgreement:
    _require_officer(actor)
    with transaction.atomic():
        agreement = CooperationAgreement.objects.select_for_update().get(pk=agreement.pk)
        diff = _apply(agreement, changes, AGREEMENT_FIELDS)
        if parties is not None:
            new = sorted(p.pk for p in _check_parties(parties))
            old = sorted(agreement.parties.values_list("pk", flat=True))
            if new != old:
                agreement.parties.set(new)
                diff["parties"] = {"old": old, "new": new}
        if missions is not None:
            new = sorted(m.pk for m in missions)
            old = sorted(agreement.missions.values_list("pk", flat=True))
            if new != old:
                agreement.missions.set(new)
                diff["missions"] = {"old": old, "new": new}
        if not diff:
            return agreement
        _validate(agreement)
        fields = [f for f in diff if f not in ("parties", "missions")]
        agreement.save(update_fields=[*fields, "updated_at"])
        audit.record(actor=actor, verb="agreement.updated", obj=agreement, data={"changes": diff})
    return agreement


def agreement_change_status(*, actor, agreement: CooperationAgreement, status: str,
                            signed_date: datetime.date | None = None, reason: str = "") -> CooperationAgreement:
    """Sign, bring into force, conclude or terminate an agreement (``TRANSITIONS``)."""
    _require_officer(actor)
    if status not in CooperationAgreement.Status.values:
        raise ValidationFailed(_("Unknown agreement status “%(status)s”.") % {"status": status}, field="status")
    with transaction.atomic():
        agreement = CooperationAgreement.objects.select_for_update().get(pk=agreement.pk)
        old = agreement.status
        check_transition(CooperationAgreement.TRANSITIONS, CooperationAgreement.Status(old),
                         CooperationAgreement.Status(status), what=_("The agreement"))
        fields = ["status", "updated_at"]
        if status == CooperationAgreement.Status.SIGNED:
            if signed_date is None and agreement.signed_date is None:
                raise ValidationFailed(_("Give the date on which the agreement was signed."), field="signed_date")
            if signed_date is not None:
                agreement.signed_date = signed_date
                fields.append("signed_date")
        agreement.status = status
        agreement.save(update_fields=fields)
        audit.record(actor=actor, verb="agreement.status_changed", obj=agreement,
                     data={"old": old, "new": status, "signed_date": agreement.signed_date, "reason": reason})
    return agreement


def agreement_add_document(*, actor, agreement: CooperationAgreement, title: str, file=None,
                           url: str = "") -> AgreementDocument:
    _require_officer(actor)
    if not (title or "").strip():
        raise ValidationFailed(_("A document needs a title."), field="title")
    if not file and not url:
        raise ValidationFailed(_("Attach a file or give a link."), field="file")
    document = AgreementDocument(agreement=agreement, title=title.strip(), url=url or "", uploaded_by=actor)
    if file:
        document.file = file
    _validate(document, exclude=["file"] if file else ())
    with transaction.atomic():
        document.save()
        audit.record(actor=actor, verb="agreement.document_added", obj=agreement,
                     data={"document": document.pk, "title": document.title, "file": document.file.name or "",
                           "url": document.url})
    return document


# --- payloads --------------------------------------------------------------------------------

def payload_create(*, actor, mission: Mission, acronym: str, partner: PartnerOrganisation, country: str,
                   name_en: str, collaborators: Iterable[PartnerOrganisation] = (),
                   status: str = InternationalPayload.Status.SELECTED, **fields) -> InternationalPayload:
    """Register a payload. Payloads of missions already flown may be entered in their current status."""
    _require_officer(actor)
    if status not in InternationalPayload.Status.values:
        raise ValidationFailed(_("Unknown payload status “%(status)s”.") % {"status": status}, field="status")
    payload = InternationalPayload(mission=mission, acronym=(acronym or "").strip(), partner=partner, country=country,
                                   name_en=(name_en or "").strip(), status=status)
    _apply(payload, fields, PAYLOAD_FIELDS)
    _validate(payload)
    with transaction.atomic():
        _save_unique(payload)
        payload.collaborators.set(list(collaborators))
        audit.record(actor=actor, verb="payload.created", obj=payload,
                     data={"mission": mission.code, "acronym": payload.acronym, "partner": partner.pk,
                           "country": str(payload.country), "kind": payload.kind, "status": status})
    return payload


def payload_update(*, actor, payload: InternationalPayload, collaborators=None, **changes) -> InternationalPayload:
    _require_officer(actor)
    with transaction.atomic():
        payload = InternationalPayload.objects.select_for_update().get(pk=payload.pk)
        diff = _apply(payload, changes, PAYLOAD_FIELDS)
        if collaborators is not None:
            new = sorted(p.pk for p in collaborators)
            old = sorted(payload.collaborators.values_list("pk", flat=True))
            if new != old:
                payload.collaborators.set(new)
                diff["collaborators"] = {"old": old, "new": new}
        if not diff:
            return payload
        _validate(payload)
        fields = [f for f in diff if f != "collaborators"]
        _save_unique(payload, update_fields=[*fields, "updated_at"])
        audit.record(actor=actor, verb="payload.updated", obj=payload, data={"changes": diff})
    return payload


def payload_change_status(*, actor, payload: InternationalPayload, status: str, note: str = "") -> InternationalPayload:
    _require_officer(actor)
    if status not in InternationalPayload.Status.values:
        raise ValidationFailed(_("Unknown payload status “%(status)s”.") % {"status": status}, field="status")
    with transaction.atomic():
        payload = InternationalPayload.objects.select_for_update().get(pk=payload.pk)
        old = payload.status
        check_transition(InternationalPayload.TRANSITIONS, InternationalPayload.Status(old),
                         InternationalPayload.Status(status), what=_("The payload"))
        payload.status = status
        payload.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, verb="payload.status_changed", obj=payload, data={"old": old, "new": status, "note": note})
    return payload


def payload_link_datasets(*, actor, payload: InternationalPayload, datasets: Iterable) -> InternationalPayload:
    """Record the datasets a payload returned (its data products). Linking an embargoed dataset
    is allowed: the public pages show it only once science releases it."""
    _require_officer(actor)
    datasets = list(datasets)
    with transaction.atomic():
        payload = InternationalPayload.objects.select_for_update().get(pk=payload.pk)
        old = sorted(payload.data_products.values_list("pk", flat=True))
        new = sorted({d.pk for d in datasets})
        if old == new:
            return payload
        payload.data_products.set(new)
        payload.save(update_fields=["updated_at"])
        audit.record(actor=actor, verb="payload.data_products_changed", obj=payload, data={"old": old, "new": new})
    return payload


# --- gifts -----------------------------------------------------------------------------------

def gift_record(*, actor, recipient: PartnerOrganisation, date: datetime.date, occasion_en: str,
                items: Sequence[tuple[Sample, int]], occasion_zh: str = "", date_precision: str = "day",
                note_en: str = "", note_zh: str = "", source: str = "") -> SampleGift:
    """Give material to a partner: the mass leaves the collection through the ledger.

    ``items`` are ``(sample, mass_ug)`` pairs. A sample given whole is written off with a
    ``transfer_out`` entry (and becomes deaccessioned); for part of a sample a child of exactly
    that mass is split off first and the child is written off, so the gifted piece keeps an
    identifier and the parent keeps the rest. All of it happens in one transaction: either the
    whole gift is recorded or nothing is.
    """
    _require_gift_recorder(actor)
    if not (occasion_en or "").strip():
        raise ValidationFailed(_("Say on what occasion the gift was made."), field="occasion_en")
    if not items:
        raise ValidationFailed(_("A gift needs at least one sample."), field="items")
    if date is None:
        raise ValidationFailed(_("A gift needs its date."), field="date")
    seen = set()
    for sample, mass_ug in items:
        if isinstance(mass_ug, bool) or not isinstance(mass_ug, int) or mass_ug <= 0 or mass_ug > MAX_MASS_UG:
            raise ValidationFailed(_("A gifted mass must be a positive whole number of micrograms."), field="items")
        if sample.pk in seen:
            raise ValidationFailed(_("%(sample)s is listed twice.") % {"sample": sample.identifier}, field="items")
        seen.add(sample.pk)
    missions = {sample.mission_id for sample, _mass in items}
    if len(missions) != 1:
        raise ValidationFailed(_("All material of one gift must come from one mission."), field="items")
    total = sum(mass for _sample, mass in items)
    reason = _("Gift to %(recipient)s: %(occasion)s") % {"recipient": recipient.name_en, "occasion": occasion_en.strip()}
    with transaction.atomic():
        gift = SampleGift(recipient=recipient, mission_id=missions.pop(), mass_ug=total, date=date,
                          date_precision=date_precision, occasion_en=occasion_en.strip(), occasion_zh=occasion_zh,
                          note_en=note_en, note_zh=note_zh, source=source, recorded_by=actor)
        _validate(gift)
        gift.save()
        given = []
        for sample, mass_ug in items:
            locked = Sample.objects.select_for_update().get(pk=sample.pk)
            if locked.status != SampleStatus.AVAILABLE:
                raise ConflictError(_("%(sample)s is %(status)s and cannot be given away.")
                                    % {"sample": locked.identifier, "status": locked.get_status_display().lower()})
            available = available_mass_ug(locked)
            if mass_ug > available:
                raise InsufficientMassError(
                    _("%(sample)s holds only %(available)s; %(mass)s cannot be given from it.")
                    % {"sample": locked.identifier, "available": format_mass(available), "mass": format_mass(mass_ug)},
                    available_ug=available, requested_ug=mass_ug)
            piece = locked
            if mass_ug < locked.mass_ug:
                piece = sample_split(actor=actor, parent=locked, children=[ChildSpec(mass_ug=mass_ug)], reason=reason)[0]
            entry = sample_write_off(actor=actor, sample=piece, reason=reason, kind=LedgerEntry.Kind.TRANSFER_OUT,
                                     reference=f"gift:{gift.pk}")
            SampleGiftItem.objects.create(gift=gift, sample=piece, mass_ug=mass_ug, ledger_entry=entry)
            given.append({"sample": piece.identifier, "from": locked.identifier, "mass_ug": mass_ug})
        audit.record(actor=actor, verb="gift.recorded", obj=gift,
                     data={"recipient": recipient.pk, "mass_ug": total, "date": date, "occasion_en": gift.occasion_en,
                           "items": given})
    return gift


def gift_record_from_ledger(*, actor, recipient: PartnerOrganisation, date: datetime.date, occasion_en: str,
                            entries: Sequence[LedgerEntry], occasion_zh: str = "", date_precision: str = "day",
                            note_en: str = "", note_zh: str = "", source: str = "") -> SampleGift:
    """Register a gift whose material already left the catalogue through ``transfer_out`` entries
    (a curator wrote it off before the registry knew of the gift). Nothing is written off again:
    the gift only points at those entries, so the mass is counted once."""
    _require_gift_recorder(actor)
    if not (occasion_en or "").strip():
        raise ValidationFailed(_("Say on what occasion the gift was made."), field="occasion_en")
    entries = list(entries)
    if not entries:
        raise ValidationFailed(_("Name the ledger entries through which the gift left the collection."), field="entries")
    with transaction.atomic():
        locked = list(LedgerEntry.objects.select_for_update().select_related("sample").filter(pk__in=[e.pk for e in entries]))
        if len(locked) != len({e.pk for e in entries}):
            raise ValidationFailed(_("A ledger entry was not found."), field="entries")
        for entry in locked:
            if entry.kind != LedgerEntry.Kind.TRANSFER_OUT:
                raise ValidationFailed(_("Ledger entry %(id)s is not a transfer out of the collection.") % {"id": entry.pk},
                                       field="entries")
            if SampleGiftItem.objects.filter(ledger_entry=entry).exists():
                raise ConflictError(_("Ledger entry %(id)s already belongs to a gift.") % {"id": entry.pk})
        missions = {entry.sample.mission_id for entry in locked}
        if len(missions) != 1:
            raise ValidationFailed(_("All material of one gift must come from one mission."), field="entries")
        total = -sum(entry.delta_ug for entry in locked)
        gift = SampleGift(recipient=recipient, mission_id=missions.pop(), mass_ug=total, date=date,
                          date_precision=date_precision, occasion_en=occasion_en.strip(), occasion_zh=occasion_zh,
                          note_en=note_en, note_zh=note_zh, source=source, recorded_by=actor)
        _validate(gift)
        gift.save()
        for entry in locked:
            SampleGiftItem.objects.create(gift=gift, sample=entry.sample, mass_ug=-entry.delta_ug, ledger_entry=entry)
        audit.record(actor=actor, verb="gift.recorded", obj=gift,
                     data={"recipient": recipient.pk, "mass_ug": total, "date": date, "occasion_en": gift.occasion_en,
                           "from_ledger": [entry.pk for entry in locked],
                           "items": [{"sample": e.sample.identifier, "mass_ug": -e.delta_ug} for e in locked]})
    return gift
