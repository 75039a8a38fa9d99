"""The compare page: the API's comma form works on the page (and the page's repeated form on the
API), each mission has its own colour-blind-safe colour and marker, a mission's single point is
drawn large and on top, the per-mission table is never clipped, and identifiers link to sample
pages — in both languages."""

import pytest

COMMA_FORM = "missions=A12,A15,CE5&property=age"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_page_accepts_the_comma_form(client, ages, language):
    response = client.get(f"/{language}/compare/?{COMMA_FORM}")
    assert response.status_code == 200
    assert [s.code for s in response.context["result"].series] == ["A12", "A15", "CE5"]
    assert client.get(f"/{language}/compare/data.csv?{COMMA_FORM}").status_code == 200
    assert "style=" not in response.content.decode()  # no inline styles (Content-Security-Policy)


@pytest.mark.django_db
def test_the_api_accepts_both_forms_and_names_an_unknown_mission(api_client, ages):
    comma = api_client.get(f"/api/v1/compare/?{COMMA_FORM}")
    repeated = api_client.get("/api/v1/compare/?missions=A12&missions=A15&missions=CE5&property=age")
    assert comma.status_code == repeated.status_code == 200
    assert [m["mission"] for m in comma.json()["missions"]] == [m["mission"] for m in repeated.json()["missions"]] \
        == ["A12", "A15", "CE5"]
    unknown = api_client.get("/api/v1/compare/?missions=A12,ZZ9&property=age")
    assert unknown.status_code == 400 and "ZZ9" in unknown.json()["message"]


def _rgb(hex_colour):
    value = hex_colour.lstrip("#")
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))


def test_every_mission_has_its_own_colour_and_marker(page, ages):
    page.goto(f"{page.base_url}/en/compare/?{COMMA_FORM}")
    page.wait_for_selector("canvas#compare-chart[data-ready=true]")
    palette = page.evaluate("""(() => { const M = window.LunarShareMissions;
        return Object.keys(M.FALLBACK).map(c => [c, M.colour(c), M.marker(c)]); })()""")
    assert len(palette) == 11
    colours = [_rgb(colour) for _code, colour, _marker in palette]
    for i, a in enumerate(colours):
        for b in colours[i + 1:]:
            assert sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5 > 60, (a, b)
    by_code = {code: (colour, marker) for code, colour, marker in palette}
    assert by_code["A15"][0].upper() != by_code["CE5"][0].upper() and by_code["A15"][1] != by_code["CE5"][1]
    assert by_code["CE5"][0].upper() == "#D55E00"  # Okabe-Ito vermillion; Apollo 15 is reddish purple


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_single_change5_point_is_large_on_top_and_inside_the_plot(page, ages, language):
    page.goto(f"{page.base_url}/{language}/compare/?{COMMA_FORM}")
    page.wait_for_selector("canvas#compare-chart[data-ready=true]")
    point = page.evaluate("""(() => { const chart = Chart.getChart('compare-chart');
        const i = 2;  // A12, A15, CE5: Chang'e-5 has one dated sample
        const d = chart.data.datasets[i], el = chart.getDatasetMeta(i).data[0], area = chart.chartArea;
        return {radius: d.pointRadius, border: d.borderWidth, order: d.order, style: d.pointStyle,
                others: chart.data.datasets.filter((o, j) => j !== i).map(o => o.order),
                inside: el.x >= area.left && el.x <= area.right && el.y >= area.top && el.y <= area.bottom}; })()""")
    assert point["radius"] >= 7 and point["border"] >= 2 and point["inside"]
    assert all(point["order"] <= other for other in point["others"])  # drawn over the crowded series


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_per_mission_table_is_whole_and_identifiers_link_to_sample_pages(page, ages, language):
    page.goto(f"{page.base_url}/{language}/compare/?{COMMA_FORM}")
    region = page.locator(".table-scroll:has(#compare-summary)")
    assert region.evaluate("e => e.scrollWidth <= e.clientWidth")
    region_box = region.bounding_box()
    last = page.locator("#compare-summary thead th").last.bounding_box()
    assert last["x"] + last["width"] <= region_box["x"] + region_box["width"]
    assert page.locator("#compare-summary tbody tr").count() == 3
    page.locator("#compare-table").get_by_role("link", name="CE5C0000YJYX048").click()
    assert "CE5C0000YJYX048" in page.get_by_role("heading", level=1).inner_text()
    assert f"/{language}/samples/CE5C0000YJYX048/" in page.url
