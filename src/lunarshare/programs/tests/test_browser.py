"""A round from application to announced results, clicked through like people do."""

import re

import pytest
from playwright.sync_api import expect

from lunarshare.accounts.models import Role
from lunarshare.programs.tests.factories import VALID_ORCID, make_round
from lunarshare.testing.factories import UserFactory
from lunarshare.testing.helpers import browser_login


def confirm(page, question: str) -> None:
    """Answer the confirmation dialog that irreversible steps open (checking its question)."""
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(question)
    dialog.get_by_role("button", name="Yes, continue").click()


def _as(browser, base_url, username, contexts):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    contexts.append(context)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = base_url
    browser_login(page, username)
    return page


@pytest.mark.django_db(transaction=True)
def test_an_application_goes_from_draft_to_announced_results(page, browser, people):
    contexts = []
    try:
        _journey(page, browser, people, contexts)
    finally:
        for context in contexts:
            context.close()


def _journey(page, browser, people, contexts):
    round_ = make_round(title_en="Chang'e-5 batch for the journey")
    UserFactory(username="revi2", institution=people.naoc, roles=[Role.REVIEWER])

    # The applicant applies.
    browser_login(page, "alice")
    page.goto(f"{page.base_url}/en/rounds/{round_.pk}/")
    page.get_by_role("link", name="Apply in this round").click()
    page.get_by_label("Title").fill("Crystallisation ages of CE-5 basalt fragments")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_label("Abstract").fill("We date the youngest mare basalts.")
    page.get_by_label("Research plan").fill("Pb-Pb isotope dating by SIMS on polished fragments.")
    page.fill("input[name=team-0-name]", "Demo Researcher")
    page.fill("input[name=team-0-orcid]", VALID_ORCID)
    page.fill("input[name=funding-0-agency]", "Deutsche Forschungsgemeinschaft")
    page.fill("input[name=methods-0-name]", "SIMS")
    page.select_option("select[name=items-0-sample_set]", label="CE-5 scooped powder · Powder")
    page.fill("input[name=items-0-mass]", "50")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Application saved.")).to_be_visible()
    page.get_by_role("button", name="Submit application").click()
    confirm(page, "Submit application A-")
    expect(page.get_by_text("Application submitted.")).to_be_visible()
    application_url = page.url

    # The officer screens it and assigns two reviewers.
    officer = _as(browser, page.base_url, "offi", contexts)
    officer.get_by_role("link", name="Programme desk").click()
    officer.get_by_role("link", name=round_.title_en).click()
    officer.get_by_role("link", name=re.compile(r"^A-")).click()
    for box in officer.locator("form:has(input[value=screen]) input[type=checkbox]").all():
        box.check()
    officer.get_by_label("Pass to review").check()
    officer.get_by_role("button", name="Record screening").click()
    expect(officer.get_by_text("Screening recorded.")).to_be_visible()
    officer.goto(f"{page.base_url}/en/desk/rounds/{round_.pk}/")
    officer.get_by_label("Reviewers per application").fill("2")
    officer.get_by_role("button", name="Assign reviewers").click()
    expect(officer.get_by_text("Reviewers assigned.")).to_be_visible()

    # Two reviewers score it.
    for username, marks in (("revi", "5"), ("revi2", "4")):
        reviewer = _as(browser, page.base_url, username, contexts)
        reviewer.get_by_role("link", name="My reviews").click()
        reviewer.get_by_role("link", name=re.compile("Crystallisation ages")).click()
        for name in ("merit", "feasibility", "team", "sample-use"):
            reviewer.fill(f"input[name=score_{name}]", marks)
        reviewer.get_by_label("Comment").fill("Clear plan, small request.")
        reviewer.get_by_role("button", name="Save scores").click()
        expect(reviewer.get_by_text("Scores saved.")).to_be_visible()

    # The committee decides; the officer closes the round; the committee publishes.
    committee = _as(browser, page.base_url, "comm", contexts)
    committee.goto(application_url)
    committee.get_by_label("Approve", exact=True).check()
    committee.get_by_label("Reason").fill("Ranked first; the request is modest.")
    committee.get_by_role("button", name="Record decision").click()
    confirm(committee, "Record this decision")
    expect(committee.get_by_text("Decision recorded.")).to_be_visible()
    officer.goto(f"{page.base_url}/en/desk/rounds/{round_.pk}/")
    officer.get_by_role("button", name="Close round").click()
    confirm(officer, "before its closing time")
    expect(officer.get_by_text("The round is closed.")).to_be_visible()
    committee.goto(f"{page.base_url}/en/desk/rounds/{round_.pk}/")
    committee.get_by_role("button", name="Publish results").click()
    confirm(committee, "Publish the results")
    expect(committee.get_by_text("Results published.")).to_be_visible()

    # A visitor reads the announced results.
    visitor_context = browser.new_context(locale="en-GB")
    contexts.append(visitor_context)
    visitor = visitor_context.new_page()
    visitor.goto(f"{page.base_url}/en/")
    visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Results").click()
    visitor.get_by_role("link", name=round_.title_en).click()
    expect(visitor.get_by_text("1 institution from 1 country")).to_be_visible()
    expect(visitor.get_by_role("cell", name="University of Cologne")).to_be_visible()
    expect(visitor.get_by_role("cell", name="50 mg")).to_be_visible()
