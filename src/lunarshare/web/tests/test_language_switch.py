"""A visitor switches to Chinese with the visible switcher and reads the Chang'e-6 payloads and
the statistics in Chinese."""

import pytest

from .browser_world import build_world


@pytest.mark.django_db(transaction=True)
def test_a_visitor_switches_to_chinese_and_reads_the_payloads_and_the_statistics(page):
    build_world()
    page.goto(f"{page.base_url}/en/")
    page.get_by_role("link", name="Cooperation", exact=True).first.click()
    page.get_by_role("link", name="All payloads").click()
    assert page.url.endswith("/en/cooperation/payloads/")
    assert page.get_by_role("heading", level=1).inner_text() == "International payloads"

    # The switcher: one visible button per language, named in its own language.
    switcher = page.get_by_role("button", name="中文")
    assert switcher.is_visible()
    switcher.click()
    page.wait_for_url("**/zh-hans/cooperation/payloads/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", level=1).inner_text() == "国际载荷"
    assert page.get_by_role("button", name="中文").get_attribute("aria-pressed") == "true"
    table = page.locator("main table").inner_text()
    for acronym in ("DORN", "NILS", "INRRI", "ICUBE-Q"):
        assert acronym in table
    assert "嫦娥六号" in table  # the mission's Chinese name
    assert "法国国家空间研究中心" in table or "欧洲空间局" in table  # partners in Chinese

    # Onwards through the Chinese menu to the statistics.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="统计").click()
    page.wait_for_url("**/zh-hans/statistics/")
    assert page.get_by_role("heading", level=1).inner_text() == "统计"
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert "各任务样品质量" in headings
    assert "各批次申请情况" in headings

    # The choice is remembered: the bare address now opens the Chinese site.
    page.goto(f"{page.base_url}/")
    assert page.url.endswith("/zh-hans/")
    assert page.get_by_role("heading", level=1).inner_text() == "月球样品，服务科学"
