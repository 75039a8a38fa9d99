"""Reads of the loans app: who may see a loan, lists, reminders due, reports."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare.errors import NotFoundError
from lunarshare.permissions import parse_id

from .models import (
    CLOSED_ITEM_STATUSES,
    OUT_STATUSES,
    Incident,
    InventoryConfirmation,
    Loan,
    LoanItem,
    LoanItemStatus,
    LoanStatus,
)
from .rules import reads_all_loans


def loan_team_user_ids(loan: Loan) -> set[int]:
    """Everyone allowed to handle the material: the responsible user and the named team."""
    ids = set(loan.team.values_list("id", flat=True))
    ids.add(loan.responsible_id)
    return ids


def loans_visible_to(user) -> QuerySet:
    """Staff see every loan; a borrower sees the loans they are responsible for or named on."""
    queryset = Loan.objects.select_related("borrower_institution", "responsible")
    if not (user and user.is_authenticated):
        return queryset.none()
    if reads_all_loans(user):
        return queryset
    return queryset.filter(Q(responsible=user) | Q(team=user)).distinct()


def loan_get_for_user(user, pk) -> Loan:
    """The one fetch-and-authorize for a loan: 404 for a loan the user may not see."""
    pk = parse_id(pk)
    if pk is None:
        raise NotFoundError(_("No such loan."))
    loan = loans_visible_to(user).filter(pk=pk).first()
    if loan is None:  # someone else's loan answers like a missing one, so its existence does not leak
        raise NotFoundError(_("No such loan."))
    return loan


def incidents_visible_to(user) -> QuerySet:
    queryset = Incident.objects.select_related("loan", "sample", "item")
    if not (user and user.is_authenticated):
        return queryset.none()
    if reads_all_loans(user):
        return queryset
    return queryset.filter(loan__in=loans_visible_to(user).values("pk"))


def incident_get_for_user(user, pk) -> Incident:
    pk = parse_id(pk)
    if pk is None:
        raise NotFoundError(_("No such incident."))
    incident = incidents_visible_to(user).filter(pk=pk).first()
    if incident is None:  # likewise 404 for an incident on someone else's loan
        raise NotFoundError(_("No such incident."))
    return incident


def loan_items(loan: Loan) -> QuerySet:
    return loan.items.select_related("sample").order_by("id")


def loan_item_counts(loan: Loan) -> dict[str, int]:
    rows = loan.items.values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def loan_mass_summary(loan: Loan) -> dict[str, int]:
    agg = loan.items.aggregate(
        approved=Sum("approved_mass_ug"), allocated=Sum("mass_ug"), consumed=Sum("consumed_ug"),
        returned=Sum("returned_mass_ug"),
        out=Sum("mass_ug", filter=Q(status__in=[LoanItemStatus.SHIPPED, LoanItemStatus.WITH_BORROWER])),
    )
    return {key: value or 0 for key, value in agg.items()}


def open_items(loan: Loan) -> QuerySet:
    return loan.items.exclude(status__in=CLOSED_ITEM_STATUSES)


def overdue_loans(on: dt.date | None = None) -> QuerySet:
    on = on or timezone.localdate()
    return Loan.objects.filter(status__in=OUT_STATUSES, due_date__lt=on)


def loans_without_inventory(year: int) -> QuerySet:
    """Loans with material at the borrower that have no inventory confirmation for ``year``."""
    confirmed = InventoryConfirmation.objects.filter(year=year).values("loan_id")
    return (Loan.objects.filter(status__in=OUT_STATUSES).exclude(pk__in=confirmed)
            .select_related("borrower_institution", "responsible").order_by("due_date"))


def loan_report(on: dt.date | None = None) -> dict:
    """Officers' report: open loans, mass out by country and institution, overdue, incidents."""
    on = on or timezone.localdate()
    out_items = LoanItem.objects.filter(loan__status__in=OUT_STATUSES,
                                        status__in=[LoanItemStatus.SHIPPED, LoanItemStatus.WITH_BORROWER])
    by_institution = list(
        out_items.values("loan__borrower_institution__name_en", "loan__borrower_institution__country")
        .annotate(mass_ug=Sum("mass_ug"), items=Count("id"), loans=Count("loan", distinct=True))
        .order_by("-mass_ug")
    )
    by_country: dict[str, dict] = {}
    for row in by_institution:
        country = str(row["loan__borrower_institution__country"])
        entry = by_country.setdefault(country, {"country": country, "mass_ug": 0, "items": 0, "loans": 0})
        entry["mass_ug"] += row["mass_ug"] or 0
        entry["items"] += row["items"]
        entry["loans"] += row["loans"]
    open_loans = (Loan.objects.exclude(status__in=[LoanStatus.CLOSED, LoanStatus.CANCELLED])
                  .select_related("borrower_institution", "responsible").annotate(item_count=Count("items")))
    return {
        "date": on,
        "open_loans": list(open_loans.order_by("due_date")),
        "by_institution": [
            {"institution": r["loan__borrower_institution__name_en"], "country": str(r["loan__borrower_institution__country"]),
             "mass_ug": r["mass_ug"] or 0, "items": r["items"], "loans": r["loans"]}
            for r in by_institution
        ],
        "by_country": sorted(by_country.values(), key=lambda r: -r["mass_ug"]),
        "total_out_ug": sum(r["mass_ug"] or 0 for r in by_institution),
        "overdue": list(overdue_loans(on).select_related("borrower_institution", "responsible").order_by("due_date")),
        "incidents": list(Incident.objects.exclude(status=Incident.Status.RESOLVED).select_related("loan", "sample")),
        "uninventoried": list(loans_without_inventory(on.year)),
    }
