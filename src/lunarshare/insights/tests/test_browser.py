"""A visitor reads the statistics page: the charts draw, and the figures in the tables beside
them equal those computed from the database here."""

import pytest

from lunarshare.catalog.models import LedgerEntry, Sample
from lunarshare.insights import selectors
from lunarshare.mass import format_mass, format_mass_brief

pytestmark = pytest.mark.django_db(transaction=True)


def _cells(page, table: str, first_cell: str) -> list[str]:
    row = page.locator(f"#table-{table} tbody tr").filter(has=page.locator("th", has_text=first_cell))
    return [text.strip() for text in row.locator("th, td").all_inner_texts()]


def test_a_visitor_reads_the_statistics_and_they_match_the_database(page, world):
    page.goto(f"{page.base_url}/en/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Statistics").click()
    # A function, not a string: the site's CSP forbids eval, which a string predicate needs.
    page.wait_for_function("() => window.LunarShareStatisticsCharts && Object.keys(window.LunarShareStatisticsCharts).length === 7")
    assert page.get_by_role("heading", level=1).inner_text() == "Statistics"

    a11 = _cells(page, "mass-by-mission", world.a11.name)
    held = sum(Sample.objects.filter(mission=world.a11, holder_institution__isnull=True)
               .exclude(status__in=["lost", "deaccessioned", "consumed"]).values_list("mass_ug", flat=True))
    consumed = -sum(LedgerEntry.objects.filter(sample__mission=world.a11, kind="consumption").values_list("delta_ug", flat=True))
    assert a11[3] == format_mass_brief(held) and a11[6] == format_mass_brief(consumed)

    germany = _cells(page, "loans-by-country", "DE")
    assert germany[1:] == ["Germany", "1", "1", format_mass(200_000)]
    assert page.locator("#table-loans-by-country").get_by_text("Japan").count() == 0  # unpublished round
    assert page.locator('[data-total="measurements"]').inner_text() == "3"  # the embargoed 5 are left out
    assert _cells(page, "applications-per-round", "Demo round one")[6] == "50.0 %"

    with page.expect_download() as download:
        page.get_by_role("link", name="Download “Publications per year” as CSV").click()
    lines = open(download.value.path(), encoding="utf-8-sig").read().splitlines()
    assert lines[1:] == ["2024,2", "2025,1"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_table_fits_at_1280_px_and_scrolls_inside_its_region_at_390_px(page, world, language):
    page.goto(f"{page.base_url}/{language}/statistics/")
    page.wait_for_function("() => window.LunarShareStatisticsCharts")
    sizes = page.evaluate("""[...document.querySelectorAll('.table-scroll')].map(e => [e.querySelector('table').id,
                             e.scrollWidth, e.clientWidth])""")
    assert len(sizes) == 7 and all(scroll <= client for _id, scroll, client in sizes), sizes
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself never scrolls sideways
    for table_id, _scroll, _client in sizes:
        region = page.locator(f".table-scroll:has(#{table_id})")
        box = region.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, table_id
        if region.evaluate("e => e.scrollWidth > e.clientWidth + 1"):
            assert region.get_attribute("tabindex") == "0"  # keyboard users can scroll it
        # scrolled to its end, the last column is inside the region: nothing is clipped away
        region.evaluate("e => e.scrollLeft = e.scrollWidth")
        last = page.locator(f"#{table_id} thead th").last.bounding_box()
        assert last["x"] + last["width"] <= box["x"] + box["width"] + 1, table_id


def test_the_mass_chart_colours_one_figure_each_as_its_legend_says_and_the_table_adds_up(page, world):
    page.goto(f"{page.base_url}/en/statistics/")
    page.wait_for_function("() => window.LunarShareStatisticsCharts")
    datasets = page.evaluate("""(() => { const c = window.LunarShareStatisticsCharts['mass-by-mission'];
        const legend = c.options.plugins.legend.labels.generateLabels(c);
        return c.data.datasets.map((d, i) => ({label: d.label, colour: d.backgroundColor,
                                               legendText: legend[i].text, legendColour: legend[i].fillStyle})); })()""")
    assert [d["label"] for d in datasets] == ["Held in store", "On loan now", "Reserved or lent, not yet announced",
                                               "Consumed", "Lost", "Given as gifts", "Other changes"]
    assert all(isinstance(d["colour"], str) and d["colour"] == d["legendColour"] and d["label"] == d["legendText"]
               for d in datasets)  # one colour per figure, not per mission
    assert len({d["colour"] for d in datasets}) == len(datasets)
    ce5 = next(r for r in selectors.mass_by_mission() if r["mission"] == "CE5")
    cells = _cells(page, "mass-by-mission", world.ce5.name)
    assert cells[2:] == [format_mass_brief(ce5[k]) for k in ("registered_ug", *selectors.BALANCE)]
    assert ce5["registered_ug"] == sum(ce5[k] for k in selectors.BALANCE)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_countries_reached_are_counted_as_the_published_results_count_them(page, world, people, language):
    from lunarshare.programs.selectors import round_results

    results = round_results(world.published)
    page.goto(f"{page.base_url}/{language}/statistics/")
    assert page.locator('[data-total="countries"]').inner_text() == "2"  # Germany (awarded) and the USA (loan by hand)
    assert page.locator('[data-total="institutions"]').inner_text() == "2"
    row = _cells(page, "applications-per-round", "Demo round one")
    assert row[7:9] == [str(results.institutions_count), str(results.countries_count)]
