"""A person sees, on their own profile, the role requests about them (read-only)."""

import pytest
from django.urls import reverse
from django.utils import translation

from lunarshare.accounts.models import Role
from lunarshare.accounts.services import role_grant_approve, role_grant_reject, role_grant_request
from lunarshare.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided_and_pending(people):
    second = UserFactory(username="offi2", display_name="Second Officer", institution=people.naoc,
                         roles=[Role.OFFICER])
    approved = role_grant_request(actor=people.officer, user=people.alice, role=Role.CURATOR, reason="lab manager")
    role_grant_approve(actor=second, grant_request=approved)
    rejected = role_grant_request(actor=people.officer, user=people.alice, role=Role.AUDITOR, reason="audit help")
    role_grant_reject(actor=second, grant_request=rejected, note="not this year")
    pending = role_grant_request(actor=second, user=people.alice, role=Role.COMMITTEE, reason="panel seat")
    other = role_grant_request(actor=people.officer, user=people.bob, role=Role.CURATOR, reason="bob's secret")
    return {"second": second, "pending": pending, "other": other}


def section(html: str) -> str:
    start = html.index('id="role-requests"')
    return html[start:html.index("</section>", start)]


class TestOwnRoleRequests:
    def test_a_person_sees_pending_and_decided_requests_with_who_and_when(self, client, people, decided_and_pending):
        client.force_login(people.alice)
        rows = section(client.get(reverse("accounts:profile")).content.decode())
        for text in ("Curator", "Auditor", "Committee", "lab manager", "panel seat", "not this year",
                     "Approved", "Rejected", "Waiting for a second officer", str(people.officer), "Second Officer"):
            assert text in rows, text
        assert rows.count("data-request=") == 3

    def test_it_is_read_only_and_shows_nobody_elses_requests(self, client, people, decided_and_pending):
        client.force_login(people.alice)
        rows = section(client.get(reverse("accounts:profile")).content.decode())
        assert "<form" not in rows and "<button" not in rows
        assert "bob's secret" not in rows and "/people/" not in rows

    def test_a_person_with_no_request_is_told_so(self, client, people):
        client.force_login(people.bob)
        assert "No role request." in section(client.get(reverse("accounts:profile")).content.decode())

    def test_it_reads_in_chinese(self, client, people, decided_and_pending):
        client.force_login(people.alice)
        with translation.override("zh-hans"):
            url = reverse("accounts:profile")
        html = client.get(url).content.decode()
        assert "与您有关的角色申请" in html and "Role requests about you" not in html

    def test_the_officers_person_page_still_has_the_decision_buttons(self, client, people, decided_and_pending):
        client.force_login(people.officer)
        html = client.get(reverse("accounts:person", args=[people.alice.pk])).content.decode()
        assert "Approve" in html and f"/people/role-requests/{decided_and_pending['pending'].pk}/approve/" in html
