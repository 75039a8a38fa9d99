"""The whole loan in Chromium: the officer creates it, both sign, the curator allocates and
ships, the borrower confirms receipt and reports a destructive analysis, and the curator
records a partial return with a discrepancy and sees the incident."""

import datetime as dt

from playwright.sync_api import expect

from lunarshare.catalog.models import Sample
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.loans.models import Incident, Loan
from lunarshare.loans.tests.factories import make_approved_application
from lunarshare.testing.helpers import browser_login


def switch_user(page, username):
    page.context.clear_cookies()
    browser_login(page, username)


def test_a_loan_from_creation_to_a_partial_return_with_an_incident(page, people):
    application = make_approved_application(applicant=people.alice, masses=(40_000, 30_000))
    parent = application.parent_sample

    browser_login(page, "offi")
    page.goto(f"{page.base_url}/en/loans/new/")
    page.get_by_role("button", name=f"Create loan {application.reference}").click()
    expect(page.locator(".messages")).to_contain_text("created")
    loan = Loan.objects.get(application=application)
    detail = f"{page.base_url}/en/loans/{loan.pk}/"

    switch_user(page, "alice")
    page.goto(detail)
    page.get_by_role("link", name="Sign the agreement").click()
    page.get_by_label("Type your full name to sign").fill("Alice Example")
    page.get_by_label("I have read the agreement").check()
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_test_id("loan-status")).to_have_text("Agreement awaiting the agency's signature")

    switch_user(page, "offi")
    page.goto(f"{detail}sign/")
    page.get_by_label("Type your full name to sign").fill("Officer Example")
    page.get_by_label("I have read the agreement").check()
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_test_id("loan-status")).to_have_text("Agreement signed")

    switch_user(page, "cura")
    page.goto(detail)
    page.get_by_role("link", name="Allocate samples").click()
    for mass in ("40", "30"):
        page.get_by_label("Sample identifier").first.fill(parent.identifier)
        page.get_by_label("Mass (mg); empty for the whole sample").first.fill(mass)
        page.get_by_role("button", name="Allocate").first.click()
        expect(page.locator(".messages")).to_contain_text("Allocated and reserved")
    expect(page.locator(".notice")).to_contain_text("Every item is allocated")
    children = list(Sample.objects.filter(parent=parent).order_by("identifier").values_list("identifier", flat=True))
    assert len(children) == 2
    page.goto(f"{detail}ship/")
    page.get_by_label("Courier").fill("Hand carried")
    page.get_by_label("Packaging").fill("Sealed vials in a nitrogen can")
    page.get_by_label("Condition at dispatch").fill("Intact")
    page.get_by_label("Handed over to").fill("Alice Example")
    page.get_by_role("button", name="Record the shipment").click()
    expect(page.get_by_test_id("loan-status")).to_have_text("Shipped")
    page.get_by_role("link", name="Labels").click()
    expect(page.locator(".label svg")).to_have_count(2)

    switch_user(page, "alice")
    page.goto(detail)
    page.get_by_role("link", name="Confirm receipt").click()
    page.get_by_label("Your condition report on receipt").fill("Both vials sealed")
    page.get_by_role("button", name="Confirm receipt").click()
    expect(page.get_by_test_id("loan-status")).to_have_text("In use")
    page.get_by_role("link", name="Report use").click()
    page.get_by_label("Sample").select_option(children[0])
    page.get_by_label("Kind of use").select_option("destructive")
    page.get_by_label("Method").fill("LA-ICP-MS")
    page.get_by_label("Date").fill(dt.date.today().isoformat())
    page.get_by_label("Mass consumed (mg)").fill("2")
    page.get_by_label("Link to the video record").fill("https://video.example.org/run-1")
    page.get_by_role("button", name="Record the use").click()
    expect(page.locator(".messages")).to_contain_text("Use recorded")

    switch_user(page, "cura")
    page.goto(detail)
    page.get_by_role("link", name="Record returns").click()
    # 40 mg allocated − 2 mg consumed = 38 mg expected; 37 mg comes back (beyond 0.5 %/50 µg).
    page.get_by_label("Returned items").fill(f"{children[0]} 37 mg\n")
    page.get_by_role("button", name="Record the returns").click()
    expect(page.locator(".messages")).to_contain_text("Incident")
    page.goto(detail)
    expect(page.get_by_test_id("loan-status")).to_have_text("Partly returned")
    page.goto(f"{page.base_url}/en/loans/incidents/")
    expect(page.get_by_role("table")).to_contain_text("Mass discrepancy on return")
    expect(page.get_by_role("table")).to_contain_text(children[0])

    incident = Incident.objects.get()
    assert incident.expected_mass_ug == 38_000 and incident.measured_mass_ug == 37_000
    assert ledger_breaks() == []
