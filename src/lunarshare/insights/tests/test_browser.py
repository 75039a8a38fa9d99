"""A visitor reads the statistics page: the charts draw, and the figures in the tables beside
them equal those computed from the database here."""

import pytest

from lunarshare.catalog.models import LedgerEntry, Sample
from lunarshare.mass import format_mass

pytestmark = pytest.mark.django_db(transaction=True)


def _cells(page, table: str, first_cell: str) -> list[str]:
    row = page.locator(f"#table-{table} tbody tr").filter(has=page.locator("th", has_text=first_cell))
    return [text.strip() for text in row.locator("th, td").all_inner_texts()]


def test_a_visitor_reads_the_statistics_and_they_match_the_database(page, world):
    page.goto(f"{page.base_url}/en/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statistics").click()
    page.wait_for_function("window.LunarShareStatisticsCharts && Object.keys(window.LunarShareStatisticsCharts).length === 7")
    assert page.get_by_role("heading", level=1).inner_text() == "Statistics"

    a11 = _cells(page, "mass-by-mission", "A11")
    held = sum(Sample.objects.filter(mission=world.a11, holder_institution__isnull=True)
               .exclude(status__in=["lost", "deaccessioned", "consumed"]).values_list("mass_ug", flat=True))
    consumed = -sum(LedgerEntry.objects.filter(sample__mission=world.a11, kind="consumption").values_list("delta_ug", flat=True))
    assert a11[4] == format_mass(held) and a11[8] == format_mass(consumed)

    germany = _cells(page, "loans-by-country", "DE")
    assert germany[1:] == ["Germany", "1", "1", format_mass(200_000)]
    assert page.locator("#table-loans-by-country").get_by_text("Japan").count() == 0  # unpublished round
    assert page.locator('[data-total="measurements"]').inner_text() == "3"  # the embargoed 5 are left out
    assert _cells(page, "applications-per-round", "Demo round one")[6] == "50.0 %"

    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Publications per year” as CSV").click()
    lines = open(download.value.path(), encoding="utf-8-sig").read().splitlines()
    assert lines[1:] == ["2024,2", "2025,1"]
