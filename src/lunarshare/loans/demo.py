"""Demo loans for the replayed first international Chang'e-5 round.

Runs after the programmes demo. For each approved application of an international round that
lends Chang'e-5 material and has no loan yet, it creates a loan through the real services and
drives it to one of the states a curator meets: awaiting signature, signed and allocated,
shipped, in use (with a destructive analysis), partly returned, overdue, and one with an
incident. The agreements are dated 24 April 2025, the day the real agreements were signed in
Shanghai (programme-facts.md §1.8); everything else (masses, methods, video links, incident)
is demo data and says so.

Idempotent: applications that already have a loan are left alone.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

SIGNING_DAY = dt.date(2025, 4, 24)
SHIP = dict(courier="Hand carried by the principal investigator (demo)", tracking_number="",
            packaging="Sealed glass vials, double-bagged, in a nitrogen-purged transport can (demo)",
            atmosphere="nitrogen", condition_report="All vials intact and sealed (demo)",
            handed_over_to="The borrower's principal investigator (demo)")
STATES = ["signed", "shipped", "in_use", "partly_returned", "overdue", "incident", "draft"]


def _candidates():
    from lunarshare.programs.models import APPROVED_STATUSES, Application

    return (Application.objects.filter(status__in=APPROVED_STATUSES, round__kind="international",
                                       round__missions__code="CE5", loan__isnull=True)
            .select_related("round", "applicant", "institution").distinct().order_by("id"))


def _allocate_all(loan, curator) -> bool:
    from lunarshare.catalog.selectors import samples_with_availability
    from lunarshare.errors import DomainError
    from lunarshare.programs.models import WHOLE_PIECE_FORMS

    from .services import Pick, loan_allocate

    for item in loan.items.filter(status="pending").select_related("application_item__sample_set"):
        if item.application_item_id is None:
            return False
        generics = list(item.application_item.sample_set.samples.values_list("generic", flat=True))
        if item.form in WHOLE_PIECE_FORMS:
            # Sections and chips are lent whole: the largest piece that fits the approved mass.
            piece = (samples_with_availability().filter(generic__in=generics, available_mass_ug__gt=0,
                                                        mass_ug__lte=item.approved_mass_ug)
                     .order_by("-mass_ug").first())
            if piece is not None:
                try:
                    loan_allocate(actor=curator, loan=loan, item=item, picks=[Pick(piece.identifier)])
                    continue
                except DomainError:
                    pass
        source = (samples_with_availability().filter(generic__in=generics, available_mass_ug__gte=item.approved_mass_ug + 1)
                  .order_by("-available_mass_ug").first())
        if source is None:
            return False
        try:
            loan_allocate(actor=curator, loan=loan, item=item, picks=[Pick(source.identifier, item.approved_mass_ug)])
        except DomainError:
            return False
    return True


def _drive(loan, state, *, officer, curator, stdout) -> None:
    from .services import (
        ReturnLine,
        incident_investigate,
        incident_report,
        loan_extend,
        loan_receive,
        loan_report_use,
        loan_return,
        loan_ship,
        loan_sign,
    )

    if state == "draft":
        return
    borrower = loan.responsible
    loan_sign(actor=borrower, loan=loan, typed_name=f"{borrower} (demo signature)")
    loan_sign(actor=officer, loan=loan, typed_name=f"{officer} (demo signature)")
    if state != "overdue" and loan.due_date < timezone.localdate() + dt.timedelta(days=60):
        # Demo: the officer extended these loans, so only one shows as overdue today.
        loan_extend(actor=officer, loan=loan, new_due_date=timezone.localdate() + dt.timedelta(days=180),
                    reason="Demo: extension granted so that the loan is current")
    if not _allocate_all(loan, curator):
        stdout.write(f"  {loan}: no available material in the sample sets; left signed and unallocated")
        return
    if state == "signed":
        return
    loan_ship(actor=curator, loan=loan, **SHIP)
    if state == "shipped":
        return
    loan_receive(actor=borrower, loan=loan, condition_report="Received sealed; no visible damage (demo)")
    items = list(loan.items.select_related("sample").order_by("id"))
    first = items[0]
    if first.destructive_allowance_ug:
        loan_report_use(actor=borrower, loan=loan, identifier=first.sample.identifier, kind="destructive",
                        method="Demo destructive analysis", mass_ug=max(1, first.destructive_allowance_ug // 10),
                        video_url="https://video.example.org/demo-destructive-analysis", notes="Demo record")
    else:
        loan_report_use(actor=borrower, loan=loan, identifier=first.sample.identifier, kind="non_destructive",
                        method="Demo non-destructive analysis", notes="Demo record")
    if state == "partly_returned":
        last = items[-1]
        last.sample.refresh_from_db()
        loan_return(actor=curator, loan=loan, lines=[ReturnLine(last.sample.identifier, last.sample.mass_ug)],
                    note="Demo partial return")
    elif state == "incident":
        incident = incident_report(actor=borrower, loan=loan, kind="lost", identifier=items[-1].sample.identifier,
                                   description="Demo incident: one vial cannot be found after a laboratory move")
        incident_investigate(actor=curator, incident=incident, note="Demo: the borrower is searching the old laboratory")


def load(stdout) -> None:
    from lunarshare.accounts.models import User
    from lunarshare.errors import DomainError

    from .services import loan_create_from_application

    try:
        applications = list(_candidates())
    except Exception as error:  # programmes app missing or its demo not loaded
        stdout.write(f"loans demo: skipped, the programmes data is not available ({error.__class__.__name__}).")
        return
    officer = User.objects.filter(username="officer").first()
    curator = User.objects.filter(username="curator").first()
    if officer is None or curator is None:
        stdout.write("loans demo: skipped, the demo officer and curator do not exist (run the accounts demo first).")
        return
    if not applications:
        stdout.write("loans demo: no approved application of an international Chang'e-5 round without a loan; nothing to add.")
        return
    for index, application in enumerate(applications):
        state = STATES[index % len(STATES)]
        start = SIGNING_DAY
        if state == "overdue":
            # Demo only: started early enough that its loan period has already run out.
            months = application.round.loan_period_months or 12
            start = min(SIGNING_DAY, timezone.localdate() - dt.timedelta(days=31 * months + 20))
        try:
            loan = loan_create_from_application(actor=officer, application=application, start_date=start)
            _drive(loan, state, officer=officer, curator=curator, stdout=stdout)
        except DomainError as error:
            stdout.write(f"  {application.reference}: stopped ({error.message})")
            continue
        loan.refresh_from_db()
        stdout.write(f"  {loan} for {application.institution.name_en}: {loan.get_status_display()}"
                     + (" (overdue)" if loan.is_overdue else ""))
    stdout.write(f"loans demo: {len(applications)} loan(s) for the international Chang'e-5 round.")
