"""A small world for the statistics: two missions, a published and an unpublished round, loans
in every public and non-public state, a released and an embargoed dataset, publications.

Samples, ledger movements, datasets, releases and publications go through the real services.
Rounds, applications and loans are written directly: the statistics only read them, and these
tests need them in states (published, shipped, returned) whose full service path belongs to
the programmes and loans apps' own tests.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _measurement(dataset, sample, prop, value):
    from lunarshare.science.models import Measurement

    return Measurement.objects.create(dataset=dataset, sample=sample, mission_id=sample.mission_id, property=prop,
                                      kind="oxide", value=value, unit="wt%", value_canonical=float(value),
                                      public=dataset.status == "released")


@pytest.fixture
def world(people):
    from lunarshare.catalog.services import ChildSpec, sample_consume, sample_split, sample_write_off
    from lunarshare.loans.models import Loan, LoanItem
    from lunarshare.programs.models import Application, ApplicationItem, Round, SampleSet
    from lunarshare.science import services as science
    from lunarshare.testing.factories import InstitutionFactory, MissionFactory, UserFactory, make_sample

    ce5, a11 = MissionFactory(code="CE5"), MissionFactory(code="A11")
    ce5_root = make_sample(identifier="CE5C0400YJFM009", mission=ce5, mass_ug=10_000_000, type="regolith")
    a11_root = make_sample(identifier="10084", mission=a11, mass_ug=5_000_000, type="regolith")
    sample_consume(actor=people.curator, sample=a11_root, mass_ug=100_000, reason="curation analysis")
    sample_write_off(actor=people.curator, sample=a11_root, mass_ug=50_000, reason="spilled in transfer")
    alice_piece, bob_piece, hidden_piece = sample_split(
        actor=people.curator, parent=ce5_root,
        children=[ChildSpec(mass_ug=200_000), ChildSpec(mass_ug=100_000), ChildSpec(mass_ug=300_000)])

    now = timezone.now()
    published = Round.objects.create(code="r-published", title_en="Demo round one", kind="international",
                                     opens_at=now - dt.timedelta(days=400), closes_at=now - dt.timedelta(days=300),
                                     status="published", results_published_at=now - dt.timedelta(days=200))
    unpublished = Round.objects.create(code="r-decided", title_en="Demo round two", kind="international",
                                       opens_at=now - dt.timedelta(days=100), closes_at=now - dt.timedelta(days=50),
                                       status="decided")
    osaka = InstitutionFactory(name_en="Demo Osaka Institute", country="JP", kind="university")
    carol = UserFactory(username="carol", institution=osaka, roles=["applicant"])

    def application(round_, user, status, requested, approved, submitted=True):
        sample_set = SampleSet.objects.create(round=round_, name_en="Demo set", form="powder", offered_mass_ug=1_000_000)
        app = Application.objects.create(round=round_, applicant=user, institution=user.institution, title="Demo",
                                         status=status, submitted_at=now if submitted else None)
        ApplicationItem.objects.create(application=app, sample_set=sample_set, form="powder",
                                       requested_mass_ug=requested, approved_mass_ug=approved)
        return app

    alice_app = application(published, people.alice, "reduced", 300_000, 200_000)
    application(published, people.bob, "rejected", 500_000, 0)
    application(published, people.bob, "withdrawn", 100_000, None)
    application(published, people.alice, "draft", 100_000, None, submitted=False)
    carol_app = application(unpublished, carol, "approved", 300_000, 300_000)

    due = dt.date(2027, 1, 1)
    in_use = Loan.objects.create(application=alice_app, borrower_institution=people.cologne, responsible=people.alice,
                                 status="in_use", start_date=dt.date(2024, 5, 1), due_date=due)
    LoanItem.objects.create(loan=in_use, sample=alice_piece, approved_mass_ug=200_000, mass_ug=200_000,
                            consumed_ug=10_000, destructive_allowance_ug=20_000, status="with_borrower")
    by_hand = Loan.objects.create(borrower_institution=people.stony, responsible=people.bob, status="closed",
                                  start_date=dt.date(2025, 2, 1), due_date=due)
    LoanItem.objects.create(loan=by_hand, sample=bob_piece, approved_mass_ug=100_000, mass_ug=100_000,
                            returned_mass_ug=90_000, consumed_ug=10_000, destructive_allowance_ug=10_000,
                            status="returned", closed_at=timezone.now())
    # Not public: from the unpublished round, and a cancelled loan.
    hidden = Loan.objects.create(application=carol_app, borrower_institution=osaka, responsible=carol,
                                 status="shipped", start_date=dt.date(2025, 6, 1), due_date=due)
    LoanItem.objects.create(loan=hidden, sample=hidden_piece, approved_mass_ug=300_000, mass_ug=300_000, status="shipped")
    cancelled = Loan.objects.create(borrower_institution=osaka, responsible=carol, status="cancelled", due_date=due)
    LoanItem.objects.create(loan=cancelled, approved_mass_ug=50_000, status="pending")

    released = science.dataset_create(actor=people.curator, title="Demo released data", samples=[ce5_root],
                                      embargo_until=dt.date(2024, 1, 1))
    for prop, value in [("SiO2", "42.1"), ("FeO", "22.5"), ("TiO2", "5.1")]:
        _measurement(released, ce5_root, prop, value)
    science.dataset_release(actor=people.curator, dataset=released)
    embargoed = science.dataset_create(actor=people.curator, title="Demo embargoed data", samples=[a11_root],
                                       embargo_until=dt.date(2099, 1, 1))
    for prop, value in [("SiO2", "40.0"), ("FeO", "19.0"), ("TiO2", "10.0"), ("MgO", "8.0"), ("CaO", "11.0")]:
        _measurement(embargoed, a11_root, prop, value)
    for title, year in [("Demo paper A", 2024), ("Demo paper B", 2024), ("Demo paper C", 2025)]:
        science.publication_create(actor=people.officer, title=title, year=year)

    return SimpleNamespace(ce5=ce5, a11=a11, ce5_root=ce5_root, a11_root=a11_root, published=published,
                           unpublished=unpublished, osaka=osaka, released=released, embargoed=embargoed,
                           in_use=in_use, by_hand=by_hand, hidden=hidden)
