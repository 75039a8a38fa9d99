"""The loan PDFs show their Chinese in any viewer: the font is embedded, and its text extracts."""

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from lunarshare.accounts.models import Institution
from lunarshare.loans.documents import render_agreement, render_certificate
from lunarshare.loans.models import Loan
from lunarshare.loans.tests.factories import make_loan

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _fonts(data: bytes) -> list[dict]:
    fonts = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            fonts.append({"name": str(font["/BaseFont"]),
                          "embedded": descriptor is not None and "/FontFile2" in descriptor.get_object()})
    return fonts


@pytest.fixture
def loan(people, django_capture_on_commit_callbacks):
    Institution.objects.filter(pk=people.cologne.pk).update(name_zh="科隆大学")
    with django_capture_on_commit_callbacks(execute=True):  # the agreement PDF is stored on commit
        return make_loan(people)


def test_the_agreement_text_extracts_in_both_languages(loan):
    text = _text(loan.agreement.file.read())
    for expected in ("月球样品借用协议", "模板版本", "University of Cologne / 科隆大学", "协议双方", "往返运输费用由借用方承担",
                     "Transport costs in both directions are paid by the Borrower."):
        assert expected in text, expected
    assert "■" not in text and "The borrower, both ways" not in text
    assert "Powder / 粉末" in text and "powder" not in text.split("Schedule of items")[1]  # forms in words


def test_the_agency_paying_transport_reads_as_a_sentence(people):
    loan = make_loan(people)
    Loan.objects.filter(pk=loan.pk).update(transport_paid_by=Loan.TransportPaidBy.AGENCY)
    loan.refresh_from_db()
    text = _text(render_agreement(loan))
    assert "are paid by the Agency." in text and "往返运输费用由出借方承担" in text


def test_the_certificate_text_extracts_in_both_languages(loan):
    text = _text(render_certificate(loan))
    for expected in ("月球样品借用证书", "借用方", "University of Cologne / 科隆大学", "责任用户"):
        assert expected in text, expected


@pytest.mark.parametrize("which", ["agreement", "certificate"])
def test_every_font_of_every_pdf_is_embedded(loan, which):
    data = loan.agreement.file.read() if which == "agreement" else render_certificate(loan)
    fonts = _fonts(data)
    assert fonts and all(font["embedded"] for font in fonts), fonts
    assert any("LunarShareSansSC" in font["name"] for font in fonts)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is installed in CI (.ci/run)")
def test_poppler_reads_the_chinese_without_an_asian_font_pack(loan, tmp_path):
    path = tmp_path / "agreement.pdf"
    path.write_bytes(loan.agreement.file.read())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "月球样品借用协议" in text and "科隆大学" in text
