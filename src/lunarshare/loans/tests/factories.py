"""Building approved applications and loans for the loans tests (through the real services)."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from lunarshare.testing.factories import MissionFactory, make_sample

_counter = itertools.count(1)


def make_round(**kwargs):
    from lunarshare.programs.models import Round

    n = next(_counter)
    now = timezone.now()
    defaults = dict(code=f"test-round-{n}", title_en=f"Test round {n}", opens_at=now - dt.timedelta(days=60),
                    closes_at=now - dt.timedelta(days=30), loan_period_months=12, kind="international")
    defaults.update(kwargs)
    return Round.objects.create(**defaults)


def make_approved_application(*, applicant, parent=None, masses=(50_000,), destructive=True, team=(), round=None,
                              mission_code="CE5", status="approved"):
    """An approved application of ``applicant`` with one item per mass, drawing on ``parent``'s sample set."""
    from lunarshare.programs.models import Application, ApplicationItem, Method, SampleSet, TeamMember

    round = round or make_round()
    if parent is None:
        parent = make_sample(identifier=f"CE5C{next(_counter):04d}", mission=MissionFactory(code=mission_code),
                             mass_ug=10_000_000, type="regolith")
    sample_set = SampleSet.objects.create(round=round, name_en=f"Set from {parent.identifier}", form="powder",
                                          offered_mass_ug=parent.mass_ug)
    sample_set.samples.add(parent)
    application = Application.objects.create(round=round, applicant=applicant, institution=applicant.institution,
                                             title="Ages and isotopes of young mare basalt", status=status)
    for mass in masses:
        ApplicationItem.objects.create(application=application, sample_set=sample_set, form="powder",
                                       requested_mass_ug=mass, approved_mass_ug=mass)
    Method.objects.create(application=application, name="LA-ICP-MS" if destructive else "Raman spectroscopy",
                          destructive=destructive, video_consent=destructive)
    TeamMember.objects.create(application=application, name=str(applicant), user=applicant, role="PI")
    for member in team:
        TeamMember.objects.create(application=application, name=str(member), user=member, role="co-investigator")
    application.parent_sample = parent
    return application


def make_loan(people, *, applicant=None, masses=(50_000,), destructive=True, parent=None, team=()):
    from lunarshare.loans.services import loan_create_from_application

    application = make_approved_application(applicant=applicant or people.alice, masses=masses, destructive=destructive,
                                            parent=parent, team=team)
    loan = loan_create_from_application(actor=people.officer, application=application)
    loan.parent_sample = application.parent_sample
    return loan


def signed_loan(people, **kwargs):
    from lunarshare.loans.services import loan_sign

    loan = make_loan(people, **kwargs)
    loan_sign(actor=loan.responsible, loan=loan, typed_name="Alice Borrower")
    loan_sign(actor=people.officer, loan=loan, typed_name="Demo Officer")
    loan.refresh_from_db()
    return loan


def allocated_loan(people, **kwargs):
    """Signed, every item allocated from the parent (split)."""
    from lunarshare.loans.services import Pick, loan_allocate

    loan = signed_loan(people, **kwargs)
    parent = loan.parent_sample
    for item in list(loan.items.all()):
        loan_allocate(actor=people.curator, loan=loan, item=item, picks=[Pick(parent.identifier, item.approved_mass_ug)])
    loan.refresh_from_db()
    loan.parent_sample = parent
    return loan


def shipped_loan(people, **kwargs):
    from lunarshare.loans.services import loan_ship

    loan = allocated_loan(people, **kwargs)
    parent = loan.parent_sample
    loan_ship(actor=people.curator, loan=loan, courier="Hand carried", packaging="Double-bagged vial in a sealed can",
              condition_report="Intact", handed_over_to="Alice", atmosphere="nitrogen")
    loan.refresh_from_db()
    loan.parent_sample = parent
    return loan


def received_loan(people, **kwargs):
    from lunarshare.loans.services import loan_receive

    loan = shipped_loan(people, **kwargs)
    parent = loan.parent_sample
    loan_receive(actor=loan.responsible, loan=loan, condition_report="Arrived sealed and intact")
    loan.refresh_from_db()
    loan.parent_sample = parent
    return loan
