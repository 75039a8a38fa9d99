import io

import pytest

from lunarshare.accounts import demo
from lunarshare.accounts.models import AffiliationRequest, Institution, Role, User
from lunarshare.accounts.rules import can_apply

pytestmark = pytest.mark.django_db


def test_the_demo_creates_one_user_per_role_and_a_waiting_newcomer_and_is_idempotent():
    demo.load(io.StringIO())
    counts = (Institution.objects.count(), User.objects.count(), AffiliationRequest.objects.count())
    demo.load(io.StringIO())
    assert (Institution.objects.count(), User.objects.count(), AffiliationRequest.objects.count()) == counts
    for role in Role.values:
        assert User.objects.filter(role_grants__role=role).exists(), role
    assert can_apply(User.objects.get(username="applicant1"))
    newcomer = User.objects.get(username="newcomer")
    assert not can_apply(newcomer) and newcomer.affiliation_requests.get().status == "pending"
    assert User.objects.get(username="curator").emailaddress_set.get().verified
    assert not Institution.objects.exclude(ror_id="").exists()  # no invented ROR ids
