import pytest

from lunarshare.accounts.models import Role, RoleGrant
from lunarshare.accounts.services import role_grant, role_revoke
from lunarshare.errors import ConflictError, PermissionDeniedError, ValidationFailed
from lunarshare.testing.factories import UserFactory
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


class TestRoleGrant:
    def test_an_officer_grants_a_staff_role_and_it_is_audited(self, people):
        role_grant(actor=people.officer, user=people.alice, role=Role.REVIEWER)
        assert people.alice.has_role(Role.REVIEWER)
        grant = RoleGrant.objects.get(user=people.alice, role=Role.REVIEWER)
        assert grant.granted_by == people.officer
        event = last_event("user.role_granted")
        assert event.actor == people.officer and event.subject_id == str(people.alice.pk)
        assert event.data == {"role": "reviewer"}

    def test_the_grantee_is_notified_after_commit(self, people, django_capture_on_commit_callbacks, mailoutbox):
        with django_capture_on_commit_callbacks(execute=True):
            role_grant(actor=people.officer, user=people.alice, role=Role.REVIEWER)
        assert people.alice.notifications.get().verb == "user.role_granted"
        assert mailoutbox[0].to == [people.alice.email]

    @pytest.mark.parametrize("who", ["curator", "committee", "auditor", "alice"])
    def test_nobody_but_an_officer_grants_a_staff_role(self, people, who):
        before = RoleGrant.objects.count()
        with pytest.raises(PermissionDeniedError):
            role_grant(actor=getattr(people, who), user=people.bob, role=Role.CURATOR)
        assert RoleGrant.objects.count() == before and not people.bob.has_role(Role.CURATOR)

    def test_a_person_may_not_make_someone_else_an_applicant(self, people):
        newcomer = UserFactory(roles=[])
        with pytest.raises(PermissionDeniedError):
            role_grant(actor=people.alice, user=newcomer, role=Role.APPLICANT)

    def test_a_person_may_take_the_applicant_role_for_themselves(self, people):
        newcomer = UserFactory(roles=[])
        role_grant(actor=newcomer, user=newcomer, role=Role.APPLICANT)
        assert newcomer.has_role(Role.APPLICANT)
        assert last_event("user.role_granted").actor == newcomer

    def test_the_system_grants_with_no_actor(self, people):
        role_grant(actor=None, user=people.bob, role=Role.AUDITOR)
        event = last_event("user.role_granted")
        assert event.actor is None and people.bob.has_role(Role.AUDITOR)

    def test_granting_a_role_already_held_changes_nothing(self, people):
        before = last_event().seq
        role_grant(actor=people.officer, user=people.alice, role=Role.APPLICANT)
        assert last_event().seq == before
        assert RoleGrant.objects.filter(user=people.alice, role=Role.APPLICANT).count() == 1

    def test_it_refuses_an_unknown_role(self, people):
        with pytest.raises(ValidationFailed):
            role_grant(actor=people.officer, user=people.alice, role="emperor")


class TestRoleRevoke:
    def test_an_officer_revokes_a_role_and_it_is_audited(self, people):
        role_revoke(actor=people.officer, user=people.curator, role=Role.CURATOR)
        people.curator.refresh_from_db()
        assert not people.curator.has_role(Role.CURATOR)
        event = last_event("user.role_revoked")
        assert event.actor == people.officer and event.data["role"] == "curator"

    def test_nobody_else_revokes(self, people):
        with pytest.raises(PermissionDeniedError):
            role_revoke(actor=people.curator, user=people.alice, role=Role.APPLICANT)
        assert people.alice.has_role(Role.APPLICANT)

    def test_an_officer_cannot_remove_their_own_officer_role(self, people):
        with pytest.raises(ConflictError):
            role_revoke(actor=people.officer, user=people.officer, role=Role.OFFICER)
        assert RoleGrant.objects.filter(user=people.officer, role=Role.OFFICER).exists()

    def test_revoking_a_role_not_held_is_refused(self, people):
        with pytest.raises(ConflictError):
            role_revoke(actor=people.officer, user=people.alice, role=Role.CURATOR)
        assert last_event("user.role_revoked") is None
