"""A USB barcode scanner types each code and Enter: the receipt and return pages take identifiers
(and the label QR's second line, the sample page URL) one per line, tick the list, and name an
unknown identifier — in both languages."""

import pytest
from playwright.sync_api import expect

from lunarshare.catalog.models import Sample
from lunarshare.loans.models import Loan
from lunarshare.loans.tests.factories import received_loan, shipped_loan
from lunarshare.testing.helpers import browser_login


def scan(page, box, *codes):
    box.click()
    for code in codes:
        page.keyboard.type(code, delay=5)
        page.keyboard.press("Enter")


@pytest.mark.parametrize(("language", "confirm", "unknown"), [
    ("en", "Confirm receipt", "Not in this shipment: CE5C9999"),
    ("zh-hans", "确认接收", "不在本次发运中：CE5C9999"),
])
def test_the_borrower_scans_the_labels_to_confirm_receipt(page, people, language, confirm, unknown):
    loan = shipped_loan(people, masses=(20_000, 30_000))
    first, second = loan.items.order_by("id").values_list("sample__identifier", flat=True)
    browser_login(page, "alice", language=language)
    page.goto(f"{page.base_url}/{language}/loans/{loan.pk}/receive/")
    box = page.locator("textarea[name=scanned]")
    # the whole QR of the first label (identifier, then its page URL), and a stray code
    scan(page, box, first, f"{page.base_url}/{language}/samples/{first}/", "CE5C9999")
    expect(page.locator(f'.scan-checklist [data-identifier="{first}"]')).to_have_class("scanned")
    page.locator("textarea[name=condition_report]").fill("Intact")
    page.locator("form button[type=submit]").filter(has_text=confirm).click()
    expect(page.locator(".messages, .errorlist").first).to_contain_text(unknown)
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.SHIPPED

    box = page.locator("textarea[name=scanned]")
    box.fill("")
    scan(page, box, first, second)
    page.locator("textarea[name=condition_report]").fill("Intact")
    page.locator("form button[type=submit]").filter(has_text=confirm).click()
    page.wait_for_url(f"**/loans/{loan.pk}/")
    assert Loan.objects.get(pk=loan.pk).status == Loan.Status.IN_USE


def test_the_curator_scans_a_label_and_types_its_mass_on_the_next_line(page, people):
    loan = received_loan(people, masses=(20_000,))
    identifier = loan.items.get().sample.identifier
    browser_login(page, "cura")
    page.goto(f"{page.base_url}/en/loans/{loan.pk}/return/")
    scan(page, page.locator("textarea[name=lines]"), identifier, f"{page.base_url}/en/samples/{identifier}/", "20 mg")
    expect(page.locator(f'.scan-checklist [data-identifier="{identifier}"]')).to_have_class("scanned")
    page.get_by_role("button", name="Record the returns").click()
    expect(page.locator(".messages")).to_contain_text("1 item(s) returned")
    assert Sample.objects.get(identifier=identifier).status == "available"
