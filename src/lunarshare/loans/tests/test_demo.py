import io

import pytest

from lunarshare.accounts.models import Role
from lunarshare.loans import demo
from lunarshare.loans.models import Loan
from lunarshare.loans.tests.factories import make_approved_application, make_round
from lunarshare.testing.factories import MissionFactory, UserFactory, make_sample

pytestmark = pytest.mark.django_db


def test_it_skips_with_a_note_when_there_is_no_programme_data():
    out = io.StringIO()
    demo.load(out)
    assert "skipped" in out.getvalue() and not Loan.objects.exists()


def test_it_makes_loans_in_every_state_and_is_idempotent(people):
    UserFactory(username="officer", roles=[Role.OFFICER])
    UserFactory(username="curator", roles=[Role.CURATOR])
    mission = MissionFactory(code="CE5")
    round = make_round(loan_period_months=12)
    round.missions.add(mission)
    parent = make_sample(identifier="CE5C0100", mission=mission, mass_ug=50_000_000, type="regolith")
    for _ in range(7):
        make_approved_application(applicant=UserFactory(institution=people.cologne, roles=[Role.APPLICANT]),
                                  parent=parent, round=round, masses=(20_000, 30_000))
    demo.load(io.StringIO())
    statuses = set(Loan.objects.values_list("status", flat=True))
    assert {"draft", "signed", "shipped", "in_use", "partly_returned"} <= statuses
    assert sum(1 for loan in Loan.objects.all() if loan.is_overdue) == 1
    assert Loan.objects.filter(incidents__isnull=False).exists()
    demo.load(io.StringIO())
    assert Loan.objects.count() == 7
