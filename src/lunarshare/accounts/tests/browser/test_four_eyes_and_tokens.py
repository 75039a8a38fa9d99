"""An officer asks that a researcher become curator; a second officer approves it in another
browser; the new curator makes an API token on the profile page and revokes it. Real pages, Chromium."""

import pytest
from rest_framework.test import APIClient

from lunarshare.accounts.models import ApiToken, Role, User
from lunarshare.testing.factories import UserFactory
from lunarshare.testing.helpers import browser_login

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def second_officer(people):
    return UserFactory(username="offi2", institution=people.naoc, roles=[Role.OFFICER])


def test_two_officers_make_a_curator_who_then_manages_a_token(page, browser, live_server, people, second_officer):
    base = page.base_url
    browser_login(page, "offi", PASSWORD)
    page.goto(f"{base}/en/people/{people.alice.pk}/")
    page.locator("select[name=role]").select_option("curator")
    page.locator("textarea[name=reason]").fill("runs the sample store in Cologne")
    page.get_by_role("button", name="Send the request").click()
    row = page.locator("table.role-requests tbody tr").first
    assert "Waiting for a second officer" in row.inner_text()
    assert row.get_by_role("button", name="Approve").count() == 0  # the requester cannot approve
    assert not User.objects.get(pk=people.alice.pk).has_role(Role.CURATOR)

    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    other = context.new_page()
    other.base_url = base
    browser_login(other, "offi2", PASSWORD)
    other.goto(f"{base}/en/people/role-requests/")
    other.locator("table.role-requests tbody tr", has_text="runs the sample store").get_by_role(
        "button", name="Approve").click()
    other.wait_for_load_state("networkidle")
    assert "now holds the role" in other.content()
    context.close()
    assert User.objects.get(pk=people.alice.pk).has_role(Role.CURATOR)

    page.context.clear_cookies()
    browser_login(page, "alice", PASSWORD)
    page.goto(f"{base}/en/profile/")
    page.locator("input[name=name]").fill("lab laptop")
    page.get_by_role("button", name="Create a token").click()
    key = page.locator("#token-key").input_value()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/me/").json()["roles"] == ["applicant", "curator"]
    page.goto(f"{base}/en/profile/")
    assert "lab laptop" in page.locator("#token-list").inner_text() and key not in page.content()
    page.get_by_role("button", name="Revoke the token lab laptop").click()
    assert not ApiToken.objects.exists()
    assert client.get("/api/v1/me/").status_code == 401
