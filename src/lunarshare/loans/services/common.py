"""Helpers shared by the loan services: locking, tolerances, item lookup, status roll-up."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare.errors import ValidationFailed, check_transition

from ..models import CLOSED_ITEM_STATUSES, Loan, LoanItem, LoanStatus

# Defaults of the return tolerance; override in settings.
DEFAULT_TOLERANCE_PERCENT = Decimal("0.5")
DEFAULT_TOLERANCE_MIN_UG = 50


def lock_loan(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().select_related("borrower_institution", "responsible").get(pk=loan.pk)


def set_loan_status(loan: Loan, status: str) -> str:
    """Move ``loan`` along ``Loan.TRANSITIONS`` (in memory; the caller saves)."""
    old = loan.status
    check_transition(Loan.TRANSITIONS, LoanStatus(old), LoanStatus(status), what=_("Loan %s") % loan)
    loan.status = status
    return old


def set_item_status(item: LoanItem, status: str) -> str:
    old = item.status
    check_transition(LoanItem.TRANSITIONS, LoanItem.Status(old), LoanItem.Status(status), what=_("Item %s") % item)
    item.status = status
    return old


def return_tolerance_ug(expected_ug: int) -> int:
    """The allowed difference on return: max(percent of the expected mass, a floor), in µg."""
    percent = Decimal(str(getattr(settings, "LUNARSHARE_RETURN_TOLERANCE_PERCENT", DEFAULT_TOLERANCE_PERCENT)))
    floor = int(getattr(settings, "LUNARSHARE_RETURN_TOLERANCE_MIN_UG", DEFAULT_TOLERANCE_MIN_UG))
    share = (Decimal(expected_ug) * percent / 100).to_integral_value(rounding=ROUND_CEILING)
    return max(int(share), floor)


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def rolled_up_status(loan: Loan) -> str | None:
    """The status the loan moves to after items were closed, or ``None`` to stay."""
    open_count = loan.items.exclude(status__in=CLOSED_ITEM_STATUSES).count()
    if open_count == 0:
        return LoanStatus.RETURNED
    if loan.status in (LoanStatus.SHIPPED, LoanStatus.IN_USE):
        return LoanStatus.PARTLY_RETURNED
    return None


def apply_roll_up(loan: Loan) -> tuple[str, str]:
    """Apply :func:`rolled_up_status`; returns (old, new) status and saves when it changed."""
    old = loan.status
    target = rolled_up_status(loan)
    if target and target != old:
        set_loan_status(loan, target)
        loan.save(update_fields=["status"])
    return old, loan.status


def clean_text(value, what: str, *, required: bool = True, max_length: int = 2000) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(_("%(what)s must be text.") % {"what": what})
    value = value.strip()
    if required and not value:
        raise ValidationFailed(_("%(what)s is required.") % {"what": what})
    if len(value) > max_length:
        raise ValidationFailed(_("%(what)s is too long (at most %(n)s characters).") % {"what": what, "n": max_length})
    return value


def check_mass(value, what: str, *, allow_zero: bool = False) -> int:
    from lunarshare.mass import MAX_MASS_UG

    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(_("%(what)s must be a whole number of micrograms.") % {"what": what})
    if value < 0 or (value == 0 and not allow_zero) or value > MAX_MASS_UG:
        raise ValidationFailed(_("%(what)s must be between 1 µg and the size of the collection.") % {"what": what}
                               if not allow_zero else _("%(what)s cannot be negative or beyond any collection.") % {"what": what})
    return value


def today() -> dt.date:
    return timezone.localdate()


def scanned_identifiers(text: str) -> list[str]:
    """Identifiers typed by a USB barcode scanner (or by hand): one per line, in order, once each.

    A scanner types what a code holds and then Enter. A sample label's QR code holds two lines,
    the identifier and the URL of the sample's page (``loans.documents.label_text``); a line
    that is such a URL counts as its identifier, so a label scanned whole is read once."""
    import re
    from urllib.parse import unquote, urlsplit

    found: list[str] = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if "://" in line:
            match = re.search(r"/samples/([^/]+)/?$", urlsplit(line).path)
            if match is None:
                raise ValidationFailed(_("“%(line)s” is not the address of a sample page.") % {"line": line[:120]})
            line = unquote(match.group(1))
        if line not in found:
            found.append(line)
    return found
