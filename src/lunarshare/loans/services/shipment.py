"""Shipment by the curator and receipt by the borrower (custody moves only on receipt)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.accounts.notify import notify_on_commit
from lunarshare.catalog.models import CustodyEvent, SampleStatus
from lunarshare.errors import InvalidTransition, ValidationFailed, bulk_transition
from lunarshare.permissions import require

from ..models import Loan, LoanItem, LoanStatus, Shipment
from ..selectors import loan_team_user_ids
from .common import clean_text, lock_loan, set_loan_status


def loan_ship(*, actor, loan: Loan, courier: str, packaging: str, condition_report: str, handed_over_to: str,
              tracking_number: str = "", atmosphere: str = Shipment.Atmosphere.NITROGEN) -> Shipment:
    """Hand every allocated item over for transport. Refused before both parties signed."""
    from lunarshare.catalog.bulk import samples_change_status_bulk, samples_record_custody_bulk

    require(actor, "loans.ship", loan, message=_("Only a curator may ship a loan."))
    courier = clean_text(courier, _("The courier"), max_length=120)
    packaging = clean_text(packaging, _("The packaging"), max_length=255)
    condition_report = clean_text(condition_report, _("The condition report"), max_length=10000)
    handed_over_to = clean_text(handed_over_to, _("The person the material is handed to"), max_length=200)
    tracking_number = clean_text(tracking_number, _("The tracking number"), required=False, max_length=120)
    if atmosphere not in Shipment.Atmosphere.values:
        raise ValidationFailed(_("Unknown atmosphere “%(value)s”.") % {"value": atmosphere})
    with transaction.atomic():
        loan = lock_loan(loan)
        if loan.status in (LoanStatus.DRAFT, LoanStatus.BORROWER_SIGNED):
            raise InvalidTransition(_("Nothing ships before both the borrower and the agency have signed the agreement."))
        old = set_loan_status(loan, LoanStatus.SHIPPED)
        pending = loan.items.filter(status=LoanItem.Status.PENDING).count()
        if pending:
            raise InvalidTransition(_("%(n)s item(s) are not allocated yet; allocate every item before shipping.") % {"n": pending})
        sample_ids = list(loan.items.filter(status=LoanItem.Status.ALLOCATED).values_list("sample_id", flat=True))
        if not sample_ids:
            raise InvalidTransition(_("This loan has no allocated item to ship."))
        reference = str(loan)
        samples_change_status_bulk(actor=actor, sample_ids=sample_ids, from_status=SampleStatus.RESERVED,
                                   to_status=SampleStatus.ON_LOAN, reason=_("Shipped on loan %(loan)s") % {"loan": loan},
                                   reference=reference, obj=loan)
        samples_record_custody_bulk(actor=actor, sample_ids=sample_ids, kind=CustodyEvent.Kind.SHIPPED,
                                    holder_name=handed_over_to, note=f"{courier} {tracking_number}".strip(),
                                    reference=reference, obj=loan)
        bulk_transition(loan.items.all(), LoanItem.TRANSITIONS, LoanItem.Status.ALLOCATED, LoanItem.Status.SHIPPED,
                        what=_("A loan item"))
        shipment = Shipment.objects.create(
            loan=loan, courier=courier, tracking_number=tracking_number, packaging=packaging, atmosphere=atmosphere,
            condition_report=condition_report, handed_over_by=actor, handed_over_to=handed_over_to,
            item_count=len(sample_ids),
        )
        loan.save(update_fields=["status"])
        audit.record(actor=actor, verb="loan.shipped", obj=loan, data={
            "old_status": old, "new_status": loan.status, "items": len(sample_ids), "courier": courier,
            "tracking_number": tracking_number, "atmosphere": atmosphere, "handed_over_to": handed_over_to,
        })
        notify_on_commit(loan_team_user_ids(loan), verb="loan.shipped",
                         title=_("Loan %(loan)s has shipped") % {"loan": loan},
                         body=_("Confirm receipt with your condition report when it arrives."), url=loan.get_absolute_url())
    return shipment


def loan_receive(*, actor, loan: Loan, condition_report: str, scanned: Sequence[str] | None = None) -> Loan:
    """The borrower confirms receipt with their own condition report; custody moves to them.

    ``scanned``: the identifiers read from the labels (barcode scanner or typed), if given; then
    every shipped item must be among them and nothing else, or nothing changes and the error
    names the unknown and the missing identifiers."""
    from lunarshare.catalog.bulk import samples_record_custody_bulk

    require(actor, "loans.receive", loan, message=_("Only the borrower's team may confirm receipt."))
    condition_report = clean_text(condition_report, _("Your condition report"), max_length=10000)
    with transaction.atomic():
        loan = lock_loan(loan)
        old = set_loan_status(loan, LoanStatus.IN_USE)
        shipped = dict(loan.items.filter(status=LoanItem.Status.SHIPPED).values_list("sample__identifier", "sample_id"))
        if scanned:
            unknown = [i for i in scanned if i not in shipped]
            missing = sorted(set(shipped) - set(scanned))
            if unknown:
                raise ValidationFailed(_("Not in this shipment: %(ids)s.") % {"ids": ", ".join(unknown[:20])},
                                       unknown=unknown[:100])
            if missing:
                raise ValidationFailed(_("Shipped but not scanned yet: %(ids)s.") % {"ids": ", ".join(missing[:20])},
                                       missing=missing[:100])
        sample_ids = list(shipped.values())
        samples_record_custody_bulk(actor=actor, sample_ids=sample_ids, kind=CustodyEvent.Kind.RECEIVED,
                                    holder_institution=loan.borrower_institution, holder_name=str(actor),
                                    note=condition_report[:500], reference=str(loan), obj=loan)
        bulk_transition(loan.items.all(), LoanItem.TRANSITIONS, LoanItem.Status.SHIPPED, LoanItem.Status.WITH_BORROWER,
                        what=_("A loan item"))
        now = timezone.now()
        Shipment.objects.filter(loan=loan, received_at__isnull=True).update(
            received_by=actor, received_at=now, receipt_condition_report=condition_report)
        loan.received_at = loan.received_at or now
        loan.save(update_fields=["status", "received_at"])
        audit.record(actor=actor, verb="loan.received", obj=loan, data={
            "old_status": old, "new_status": loan.status, "items": len(sample_ids), "condition_report": condition_report,
            "scanned": len(scanned or ()),
        })
    return loan
