import pytest
from django.contrib.auth.models import AnonymousUser

from lunarshare.accounts.rules import can_apply
from lunarshare.testing.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestCanApply:
    def test_an_applicant_at_a_confirmed_institution_may_apply(self, people):
        assert can_apply(people.alice)

    def test_a_person_without_an_institution_may_not(self):
        assert not can_apply(UserFactory(institution=None, roles=["applicant"]))

    def test_a_person_at_an_unconfirmed_institution_may_not(self):
        assert not can_apply(UserFactory(institution=InstitutionFactory(confirmed=False), roles=["applicant"]))

    def test_a_person_without_the_applicant_role_may_not(self, people):
        assert not can_apply(people.curator)

    def test_an_anonymous_visitor_may_not(self):
        assert not can_apply(AnonymousUser())

    def test_it_is_registered_as_a_permission(self, people):
        assert people.alice.has_perm("accounts.apply") and not people.bob.has_perm("accounts.manage_people")
