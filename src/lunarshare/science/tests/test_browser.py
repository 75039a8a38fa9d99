"""A visitor compares Apollo and Chang'e-5 ages: sees the chart and the table, downloads the CSV."""


def test_a_visitor_compares_apollo_and_change5_ages_and_downloads_the_csv(page, ages):
    page.goto(f"{page.base_url}/en/compare/")
    for code in ("A12", "A15", "CE5"):
        page.check(f"input[name=missions][value={code}]")
    page.select_option("select[name=property]", "age")
    page.click("form.compare-form button[type=submit]")
    page.wait_for_selector("canvas#compare-chart[data-ready=true]")
    assert page.locator("#compare-summary").inner_text().count("Chang'e-5") == 1
    assert "CE5C0000YJYX048" in page.locator("#compare-table").inner_text()
    assert "younger" in page.locator(".finding").inner_text()
    assert page.locator("#download-png").is_visible()
    with page.expect_download() as download_info:
        page.click("#download-csv")
    path = download_info.value.path()
    text = open(path, encoding="utf-8").read()
    assert text.startswith("mission,sample,property,value (Ga)") and "CE5,CE5C0000YJYX048,Pb-Pb age,2.04" in text
    with page.expect_download() as png_info:
        page.click("#download-png")
    assert open(png_info.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
