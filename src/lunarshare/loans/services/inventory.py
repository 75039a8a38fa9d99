"""Annual inventory: each year the borrower confirms the items they hold."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.errors import ConflictError, InvalidTransition, ValidationFailed
from lunarshare.permissions import require

from ..models import OUT_STATUSES, InventoryConfirmation, Loan, LoanItem
from .common import clean_text, lock_loan


def inventory_confirm(*, actor, loan: Loan, year: int | None = None, note: str = "") -> InventoryConfirmation:
    require(actor, "loans.confirm_inventory", loan, message=_("Only the borrower's team confirms the inventory."))
    year = year or timezone.localdate().year
    if not isinstance(year, int) or not 2000 <= year <= timezone.localdate().year:
        raise ValidationFailed(_("The inventory year must be this year or an earlier one."))
    note = clean_text(note, _("A note"), required=False)
    with transaction.atomic():
        loan = lock_loan(loan)
        if loan.status not in OUT_STATUSES:
            raise InvalidTransition(_("Loan %(loan)s holds no material at the borrower.") % {"loan": loan})
        held = loan.items.filter(status=LoanItem.Status.WITH_BORROWER).aggregate(n=Count("id"), mass=Sum("sample__mass_ug"))
        try:
            with transaction.atomic():
                confirmation = InventoryConfirmation.objects.create(loan=loan, year=year, confirmed_by=actor,
                                                                    item_count=held["n"] or 0, held_mass_ug=held["mass"] or 0,
                                                                    note=note)
        except IntegrityError:
            raise ConflictError(_("The %(year)s inventory of loan %(loan)s is already confirmed.") % {"year": year, "loan": loan}) from None
        audit.record(actor=actor, verb="loan.inventory_confirmed", obj=loan,
                     data={"year": year, "items": confirmation.item_count, "held_mass_ug": confirmation.held_mass_ug, "note": note})
    return confirmation
