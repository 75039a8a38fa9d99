"""A researcher signs up, confirms the e-mail address, asks to join an institution; an officer
confirms it; the researcher sees they may now apply. Driven through the real pages in Chromium."""

import re

import pytest

from lunarshare.accounts.models import User
from lunarshare.accounts.rules import can_apply
from lunarshare.testing.helpers import browser_login

PASSWORD = "a-long-lunar-passphrase"


@pytest.fixture
def mandatory_verification(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"


def test_a_researcher_signs_up_is_confirmed_by_an_officer_and_may_apply(
    page, browser, live_server, people, mailoutbox, mandatory_verification
):
    base = page.base_url

    # 1. Sign up.
    page.goto(f"{base}/en/accounts/signup/")
    form = page.locator("#signup-form")
    form.locator("input[name=email]").fill("demo.researcher@example.org")
    form.locator("input[name=username]").fill("demoresearcher")
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.locator("#verification-sent").wait_for()

    # 2. Confirm the address with the link from the mail.
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["demo.researcher@example.org"]
    link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state("networkidle")
    assert User.objects.get(username="demoresearcher").emailaddress_set.get().verified

    # 3. Log in (allauth may already have done it) and ask to join an institution.
    if not page.locator("a.whoami").count():
        browser_login(page, "demoresearcher", PASSWORD)
    page.goto(f"{base}/en/profile/affiliation/")
    page.locator("select[name=institution]").select_option(label="University of Cologne")
    page.get_by_role("button", name="Send request").click()
    assert page.locator("#request-status").inner_text() == "Pending"
    assert page.locator("#may-apply").count() == 0
    assert not can_apply(User.objects.get(username="demoresearcher"))

    # 4. An officer (whose address is verified, as mandatory verification requires), in another
    #    browser session, confirms it.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=people.officer, email=people.officer.email, verified=True, primary=True)
    officer_context = browser.new_context(locale="en-GB")
    officer_context.set_default_timeout(15_000)
    officer = officer_context.new_page()
    officer.base_url = base
    try:
        browser_login(officer, "offi")
        officer.goto(f"{base}/en/people/")
        row = officer.locator("#pending-requests tr[data-username=demoresearcher]")
        assert "University of Cologne" in row.inner_text()
        row.get_by_role("button", name="Confirm").click()
        officer.wait_for_load_state("networkidle")
        assert "may now apply" in officer.locator(".messages").inner_text()
        assert officer.locator("#pending-requests tr[data-username=demoresearcher]").count() == 0
    finally:
        officer_context.close()

    # 5. The researcher sees they may now apply, and has been notified.
    page.goto(f"{base}/en/profile/affiliation/")
    assert "may now apply" in page.locator("#may-apply").inner_text()
    assert page.locator("#notifications-link .badge").text_content().split()[-1] == "1"  # one unread notice
    assert can_apply(User.objects.get(username="demoresearcher"))
