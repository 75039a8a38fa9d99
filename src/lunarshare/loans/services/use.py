"""Use reports: non-destructive analyses, and destructive ones that consume mass on the ledger."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.errors import InvalidTransition, ValidationFailed
from lunarshare.mass import format_mass
from lunarshare.permissions import require

from ..models import Loan, LoanItem, LoanStatus, UseReport
from .common import apply_roll_up, check_mass, clean_text, lock_loan, set_item_status

USABLE_LOAN_STATUSES = (LoanStatus.IN_USE, LoanStatus.PARTLY_RETURNED, LoanStatus.RECALLED)


def _item_by_identifier(loan: Loan, identifier: str) -> LoanItem:
    identifier = clean_text(identifier, _("The sample identifier"), max_length=64)
    item = (LoanItem.objects.select_for_update(of=("self",)).select_related("sample")
            .filter(loan=loan, sample__identifier=identifier).order_by("-id").first())
    if item is None:
        raise ValidationFailed(_("Sample %(id)s is not part of loan %(loan)s.") % {"id": identifier, "loan": loan})
    return item


def loan_report_use(*, actor, loan: Loan, identifier: str, kind: str, method: str, performed_on: dt.date | None = None,
                    mass_ug: int = 0, video_url: str = "", notes: str = "") -> UseReport:
    """Record one use of one item. Destructive use needs the video record and consumes
    ``mass_ug`` through ``sample_consume``; beyond the item's destructive allowance it is refused."""
    from lunarshare.catalog.services import sample_consume

    require(actor, "loans.report_use", loan, message=_("Only the borrower's team may report use."))
    if kind not in UseReport.Kind.values:
        raise ValidationFailed(_("Unknown kind of use “%(kind)s”.") % {"kind": kind})
    method = clean_text(method, _("The method"), max_length=200)
    notes = clean_text(notes, _("Notes"), required=False, max_length=10000)
    performed_on = performed_on or timezone.localdate()
    if performed_on > timezone.localdate():
        raise ValidationFailed(_("The analysis date cannot be in the future."))
    destructive = kind == UseReport.Kind.DESTRUCTIVE
    if destructive:
        check_mass(mass_ug, _("The consumed mass"))
        video_url = clean_text(video_url, _("The link to the video record of the destructive experiment"), max_length=500)
        try:
            URLValidator(schemes=["http", "https"])(video_url)
        except DjangoValidationError:
            raise ValidationFailed(_("“%(url)s” is not a web address.") % {"url": video_url}) from None
    else:
        if mass_ug not in (0, None):
            raise ValidationFailed(_("A non-destructive analysis consumes no mass."))
        mass_ug = 0
        video_url = clean_text(video_url, _("The video link"), required=False, max_length=500)
    with transaction.atomic():
        loan = lock_loan(loan)
        if loan.status not in USABLE_LOAN_STATUSES:
            raise InvalidTransition(_("Loan %(loan)s is %(status)s; use can be reported only while the material is with you.")
                                    % {"loan": loan, "status": loan.get_status_display().lower()})
        item = _item_by_identifier(loan, identifier)
        if item.status != LoanItem.Status.WITH_BORROWER:
            raise InvalidTransition(_("%(id)s is %(status)s, not with the borrower.")
                                    % {"id": item.sample.identifier, "status": item.get_status_display().lower()})
        entry = None
        if destructive:
            if mass_ug > item.allowance_left_ug:
                raise ValidationFailed(
                    _("Consuming %(mass)s of %(id)s would exceed the approved destructive allowance; %(left)s is left of %(allowance)s.")
                    % {"mass": format_mass(mass_ug), "id": item.sample.identifier, "left": format_mass(item.allowance_left_ug),
                       "allowance": format_mass(item.destructive_allowance_ug)},
                    allowance_left_ug=item.allowance_left_ug)
            entry = sample_consume(actor=actor, sample=item.sample, mass_ug=mass_ug, reason=f"{method} ({performed_on})",
                                   reference=f"{loan}/item-{item.pk}")
            item.consumed_ug += mass_ug
            fields = ["consumed_ug"]
            if entry.balance_ug == 0:
                set_item_status(item, LoanItem.Status.CONSUMED)
                item.closed_at = timezone.now()
                fields += ["status", "closed_at"]
            item.save(update_fields=fields)
        report = UseReport.objects.create(loan=loan, item=item, kind=kind, method=method, performed_on=performed_on,
                                          mass_ug=mass_ug, video_url=video_url, notes=notes, ledger_entry=entry,
                                          reported_by=actor)
        old, new = apply_roll_up(loan) if item.is_closed else (loan.status, loan.status)
        audit.record(actor=actor, verb="loan.use_reported", obj=loan, data={
            "identifier": item.sample.identifier, "kind": kind, "method": method, "performed_on": performed_on,
            "mass_ug": mass_ug, "video_url": video_url, "item_status": item.status, "old_status": old, "new_status": new,
        })
    return report
