"""Returns (partial and bulk) and transfers of items to another loan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.accounts.models import Role
from lunarshare.accounts.notify import notify_on_commit
from lunarshare.accounts.selectors import users_with_role
from lunarshare.catalog.models import CustodyEvent, LedgerEntry, Sample, SampleStatus
from lunarshare.errors import ConflictError, InvalidTransition, ValidationFailed
from lunarshare.mass import format_mass
from lunarshare.permissions import require

from ..models import OUT_STATUSES, Incident, Loan, LoanItem, LoanStatus, ReturnShipment
from .common import apply_roll_up, check_mass, clean_text, lock_loan, return_tolerance_ug, set_item_status

RETURNABLE_ITEM_STATUSES = (LoanItem.Status.WITH_BORROWER, LoanItem.Status.SHIPPED)
CHUNK = 2000


@dataclass(frozen=True)
class ReturnLine:
    identifier: str
    returned_mass_ug: int


@dataclass
class ReturnResult:
    returned: int
    returned_mass_ug: int
    discrepancies: list[dict]
    incidents: list[Incident]


def parse_return_lines(text: str) -> list[ReturnLine]:
    """Parse what a curator pastes or scans: one ``identifier mass`` per line.

    The mass may carry a unit (``12.5 mg``, ``300 µg``, ``1.2 g``); a bare number is in mg.
    Separators may be spaces, tabs, commas-with-space or semicolons (Apollo identifiers
    contain a comma, so ``10084,12 3.5 mg`` keeps its comma). A USB barcode scanner types the
    identifier (and, from a label's QR code, the sample page's URL, read as the same sample)
    and Enter: the mass typed on the next line belongs to it.
    """
    import re

    from lunarshare.mass import parse_mass

    from .common import scanned_identifiers

    mass_pattern = r"([0-9]+(?:\.[0-9]+)?)\s*(µg|ug|mg|g)?"

    def mass_of(number, amount, unit):
        try:
            return parse_mass(amount, unit or "mg", allow_zero=True)
        except ValidationFailed as error:
            raise ValidationFailed(_("Line %(n)s: %(error)s") % {"n": number, "error": error.message}) from None

    lines: list[ReturnLine] = []
    pending: tuple[int, str] | None = None  # a scanned identifier waiting for its mass
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "://" in line:
            identifier = scanned_identifiers(line)[0]
            if pending is None or pending[1] != identifier:
                if pending is not None:
                    break
                pending = (number, identifier)
            continue
        if pending is not None and (match := re.fullmatch(mass_pattern, line)):
            lines.append(ReturnLine(pending[1], mass_of(number, match.group(1), match.group(2))))
            pending = None
            continue
        parts = [p for p in re.split(r"[\s;\t]+|,\s+", line) if p]
        if len(parts) < 2:
            if pending is not None:
                break
            pending = (number, parts[0])
            continue
        if pending is not None:
            break
        identifier, amount = parts[0], parts[1]
        unit = parts[2] if len(parts) > 2 else "mg"
        match = re.fullmatch(r"([0-9.]+)\s*(µg|ug|mg|g)?", amount)
        if match and match.group(2):
            amount, unit = match.group(1), match.group(2)
        lines.append(ReturnLine(identifier, mass_of(number, amount, unit)))
    if pending is not None:
        raise ValidationFailed(_("Line %(n)s: give the reweighed mass of %(id)s (on its line or the next).")
                               % {"n": pending[0], "id": pending[1]})
    if not lines:
        raise ValidationFailed(_("Enter at least one identifier and mass."))
    return lines


def loan_return(*, actor, loan: Loan, lines: Sequence[ReturnLine], note: str = "") -> ReturnResult:
    """Record the return of some or all items, set-based.

    Each returned sample is reweighed: a difference is written to the ledger through
    ``sample_reweigh(kind=RETURN)``, and one beyond the tolerance (max(0.5 %, 50 µg) by default,
    see ``LUNARSHARE_RETURN_TOLERANCE_*``) opens a discrepancy incident. Items close as returned,
    samples come back to the store as available, and the loan becomes partly returned or
    returned. All or nothing; one audit event with the counts.
    """
    from lunarshare.catalog.bulk import samples_change_status_bulk, samples_record_custody_bulk
    from lunarshare.catalog.services import sample_reweigh

    require(actor, "loans.record_return", loan, message=_("Only a curator may record returns."))
    note = clean_text(note, _("A note"), required=False)
    if not lines:
        raise ValidationFailed(_("Enter at least one identifier and mass."))
    wanted: dict[str, int] = {}
    for line in lines:
        identifier = clean_text(line.identifier, _("The sample identifier"), max_length=64)
        check_mass(line.returned_mass_ug, _("The returned mass"), allow_zero=True)
        if identifier in wanted:
            raise ValidationFailed(_("%(id)s is listed twice.") % {"id": identifier})
        wanted[identifier] = line.returned_mass_ug
    with transaction.atomic():
        loan = lock_loan(loan)
        if loan.status not in OUT_STATUSES:
            raise InvalidTransition(_("Loan %(loan)s is %(status)s; nothing of it can be returned.")
                                    % {"loan": loan, "status": loan.get_status_display().lower()})
        identifiers = list(wanted)
        rows = []
        for start in range(0, len(identifiers), CHUNK):
            rows += list(LoanItem.objects.select_for_update(of=("self",)).filter(
                loan=loan, sample__identifier__in=identifiers[start:start + CHUNK], closed_at__isnull=True,
            ).values("pk", "status", "sample_id", "sample__identifier", "sample__mass_ug"))
        found = {row["sample__identifier"]: row for row in rows}
        missing = [i for i in identifiers if i not in found]
        if missing:
            raise ValidationFailed(_("Not open items of loan %(loan)s: %(ids)s.")
                                   % {"loan": loan, "ids": ", ".join(missing[:20]) + (" …" if len(missing) > 20 else "")},
                                   unknown=missing[:100])
        not_out = [i for i, row in found.items() if row["status"] not in RETURNABLE_ITEM_STATUSES]
        if not_out:
            raise InvalidTransition(_("Not with the borrower, so not returnable: %(ids)s.") % {"ids": ", ".join(not_out[:20])})
        reference = str(loan)
        discrepancies, incidents = [], []
        for identifier, row in found.items():
            expected, measured = row["sample__mass_ug"], wanted[identifier]
            if measured == expected:
                continue
            sample = Sample(pk=row["sample_id"], identifier=identifier)
            sample_reweigh(actor=actor, sample=sample, measured_mass_ug=measured, kind=LedgerEntry.Kind.RETURN,
                           reason=_("Reweighed on return from loan %(loan)s") % {"loan": loan}, reference=reference)
            tolerance = return_tolerance_ug(expected)
            difference = measured - expected
            record = {"identifier": identifier, "expected_ug": expected, "measured_ug": measured,
                      "difference_ug": difference, "tolerance_ug": tolerance}
            discrepancies.append(record)
            if abs(difference) > tolerance:
                incidents.append(Incident(
                    loan=loan, item_id=row["pk"], sample_id=row["sample_id"], kind=Incident.Kind.DISCREPANCY,
                    description=_("%(id)s came back weighing %(measured)s; %(expected)s was expected (difference %(diff)s, tolerance %(tol)s).")
                    % {"id": identifier, "measured": format_mass(measured), "expected": format_mass(expected),
                       "diff": format_mass(difference), "tol": format_mass(tolerance)},
                    expected_mass_ug=expected, measured_mass_ug=measured, reported_by=actor,
                ))
        sample_ids = [row["sample_id"] for row in rows]
        item_ids = [row["pk"] for row in rows]
        samples_change_status_bulk(actor=actor, sample_ids=sample_ids, from_status=SampleStatus.ON_LOAN,
                                   to_status=SampleStatus.AVAILABLE, reason=_("Returned from loan %(loan)s") % {"loan": loan},
                                   reference=reference, obj=loan)
        samples_record_custody_bulk(actor=actor, sample_ids=sample_ids, kind=CustodyEvent.Kind.RETURNED,
                                    note=note, reference=reference, obj=loan)
        now = timezone.now()
        sample_mass = Sample.objects.filter(pk=OuterRef("sample_id")).values("mass_ug")[:1]
        for start in range(0, len(item_ids), CHUNK):
            LoanItem.objects.filter(pk__in=item_ids[start:start + CHUNK]).update(
                status=LoanItem.Status.RETURNED, closed_at=now, returned_mass_ug=Subquery(sample_mass))
        created = Incident.objects.bulk_create(incidents)
        old, new = apply_roll_up(loan)
        total = sum(wanted.values())
        received = _return_shipments_received(loan, now)
        audit.record(actor=actor, verb="loan.returned", obj=loan, data={
            "count": len(rows), "returned_mass_ug": total, "old_status": old, "new_status": new, "note": note,
            "return_shipments_received": received,
            "discrepancies": discrepancies[:200], "discrepancy_count": len(discrepancies),
            "incidents": [i.pk for i in created],
        })
        if created:
            staff = users_with_role(Role.OFFICER, Role.CURATOR).values_list("pk", flat=True)
            notify_on_commit(list(staff), verb="loan.incident_opened",
                             title=_("%(n)s discrepancy incident(s) opened on the return of loan %(loan)s") % {"n": len(created), "loan": loan},
                             url=loan.get_absolute_url())
    return ReturnResult(len(rows), total, discrepancies, created)


def _return_shipments_received(loan: Loan, now) -> list[int]:
    """Declared return shipments of ``loan`` whose every item is now closed become received."""
    declared = ReturnShipment.objects.select_for_update().filter(loan=loan, status=ReturnShipment.Status.DECLARED)
    done = [shipment.pk for shipment in declared
            if not shipment.items.filter(closed_at__isnull=True).exists()]
    if done:
        ReturnShipment.objects.filter(pk__in=done).update(status=ReturnShipment.Status.RECEIVED, received_at=now)
    return done


def loan_declare_return(*, actor, loan: Loan, items: Sequence[LoanItem], carrier: str,
                        tracking_number: str, note: str = "") -> ReturnShipment:
    """The borrower declares that ``items`` are on their way back (carrier and tracking number).

    Only items with the borrower and not already declared on a shipment under way may be
    listed. The curator is told; the return page then lists the declared items to reweigh.
    """
    require(actor, "loans.declare_return", loan, message=_("Only the borrower's team may declare a return shipment."))
    carrier = clean_text(carrier, _("The carrier"), max_length=120)
    tracking_number = clean_text(tracking_number, _("The tracking number"), max_length=120)
    note = clean_text(note, _("A note"), required=False)
    item_ids = sorted({getattr(item, "pk", item) for item in items})
    if not item_ids:
        raise ValidationFailed(_("Choose at least one item to send back."))
    with transaction.atomic():
        loan = lock_loan(loan)
        if loan.status not in OUT_STATUSES:
            raise InvalidTransition(_("Loan %(loan)s is %(status)s; nothing of it can be sent back.")
                                    % {"loan": loan, "status": loan.get_status_display().lower()})
        rows = {item.pk: item for item in LoanItem.objects.select_for_update(of=("self",)).select_related("sample")
                .filter(loan=loan, pk__in=item_ids)}
        unknown = [str(pk) for pk in item_ids if pk not in rows]
        if unknown:
            raise ValidationFailed(_("Not items of loan %(loan)s: %(ids)s.") % {"loan": loan, "ids": ", ".join(unknown)})
        not_out = [rows[pk].sample.identifier if rows[pk].sample_id else str(pk) for pk in item_ids
                   if rows[pk].status not in RETURNABLE_ITEM_STATUSES]
        if not_out:
            raise InvalidTransition(_("Not with the borrower, so not returnable: %(ids)s.") % {"ids": ", ".join(not_out)})
        under_way = sorted(set(ReturnShipment.items.through.objects.filter(
            loanitem_id__in=item_ids, returnshipment__status=ReturnShipment.Status.DECLARED,
        ).values_list("loanitem__sample__identifier", flat=True)))
        if under_way:
            raise ConflictError(_("Already declared on a return shipment under way: %(ids)s.")
                                % {"ids": ", ".join(under_way)}, items=under_way)
        shipment = ReturnShipment.objects.create(loan=loan, carrier=carrier, tracking_number=tracking_number,
                                                 note=note, declared_by=actor)
        shipment.items.set(item_ids)
        identifiers = [rows[pk].sample.identifier for pk in item_ids if rows[pk].sample_id]
        audit.record(actor=actor, verb="loan.return_declared", obj=loan, data={
            "return_shipment": shipment.pk, "items": identifiers, "carrier": carrier,
            "tracking_number": tracking_number, "note": note,
        })
        curators = users_with_role(Role.CURATOR).values_list("pk", flat=True)
        notify_on_commit(list(curators), verb="loan.return_declared",
                         title=_("Loan %(loan)s: %(n)s item(s) on their way back") % {"loan": loan, "n": len(item_ids)},
                         body=_("Carrier: %(carrier)s, tracking number: %(tracking)s.")
                         % {"carrier": carrier, "tracking": tracking_number},
                         url=reverse("loans:return", args=[loan.pk]))
    return shipment


def loan_item_transfer(*, actor, item: LoanItem, to_loan: Loan, note: str = "") -> LoanItem:
    """Transfer an item held by one borrower to another approved loan that is in use."""
    from lunarshare.catalog.services import sample_record_custody

    require(actor, "loans.record_return", item.loan, message=_("Only a curator may transfer items between loans."))
    note = clean_text(note, _("A note"), required=False)
    with transaction.atomic():
        loan = lock_loan(item.loan)
        target = lock_loan(to_loan)
        if target.pk == loan.pk:
            raise ValidationFailed(_("An item cannot be transferred to its own loan."))
        if target.status not in (LoanStatus.IN_USE, LoanStatus.PARTLY_RETURNED):
            raise InvalidTransition(_("Loan %(loan)s is not in use; items can be transferred only to a loan in use.") % {"loan": target})
        item = LoanItem.objects.select_for_update(of=("self",)).select_related("sample").get(pk=item.pk)
        set_item_status(item, LoanItem.Status.TRANSFERRED)
        item.closed_at, item.transferred_to = timezone.now(), target
        item.save(update_fields=["status", "closed_at", "transferred_to"])
        remaining = item.sample.mass_ug
        new_item = LoanItem.objects.create(
            loan=target, sample=item.sample, form=item.form, description=item.description, mass_ug=remaining,
            destructive_allowance_ug=0, status=LoanItem.Status.WITH_BORROWER, allocated_at=timezone.now(),
        )
        sample_record_custody(actor=actor, sample=item.sample, kind=CustodyEvent.Kind.TRANSFERRED,
                              holder_institution=target.borrower_institution, note=note, reference=str(target))
        old, new = apply_roll_up(loan)
        audit.record(actor=actor, verb="loan.item_transferred", obj=loan, data={
            "identifier": item.sample.identifier, "to_loan": str(target), "mass_ug": remaining, "note": note,
            "old_status": old, "new_status": new,
        })
    return new_item
