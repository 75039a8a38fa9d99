import pytest
from django.urls import reverse

from lunarshare.accounts.models import AffiliationRequest, Notification, Role
from lunarshare.accounts.rules import can_apply
from lunarshare.testing.factories import InstitutionFactory, UserFactory
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(db):
    return UserFactory(username="newcomer", institution=None, roles=[])


class TestProfilePage:
    def test_it_needs_a_login(self, client):
        response = client.get(reverse("accounts:profile"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_a_person_saves_name_orcid_expertise_and_language(self, client, people):
        client.force_login(people.alice)
        response = client.post(reverse("accounts:profile"), {
            "display_name": "Alice A.", "orcid": "https://orcid.org/0000-0002-1694-233x",
            "expertise": "Geochronology, isotopes, geochronology", "preferred_language": "zh-hans"})
        assert response.status_code == 302
        people.alice.refresh_from_db()
        assert (people.alice.display_name, people.alice.orcid, people.alice.expertise, people.alice.preferred_language) == (
            "Alice A.", "0000-0002-1694-233X", ["geochronology", "isotopes"], "zh-hans")
        event = last_event("user.profile_updated")
        assert event.actor == people.alice and event.data["orcid"] == {"old": "", "new": "0000-0002-1694-233X"}

    def test_a_bad_orcid_is_shown_and_nothing_changes(self, client, people):
        client.force_login(people.alice)
        response = client.post(reverse("accounts:profile"), {"display_name": "X", "orcid": "0000-0002-1825-0098"})
        assert response.status_code == 200 and "check digit" in response.content.decode()
        people.alice.refresh_from_db()
        assert people.alice.orcid == "" and last_event("user.profile_updated") is None


class TestAffiliationPage:
    def test_a_newcomer_is_told_to_ask_and_may_not_apply(self, client, newcomer):
        client.force_login(newcomer)
        response = client.get(reverse("accounts:affiliation"))
        assert response.status_code == 200 and not response.context["may_apply"]
        assert b'id="may-apply"' not in response.content

    def test_a_newcomer_chooses_a_confirmed_institution(self, client, people, newcomer):
        client.force_login(newcomer)
        response = client.post(reverse("accounts:affiliation"), {"institution": people.cologne.pk}, follow=True)
        request = AffiliationRequest.objects.get(user=newcomer)
        assert request.institution == people.cologne and request.status == "pending"
        assert "will confirm it" in response.content.decode()

    def test_unconfirmed_institutions_are_not_offered(self, client, people, newcomer):
        hidden = InstitutionFactory(name_en="Demo Unconfirmed Institute", confirmed=False)
        client.force_login(newcomer)
        response = client.get(reverse("accounts:affiliation"))
        assert hidden.name_en not in response.content.decode()

    def test_a_newcomer_proposes_a_new_institution(self, client, newcomer):
        client.force_login(newcomer)
        client.post(reverse("accounts:affiliation"), {"proposed_name": "Demo Lunar Lab", "proposed_country": "IT",
                                                       "proposed_ror_id": "0zzzzzz02"})
        request = AffiliationRequest.objects.get(user=newcomer)
        assert (request.proposed_name, request.proposed_ror_id) == ("Demo Lunar Lab", "0zzzzzz02")

    @pytest.mark.parametrize("data", [{}, {"proposed_name": "Demo Lab"},
                                      {"proposed_name": "Demo Lab", "proposed_country": "IT", "proposed_ror_id": "0zzzzzz03"}])
    def test_an_incomplete_form_is_shown_again(self, client, newcomer, data):
        client.force_login(newcomer)
        response = client.post(reverse("accounts:affiliation"), data)
        assert response.status_code == 200 and response.context["form"].errors
        assert not AffiliationRequest.objects.exists()

    def test_a_second_request_while_one_waits_is_refused_with_a_message(self, client, people, newcomer):
        client.force_login(newcomer)
        client.post(reverse("accounts:affiliation"), {"institution": people.cologne.pk})
        response = client.post(reverse("accounts:affiliation"), {"institution": people.stony.pk}, follow=True)
        assert "already have an affiliation request" in response.content.decode()
        assert AffiliationRequest.objects.filter(user=newcomer).count() == 1

    def test_after_confirmation_the_page_says_the_person_may_apply(self, client, people, newcomer):
        from lunarshare.accounts.services import affiliation_confirm, affiliation_request

        affiliation_confirm(actor=people.officer, request=affiliation_request(actor=newcomer, institution=people.cologne))
        client.force_login(newcomer)
        response = client.get(reverse("accounts:affiliation"))
        assert response.context["may_apply"] and b'id="may-apply"' in response.content


class TestOfficerPeoplePage:
    @pytest.mark.parametrize("who", ["alice", "curator", "committee", "auditor"])
    def test_only_officers_see_it(self, client, people, who):
        client.force_login(getattr(people, who))
        assert client.get(reverse("accounts:officer-people")).status_code == 403

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        assert client.get(reverse("accounts:officer-people")).status_code == 302

    def test_an_officer_sees_pending_requests_and_people_with_roles(self, client, people, newcomer):
        from lunarshare.accounts.services import affiliation_request

        affiliation_request(actor=newcomer, institution=people.cologne)
        client.force_login(people.officer)
        response = client.get(reverse("accounts:officer-people"))
        html = response.content.decode()
        assert response.status_code == 200
        assert [r.user for r in response.context["pending"]] == [newcomer]
        assert "Curator" in html and "University of Cologne" in html

    def test_an_officer_confirms_a_request(self, client, people, newcomer):
        from lunarshare.accounts.services import affiliation_request

        request = affiliation_request(actor=newcomer, institution=people.cologne)
        client.force_login(people.officer)
        client.post(reverse("accounts:affiliation-confirm", args=[request.pk]))
        newcomer.refresh_from_db()
        assert newcomer.institution == people.cologne and can_apply(newcomer)
        assert last_event("affiliation.confirmed").actor == people.officer

    def test_an_officer_rejects_a_request_with_a_reason(self, client, people, newcomer):
        from lunarshare.accounts.services import affiliation_request

        request = affiliation_request(actor=newcomer, institution=people.cologne)
        client.force_login(people.officer)
        client.post(reverse("accounts:affiliation-reject", args=[request.pk]), {"note": "not on the staff list"})
        request.refresh_from_db()
        assert request.status == "rejected" and request.note == "not on the staff list"

    def test_a_non_officer_cannot_confirm_by_posting(self, client, people, newcomer):
        from lunarshare.accounts.services import affiliation_request

        request = affiliation_request(actor=newcomer, institution=people.cologne)
        client.force_login(newcomer)
        assert client.post(reverse("accounts:affiliation-confirm", args=[request.pk])).status_code == 403
        request.refresh_from_db()
        assert request.status == "pending"

    def test_confirming_an_unknown_request_is_404(self, client, people):
        client.force_login(people.officer)
        assert client.post(reverse("accounts:affiliation-confirm", args=[99999])).status_code == 404

    def test_an_officer_grants_and_revokes_roles(self, client, people):
        client.force_login(people.officer)
        client.post(reverse("accounts:person-roles", args=[people.bob.pk]), {"role": "reviewer", "action": "grant"})
        assert people.bob.role_grants.filter(role=Role.REVIEWER).exists()
        assert last_event("user.role_granted").actor == people.officer
        client.post(reverse("accounts:person-roles", args=[people.bob.pk]), {"role": "reviewer", "action": "revoke"})
        assert not people.bob.role_grants.filter(role=Role.REVIEWER).exists()
        assert last_event("user.role_revoked").actor == people.officer

    def test_a_refused_revoke_is_shown_as_a_message(self, client, people):
        client.force_login(people.officer)
        response = client.post(reverse("accounts:person-roles", args=[people.officer.pk]),
                               {"role": "officer", "action": "revoke"}, follow=True)
        assert "your own officer role" in response.content.decode()
        assert people.officer.role_grants.filter(role=Role.OFFICER).exists()

    def test_a_curator_cannot_grant_roles(self, client, people):
        client.force_login(people.curator)
        response = client.post(reverse("accounts:person-roles", args=[people.bob.pk]), {"role": "curator", "action": "grant"})
        assert response.status_code == 403 and not people.bob.role_grants.filter(role=Role.CURATOR).exists()


class TestNotificationsPage:
    def test_it_lists_the_persons_notifications_and_marks_them_read(self, client, people):
        mine = Notification.objects.create(user=people.alice, verb="x", title="Your loan shipped")
        other = Notification.objects.create(user=people.bob, verb="x", title="Bob's secret")
        client.force_login(people.alice)
        response = client.get(reverse("accounts:notifications"))
        html = response.content.decode()
        assert "Your loan shipped" in html and "Bob&#x27;s secret" not in html and "Bob's secret" not in html
        assert 'id="notifications-link"' in html and response.context["unread_notifications"] == 1
        client.post(reverse("accounts:notifications-read"), {"notification": [mine.pk, other.pk]})
        mine.refresh_from_db()
        other.refresh_from_db()
        assert mine.read_at is not None and other.read_at is None
        assert last_event("notification.read").data == {"notifications": [mine.pk]}

    def test_mark_all_read(self, client, people):
        for n in range(3):
            Notification.objects.create(user=people.alice, verb="x", title=f"n{n}")
        client.force_login(people.alice)
        client.post(reverse("accounts:notifications-read"))
        assert not Notification.objects.filter(user=people.alice, read_at=None).exists()
