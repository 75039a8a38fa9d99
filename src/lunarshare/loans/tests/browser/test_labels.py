"""Shipping labels scan: the QR code renders at 30 mm, whole, and a decoder reads from the
rendered page the identifier and the absolute URL of the sample's page, in both languages and
in both print layouts."""

import io

import pytest
import zxingcpp
from PIL import Image

from lunarshare.loans.tests.factories import allocated_loan
from lunarshare.testing.helpers import browser_login

MM = 96 / 25.4  # CSS pixels per millimetre


def decode(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
            if result.format == zxingcpp.BarcodeFormat.QRCode]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_label_qr_is_30_mm_and_decodes_to_identifier_and_page_url(page, people, language):
    loan = allocated_loan(people)
    sample = loan.items.select_related("sample").first().sample
    browser_login(page, "cura", language=language)
    page.goto(f"{page.base_url}/{language}/loans/{loan.pk}/labels/")
    qr = page.locator(f'.label[data-identifier="{sample.identifier}"] svg.qr')
    box = qr.bounding_box()
    assert box["width"] == pytest.approx(30 * MM, abs=1) and box["height"] == pytest.approx(30 * MM, abs=1)
    expected = f"{sample.identifier}\n{page.base_url}/{language}/samples/{sample.identifier}/"
    assert decode(qr.screenshot()) == [expected]
    # the whole label, text beside the code, also decodes (nothing overlaps the quiet zone)
    assert decode(page.locator(f'.label[data-identifier="{sample.identifier}"]').screenshot()) == [expected]


@pytest.mark.parametrize(("layout", "label_mm"), [("a4", (99.1, 38.1)), ("roll", (62, 45))])
def test_each_print_layout_keeps_the_code_whole(page, people, layout, label_mm):
    loan = allocated_loan(people, masses=(20_000, 30_000))
    browser_login(page, "cura")
    page.goto(f"{page.base_url}/en/loans/{loan.pk}/labels/?layout={layout}")
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden() and page.get_by_role("button", name="Print").is_hidden()
    labels = page.locator(".label")
    assert labels.count() == 2
    for n in range(2):
        label = labels.nth(n).bounding_box()
        assert (label["width"], label["height"]) == (pytest.approx(label_mm[0] * MM, abs=1.5),
                                                     pytest.approx(label_mm[1] * MM, abs=1.5))
        qr = labels.nth(n).locator("svg.qr").bounding_box()
        assert qr["width"] == pytest.approx(30 * MM, abs=1)
        assert qr["x"] >= label["x"] and qr["x"] + qr["width"] <= label["x"] + label["width"]
        assert qr["y"] >= label["y"] and qr["y"] + qr["height"] <= label["y"] + label["height"]
        identifier = labels.nth(n).get_attribute("data-identifier")
        assert "Powder" in labels.nth(n).inner_text()  # the form in words, not its code
        assert decode(labels.nth(n).locator("svg.qr").screenshot())[0].startswith(identifier + "\n")
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")


def test_the_layout_choice_is_offered_and_an_unknown_one_falls_back_to_a4(page, people):
    loan = allocated_loan(people)
    browser_login(page, "cura", language="zh-hans")
    page.goto(f"{page.base_url}/zh-hans/loans/{loan.pk}/labels/?layout=banana")
    assert page.locator(".labels").get_attribute("class") == "labels labels-a4"
    page.get_by_role("link", name="标签卷（宽 62 毫米）").click()
    assert page.locator(".labels").get_attribute("class") == "labels labels-roll"
    assert page.locator('.label-layouts a[aria-current="page"]').count() == 1
