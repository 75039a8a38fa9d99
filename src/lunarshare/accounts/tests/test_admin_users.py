"""People are added and passwords set in the Django admin only through the services (audited)."""

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse
from django.utils import translation

from lunarshare.accounts.models import ApiToken, Role, User
from lunarshare.audit.models import Event
from lunarshare.testing.factories import UserFactory
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-new-lunar-passphrase-7"
# The admin's add form: a username and a password, twice (plus the empty role inline's counters).
ADD = {"username": "gina", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
       "role_grants-TOTAL_FORMS": "0", "role_grants-INITIAL_FORMS": "0"}


@pytest.fixture
def staff_officer(people):
    """An officer who administers the site (superuser: every Django model permission)."""
    people.officer.is_staff = people.officer.is_superuser = True
    people.officer.save(update_fields=["is_staff", "is_superuser"])
    return people.officer


@pytest.fixture
def staff_curator(people):
    """A superuser who is no programme officer."""
    people.curator.is_staff = True
    people.curator.is_superuser = True
    people.curator.save(update_fields=["is_staff", "is_superuser"])
    return people.curator


class TestAddingAPersonInTheAdmin:
    def test_an_officer_adds_a_person_through_the_service(self, client, staff_officer):
        client.force_login(staff_officer)
        response = client.post(reverse("admin:accounts_user_add"), ADD)
        gina = User.objects.get(username="gina")
        assert response.status_code == 302 and response["Location"].endswith(f"/{gina.pk}/change/")
        assert gina.check_password(NEW_PASSWORD)
        event = last_event("user.created")
        assert event.actor == staff_officer and event.subject_id == str(gina.pk)
        assert event.data["username"] == "gina"

    def test_staff_who_are_not_officers_cannot_add_people(self, client, staff_curator):
        client.force_login(staff_curator)
        assert client.get(reverse("admin:accounts_user_add")).status_code == 403
        client.post(reverse("admin:accounts_user_add"), ADD)
        assert not User.objects.filter(username="gina").exists()
        assert not Event.objects.filter(verb="lunarshare.user.created").exists()


class TestEditingAPersonInTheAdmin:
    def test_staff_status_is_read_only(self, client, staff_officer, people):
        client.force_login(staff_officer)
        url = reverse("admin:accounts_user_change", args=[people.alice.pk])
        page = client.get(url).content.decode()
        assert 'name="is_staff"' not in page and 'name="is_active"' not in page
        client.post(url, {"username": "alice", "email": people.alice.email, "is_staff": "on",
                          "display_name": "Alice", "orcid": "", "expertise": "[]", "last_login_0": "", "last_login_1": "",
                          "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
                          "role_grants-TOTAL_FORMS": "0", "role_grants-INITIAL_FORMS": "0"})
        assert not User.objects.get(pk=people.alice.pk).is_staff

    def test_profile_fields_are_saved_through_the_service_and_audited(self, client, staff_officer, people):
        client.force_login(staff_officer)
        url = reverse("admin:accounts_user_change", args=[people.alice.pk])
        response = client.post(url, {"display_name": "Alice Moon", "orcid": "", "expertise": '["regolith"]',
                                     "email": "evil@example.org", "username": "mallory",
                                     "role_grants-TOTAL_FORMS": "0", "role_grants-INITIAL_FORMS": "0"})
        assert response.status_code == 302
        alice = User.objects.get(pk=people.alice.pk)
        assert (alice.display_name, alice.expertise, alice.username) == ("Alice Moon", ["regolith"], "alice")
        event = last_event("user.profile_updated")
        assert event.actor == staff_officer and event.data["display_name"]["new"] == "Alice Moon"

    def test_a_bad_orcid_in_the_admin_is_refused_and_nothing_changes(self, client, staff_officer, people):
        client.force_login(staff_officer)
        url = reverse("admin:accounts_user_change", args=[people.alice.pk])
        response = client.post(url, {"display_name": "Changed", "orcid": "0000-0002-1825-0098", "expertise": "[]",
                                     "role_grants-TOTAL_FORMS": "0", "role_grants-INITIAL_FORMS": "0"}, follow=True)
        assert response.status_code == 200
        assert User.objects.get(pk=people.alice.pk).display_name != "Changed"
        assert not Event.objects.filter(verb="lunarshare.user.profile_updated").exists()

    def test_a_password_set_in_the_admin_kills_the_tokens_at_once_and_is_audited(self, client, staff_officer, people):
        ApiToken.objects.create(user=people.alice, name="laptop")
        client.force_login(staff_officer)
        url = reverse("admin:auth_user_password_change", args=[people.alice.pk])
        response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                     "usable_password": "true", "set-password": "1"})
        assert response.status_code == 302
        alice = User.objects.get(pk=people.alice.pk)
        assert alice.check_password(NEW_PASSWORD)
        assert not ApiToken.objects.filter(user=alice).exists()
        changed = last_event("user.password_changed")
        assert changed.actor == staff_officer and changed.data == {"usable": True}
        assert NEW_PASSWORD not in str(changed.data)
        revoked = last_event("user.tokens_revoked")
        assert revoked.actor == staff_officer and revoked.data["reason"] == "password_changed"

    def test_an_officer_changing_their_own_password_in_the_admin_stays_signed_in(self, client, staff_officer):
        client.force_login(staff_officer)
        url = reverse("admin:auth_user_password_change", args=[staff_officer.pk])
        client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
                          "set-password": "1"})
        assert check_password(NEW_PASSWORD, User.objects.get(pk=staff_officer.pk).password)
        assert client.get(reverse("admin:index")).status_code == 200

    def test_staff_who_are_not_officers_cannot_set_someone_elses_password(self, client, staff_curator, people):
        ApiToken.objects.create(user=people.alice, name="laptop")
        old_hash = people.alice.password
        client.force_login(staff_curator)
        url = reverse("admin:auth_user_password_change", args=[people.alice.pk])
        response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                     "usable_password": "true", "set-password": "1"}, follow=True)
        assert "Only programme officers may set another person" in response.content.decode()
        assert User.objects.get(pk=people.alice.pk).password == old_hash
        assert ApiToken.objects.filter(user=people.alice).exists()
        assert not Event.objects.filter(verb="lunarshare.user.password_changed").exists()

    def test_the_refusal_reads_in_chinese(self, client, staff_curator, people):
        client.force_login(staff_curator)
        with translation.override("zh-hans"):
            url = reverse("admin:auth_user_password_change", args=[people.alice.pk])
        response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                     "usable_password": "true", "set-password": "1"}, follow=True)
        assert "只有项目官员可以设置他人的密码" in response.content.decode()


def test_user_set_password_service_refuses_an_applicant(people):
    from lunarshare.accounts.services import user_set_password
    from lunarshare.errors import PermissionDeniedError

    bob = UserFactory(username="bobby", roles=[Role.APPLICANT])
    with pytest.raises(PermissionDeniedError):
        user_set_password(actor=people.alice, user=bob, password=NEW_PASSWORD)
    assert not User.objects.get(pk=bob.pk).check_password(NEW_PASSWORD)
