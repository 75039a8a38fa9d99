"""The borrower opens the agreement and the certificate from the loan page, in either language,
and the PDFs carry their Chinese as text set in an embedded font."""

import io

import pytest
from pypdf import PdfReader

from lunarshare.accounts.models import Institution
from lunarshare.loans.tests.factories import received_loan
from lunarshare.testing.helpers import browser_login


@pytest.mark.parametrize(("language", "agreement", "certificate"), [
    ("en", "Agreement (PDF)", "Loan certificate (PDF)"),
    ("zh-hans", None, None),
])
def test_the_borrower_downloads_both_pdfs_and_reads_the_chinese(page, people, language, agreement, certificate):
    Institution.objects.filter(pk=people.cologne.pk).update(name_zh="科隆大学")
    loan = received_loan(people)
    browser_login(page, "alice", language=language)
    page.goto(f"{page.base_url}/{language}/loans/{loan.pk}/")
    for href, expected in ((f"/{language}/loans/{loan.pk}/agreement.pdf", "月球样品借用协议"),
                           (f"/{language}/loans/{loan.pk}/certificate.pdf", "月球样品借用证书")):
        link = page.locator(f'a[href="{href}"]')
        assert link.count() == 1  # offered on the page, in both languages
        response = page.request.get(page.base_url + href)
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.body()))
        text = "".join(p.extract_text() for p in reader.pages)
        assert expected in text and "科隆大学" in text and "■" not in text
        fonts = [f.get_object() for p in reader.pages for f in p["/Resources"]["/Font"].values()]
        assert fonts and all("LunarShareSansSC" in str(f["/BaseFont"]) for f in fonts)
    if agreement:
        assert page.get_by_role("link", name=agreement).count() == 1
        assert page.get_by_role("link", name=certificate).count() == 1
