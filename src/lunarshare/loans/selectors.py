"""Reads of the loans app: who may see a loan, lists, reminders due, reports."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare.accounts.models import Role
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


def allocation_candidates(sample_set, limit: int = 20) -> list:
    """Pieces the curator may pick for an item of ``sample_set``: available samples of the
    set's generics with available mass, largest first."""
    from lunarshare.catalog.selectors import samples_with_availability

    generics = list(sample_set.samples.values_list("generic", flat=True))
    return list(samples_with_availability().filter(generic__in=generics, status="available", available_mass_ug__gt=0)
                .order_by("-available_mass_ug", "identifier")[:limit])


# --- Desk -----------------------------------------------------------------------------------

RETURN_SOON_DAYS = 60


def _borrower_desk(user, today) -> list:
    from django.urls import reverse

    from lunarshare.desk import DeskItem

    from .models import ReturnShipment

    items = []
    mine = (Loan.objects.filter(Q(responsible=user) | Q(team=user)).distinct()
            .exclude(status__in=[LoanStatus.CLOSED, LoanStatus.CANCELLED, LoanStatus.RETURNED])
            .annotate(n_out=Count("items", filter=Q(items__status__in=[LoanItemStatus.WITH_BORROWER,
                                                                       LoanItemStatus.SHIPPED]), distinct=True),
                      n_use=Count("use_reports", distinct=True))
            .order_by("due_date", "pk"))
    declared = set(ReturnShipment.items.through.objects.filter(
        returnshipment__loan__in=[loan.pk for loan in mine], returnshipment__status=ReturnShipment.Status.DECLARED,
    ).values_list("loanitem_id", flat=True))
    declared_per_loan = dict(LoanItem.objects.filter(pk__in=declared).values("loan_id").annotate(n=Count("id"))
                             .values_list("loan_id", "n"))
    for loan in mine:
        if loan.status == LoanStatus.DRAFT and loan.responsible_id == user.pk:
            items.append(DeskItem(Role.APPLICANT, _("Signatures due"), str(loan), reverse("loans:sign", args=[loan.pk])))
        elif loan.status == LoanStatus.SHIPPED:
            items.append(DeskItem(Role.APPLICANT, _("Receipts to confirm"), str(loan),
                                  reverse("loans:receive", args=[loan.pk])))
        if loan.status in (LoanStatus.IN_USE, LoanStatus.PARTLY_RETURNED) and not loan.n_use:
            items.append(DeskItem(Role.APPLICANT, _("Use reports due"), str(loan), reverse("loans:use", args=[loan.pk])))
        still_out = loan.n_out - declared_per_loan.get(loan.pk, 0)
        soon = loan.status == LoanStatus.RECALLED or (loan.due_date - today).days <= RETURN_SOON_DAYS
        if loan.status in OUT_STATUSES and still_out > 0 and soon:
            items.append(DeskItem(Role.APPLICANT, _("Returns due"), str(loan),
                                  reverse("loans:declare-return", args=[loan.pk]), due=loan.due_date,
                                  note=_("%(n)d item(s) to send back") % {"n": still_out},
                                  overdue=loan.due_date < today))
    return items


def _curator_desk(today) -> list:
    from django.urls import reverse

    from lunarshare.desk import DeskItem

    from .models import ReturnShipment
    from .services.allocation import ALLOCATABLE_LOAN_STATUSES

    items = []
    loans = (Loan.objects.filter(status__in=ALLOCATABLE_LOAN_STATUSES)
             .annotate(n_pending=Count("items", filter=Q(items__status=LoanItemStatus.PENDING)))
             .order_by("pk"))
    for loan in loans:
        if loan.n_pending:
            items.append(DeskItem(Role.CURATOR, _("Allocations"), str(loan), reverse("loans:allocate", args=[loan.pk]),
                                  note=_("%(n)d item(s) to allocate") % {"n": loan.n_pending}))
        elif loan.status == LoanStatus.SIGNED:
            items.append(DeskItem(Role.CURATOR, _("Shipments to send"), str(loan), reverse("loans:ship", args=[loan.pk]),
                                  due=loan.start_date, overdue=bool(loan.start_date and loan.start_date < today)))
    shipments = (ReturnShipment.objects.filter(status=ReturnShipment.Status.DECLARED).select_related("loan")
                 .annotate(n_items=Count("items")).order_by("declared_at"))
    for shipment in shipments:
        items.append(DeskItem(Role.CURATOR, _("Returns to receive and reweigh"), str(shipment.loan),
                              reverse("loans:return", args=[shipment.loan_id]),
                              note=_("%(n)d item(s), %(carrier)s %(tracking)s") % {
                                  "n": shipment.n_items, "carrier": shipment.carrier, "tracking": shipment.tracking_number}))
    for incident in Incident.objects.exclude(status=Incident.Status.RESOLVED).select_related("loan").order_by("reported_at"):
        items.append(DeskItem(Role.CURATOR, _("Incidents"), f"{incident.get_kind_display()} · {incident.loan or ''}",
                              reverse("loans:incident-detail", args=[incident.pk]), note=incident.get_status_display()))
    return items


def _officer_desk(today) -> list:
    from django.urls import reverse

    from lunarshare.desk import DeskItem

    items = []
    for loan in Loan.objects.filter(status=LoanStatus.BORROWER_SIGNED).order_by("pk"):
        items.append(DeskItem(Role.OFFICER, _("Agreements to sign for the agency"), str(loan),
                              reverse("loans:sign", args=[loan.pk])))
    for loan in overdue_loans(today).select_related("borrower_institution").order_by("due_date"):
        items.append(DeskItem(Role.OFFICER, _("Overdue loans"), f"{loan} · {loan.borrower_institution}",
                              loan.get_absolute_url(), due=loan.due_date, overdue=True))
    for loan in Loan.objects.filter(status=LoanStatus.RETURNED).order_by("pk"):
        items.append(DeskItem(Role.OFFICER, _("Loans to close"), str(loan), loan.get_absolute_url()))
    return items


def desk_items(user) -> list:
    """Borrower: signatures, receipts, use reports and returns due; curator: allocations,
    shipments to send, declared returns to receive and reweigh, open incidents; officer:
    agency signatures, overdue loans, loans to close; auditor: the loan report."""
    from django.urls import reverse

    from lunarshare.desk import DeskItem

    today = timezone.localdate()
    items = _borrower_desk(user, today)
    if user.has_role(Role.CURATOR):
        items += _curator_desk(today)
    if user.has_role(Role.OFFICER):
        items += _officer_desk(today)
    if user.has_role(Role.AUDITOR):
        items.append(DeskItem(Role.AUDITOR, _("Reports"), _("Loan report"), reverse("loans:report")))
        items.append(DeskItem(Role.AUDITOR, _("Reports"), _("Incidents"), reverse("loans:incident-list")))
    return items
