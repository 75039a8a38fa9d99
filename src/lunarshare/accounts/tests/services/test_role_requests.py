"""Issue 10, finding 5: power roles need two officers; every path goes through the services."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from lunarshare.accounts.models import Role, RoleGrant, RoleGrantRequest, User
from lunarshare.accounts.services import (
    role_grant,
    role_grant_approve,
    role_grant_cancel,
    role_grant_reject,
    role_grant_request,
)
from lunarshare.errors import ConflictError, InvalidTransition, PermissionDeniedError, ValidationFailed
from lunarshare.testing.factories import UserFactory
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_officer(people):
    return UserFactory(username="offi2", institution=people.naoc, roles=[Role.OFFICER])


class TestFourEyes:
    @pytest.mark.parametrize("role", [Role.OFFICER, Role.CURATOR, Role.COMMITTEE, Role.AUDITOR])
    def test_an_officer_cannot_grant_a_power_role_alone(self, people, role):
        with pytest.raises(PermissionDeniedError) as refused:
            role_grant(actor=people.officer, user=people.alice, role=role)
        assert refused.value.code == "four_eyes_required"
        assert not people.alice.has_role(role)

    def test_an_officer_cannot_make_themselves_curator(self, people, second_officer):
        with pytest.raises(PermissionDeniedError):
            role_grant_request(actor=people.officer, user=people.officer, role=Role.CURATOR, reason="I want it")
        assert not RoleGrantRequest.objects.exists()

    def test_a_request_and_a_second_officers_approval_grant_the_role(self, people, second_officer):
        grant_request = role_grant_request(actor=people.officer, user=people.alice, role=Role.CURATOR,
                                           reason="new lab manager")
        assert last_event("user.role_grant_requested").data == {
            "request": grant_request.pk, "role": "curator", "reason": "new lab manager"}
        assert not people.alice.has_role(Role.CURATOR)
        role_grant_approve(actor=second_officer, grant_request=grant_request)
        assert User.objects.get(pk=people.alice.pk).has_role(Role.CURATOR)
        grant_request.refresh_from_db()
        assert grant_request.status == "approved" and grant_request.decided_by == second_officer
        event = last_event("user.role_granted")
        assert event.actor == second_officer
        assert event.data == {"role": "curator", "request": grant_request.pk, "requested_by": people.officer.pk,
                              "approved_by": second_officer.pk}

    def test_the_requester_cannot_approve_their_own_request(self, people, second_officer):
        grant_request = role_grant_request(actor=people.officer, user=people.alice, role=Role.COMMITTEE, reason="x")
        with pytest.raises(PermissionDeniedError):
            role_grant_approve(actor=people.officer, grant_request=grant_request)
        assert not RoleGrant.objects.filter(user=people.alice, role=Role.COMMITTEE).exists()

    def test_nobody_approves_a_request_for_themselves(self, people, second_officer):
        grant_request = role_grant_request(actor=people.officer, user=second_officer, role=Role.AUDITOR, reason="x")
        with pytest.raises(PermissionDeniedError):
            role_grant_approve(actor=second_officer, grant_request=grant_request)

    def test_two_officers_cannot_collude_through_a_third_account_that_is_not_an_officer(self, people):
        grant_request = role_grant_request(actor=people.officer, user=people.alice, role=Role.CURATOR, reason="x")
        with pytest.raises(PermissionDeniedError):
            role_grant_approve(actor=people.curator, grant_request=grant_request)

    def test_a_rejection_needs_a_reason_and_is_audited(self, people, second_officer):
        grant_request = role_grant_request(actor=people.officer, user=people.alice, role=Role.CURATOR, reason="x")
        with pytest.raises(ValidationFailed):
            role_grant_reject(actor=second_officer, grant_request=grant_request, note=" ")
        role_grant_reject(actor=second_officer, grant_request=grant_request, note="no training yet")
        assert last_event("user.role_grant_rejected").data["note"] == "no training yet"
        with pytest.raises(InvalidTransition):
            role_grant_approve(actor=second_officer, grant_request=grant_request)
        assert not people.alice.has_role(Role.CURATOR)

    def test_only_the_requester_cancels(self, people, second_officer):
        grant_request = role_grant_request(actor=people.officer, user=people.alice, role=Role.CURATOR, reason="x")
        with pytest.raises(PermissionDeniedError):
            role_grant_cancel(actor=second_officer, grant_request=grant_request)
        role_grant_cancel(actor=people.officer, grant_request=grant_request)
        assert last_event("user.role_grant_cancelled").actor == people.officer

    def test_one_open_request_per_person_and_role(self, people, second_officer):
        role_grant_request(actor=people.officer, user=people.alice, role=Role.CURATOR, reason="x")
        with pytest.raises(ConflictError):
            role_grant_request(actor=second_officer, user=people.alice, role=Role.CURATOR, reason="y")

    def test_applicant_and_reviewer_keep_the_direct_path(self, people):
        with pytest.raises(ValidationFailed):
            role_grant_request(actor=people.officer, user=people.alice, role=Role.REVIEWER, reason="x")
        role_grant(actor=people.officer, user=people.alice, role=Role.REVIEWER)
        assert people.alice.has_role(Role.REVIEWER)


class TestTheApiAndPagesGoThroughTheServices:
    def test_request_and_approve_through_the_api(self, people, second_officer, api_as):
        response = api_as(people.officer).post("/api/v1/role-requests/", {
            "user": people.alice.pk, "role": "curator", "reason": "lab manager"}, format="json")
        assert response.status_code == 201
        pk = response.json()["id"]
        refused = api_as(people.officer).post(f"/api/v1/role-requests/{pk}/approve/", {}, format="json")
        assert refused.status_code == 403 and not people.alice.has_role(Role.CURATOR)
        approved = api_as(second_officer).post(f"/api/v1/role-requests/{pk}/approve/", {}, format="json")
        assert approved.status_code == 200 and approved.json()["status"] == "approved"
        assert User.objects.get(pk=people.alice.pk).has_role(Role.CURATOR)

    def test_non_officers_are_told_the_endpoints_do_not_exist(self, people, api_as):
        assert api_as(people.curator).get("/api/v1/role-requests/").status_code == 404
        assert api_as(people.curator).post("/api/v1/role-requests/", {
            "user": people.curator.pk, "role": "officer", "reason": "x"}, format="json").status_code == 404

    def test_revoke_through_the_api(self, people, api_as):
        response = api_as(people.officer).delete(f"/api/v1/people/{people.curator.pk}/roles/curator/")
        assert response.status_code == 204 and not RoleGrant.objects.filter(user=people.curator).exists()

    def test_the_officer_page_refuses_a_one_officer_curator_grant(self, people, client):
        client.force_login(people.officer)
        response = client.post(f"/en/people/{people.alice.pk}/roles/", {"role": "curator", "action": "grant"},
                               follow=True)
        assert not RoleGrant.objects.filter(user=people.alice, role=Role.CURATOR).exists()
        assert "two officers" in response.content.decode()

    def test_the_person_page_and_queue_show_the_request_in_both_languages(self, people, second_officer, client):
        client.force_login(people.officer)
        response = client.post(f"/en/people/{people.alice.pk}/", {"role": "committee", "reason": "panel chair"},
                               follow=True)
        page = response.content.decode()
        assert "panel chair" in page and "Waiting for a second officer" in page
        client.force_login(second_officer)
        queue = client.get("/zh-hans/people/role-requests/").content.decode()
        assert "panel chair" in queue and "等待第二位" in queue
        grant_request = RoleGrantRequest.objects.get()
        client.post(f"/en/people/role-requests/{grant_request.pk}/approve/", {"note": ""})
        assert User.objects.get(pk=people.alice.pk).has_role(Role.COMMITTEE)

    def test_a_non_officer_gets_404_for_the_queue(self, people, client):
        client.force_login(people.curator)
        assert client.get("/en/people/role-requests/").status_code == 404


class TestAdminIsReadOnlyForPower:
    def test_grants_and_audit_rows_cannot_be_added_changed_or_deleted_in_the_admin(self, people):
        from lunarshare.accounts.admin import RoleGrantInline, UserAdmin
        from lunarshare.audit.models import Event

        superuser = UserFactory(is_superuser=True, is_staff=True)
        request = RequestFactory().get("/admin/")
        request.user = superuser
        inline = RoleGrantInline(User, admin.site)
        assert not inline.has_add_permission(request, people.curator)
        assert not inline.has_delete_permission(request, people.curator)
        assert not inline.has_change_permission(request, people.curator)
        event_admin = admin.site._registry[Event]
        assert not event_admin.has_delete_permission(request) and not event_admin.has_add_permission(request)
        user_admin = UserAdmin(User, admin.site)
        assert "is_active" in user_admin.get_readonly_fields(request, people.curator)
        assert RoleGrantRequest in admin.site._registry
        request_admin = admin.site._registry[RoleGrantRequest]
        assert not request_admin.has_add_permission(request) and not request_admin.has_delete_permission(request)

    def test_the_admin_deactivate_action_goes_through_the_service(self, people):
        superuser = UserFactory(is_superuser=True, is_staff=True, roles=[Role.OFFICER])
        request = RequestFactory().post("/admin/")
        request.user = superuser
        request._messages = type("M", (), {"add": lambda *a, **k: None})()
        user_admin = admin.site._registry[User]
        user_admin.deactivate_accounts(request, User.objects.filter(pk=people.bob.pk))
        people.bob.refresh_from_db()
        assert not people.bob.is_active and last_event("user.deactivated").actor == superuser
