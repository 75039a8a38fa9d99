"""A visitor finds the Chang'e-6 international payloads (the demo's real ones)."""

import io

import pytest

from lunarshare.cooperation import demo
from lunarshare.testing.factories import MissionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_reads_the_change_6_payloads(page):
    MissionFactory(code="CE5")
    MissionFactory(code="CE6")
    demo.load(io.StringIO())

    page.goto(f"{page.base_url}/en/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cooperation").click()
    page.get_by_role("navigation", name="Cooperation").get_by_role("link", name="International payloads").click()
    page.get_by_label("Mission").select_option(label="Chang'e-6")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table tbody tr")
    assert sorted(rows.locator("th a").all_inner_texts()) == ["DORN", "ICUBE-Q", "INRRI", "NILS"]

    page.get_by_role("link", name="DORN").click()
    facts = page.locator("dl.facts")
    assert "Centre national d'études spatiales (CNES)" in facts.inner_text()
    assert "France" in facts.inner_text() and "Mission completed" in facts.inner_text()
    assert "radon" in facts.inner_text()
