"""The home page says what the agency offers: open rounds, latest results, the collection in
figures and how to apply — in both languages."""

import datetime

import pytest
from django.utils import timezone

from lunarshare.testing.factories import MissionFactory, make_sample

pytestmark = pytest.mark.django_db


def _round(code, status, *, opens, closes, published=None, title_zh=""):
    from lunarshare.programs.models import Round

    return Round.objects.create(
        code=code, title_en=f"Round {code}", title_zh=title_zh, status=status, opens_at=opens, closes_at=closes,
        results_published_at=published,
    )


def test_it_shows_the_collection_in_figures_with_mass_by_mission(client):
    ce5 = MissionFactory(code="CE5", name_zh="嫦娥五号", returned_mass_ug=1_731_000_000,
                         landing_date=datetime.date(2020, 12, 17))
    make_sample(identifier="CE5C0400YJFM00505", mission=ce5, mass_ug=1_500_000_000)
    make_sample(identifier="CE5C0400YJFM00901", mission=ce5, mass_ug=500_000)
    english = client.get("/en/").content.decode()
    assert "1,500.5 g" in english  # held in store, summed over samples, digits grouped
    assert "1,731 g" in english  # returned as published
    assert "17 Dec 2020" in english
    chinese = client.get("/zh-hans/").content.decode()
    assert "嫦娥五号" in chinese and "2020年12月17日" in chinese and "1,500.5 g" in chinese
    assert "馆藏数据一览" in chinese


def test_it_lists_open_rounds_and_published_results(client):
    from lunarshare.programs.models import RoundStatus

    now = timezone.now()
    _round("ce6-intl-1", RoundStatus.OPEN, opens=now - datetime.timedelta(days=3),
           closes=now + datetime.timedelta(days=20), title_zh="嫦娥六号国际第一批")
    _round("ce5-intl-1", RoundStatus.PUBLISHED, opens=now - datetime.timedelta(days=400),
           closes=now - datetime.timedelta(days=350), published=now - datetime.timedelta(days=10))
    _round("draft", RoundStatus.DRAFT, opens=now, closes=now + datetime.timedelta(days=30))
    page = client.get("/en/").content.decode()
    assert "Round ce6-intl-1" in page and "Applications close on" in page
    assert "Round ce5-intl-1" in page and "Results published on" in page
    assert "Round draft" not in page
    chinese = client.get("/zh-hans/").content.decode()
    assert "嫦娥六号国际第一批" in chinese  # bilingual title
    assert "Round ce5-intl-1" in chinese  # no Chinese title: falls back to English


def test_it_says_so_when_no_round_is_open(client):
    page = client.get("/en/").content.decode()
    assert "No round is open for applications at the moment." in page
    assert "No results have been announced yet." in page


def test_it_explains_how_to_apply_in_seven_steps(client):
    page = client.get("/zh-hans/").content.decode()
    for step in ("批次开放", "提交申请", "形式审查", "专家评审", "决定", "协议", "样品交接"):
        assert step in page
    assert 'id="how-to-apply"' in page


def test_the_menu_marks_the_page_or_else_the_longest_section_it_is_in():
    from lunarshare.web.context_processors import _mark_current

    menu = {"main": [{"url": "/en/catalogue/"}, {"url": "/en/catalogue/missions/"}, {"url": "/en/rules/"}], "work": []}
    _mark_current(menu, "/en/catalogue/missions/CE5/")
    assert [item["current"] for item in menu["main"]] == ["", "section", ""]
    _mark_current(menu, "/en/catalogue/")
    assert [item["current"] for item in menu["main"]] == ["page", "", ""]
    _mark_current(menu, "/en/")
    assert [item["current"] for item in menu["main"]] == ["", "", ""]


def test_its_figures_are_those_of_the_statistics_page(client):
    from lunarshare.insights.selectors import compute_statistics

    ce6 = MissionFactory(code="CE6", name_zh="嫦娥六号")
    make_sample(identifier="CE6C0100YJFM00101", mission=ce6, mass_ug=150_000_000)
    response = client.get("/en/")
    expected = compute_statistics()["totals"]
    assert response.context["totals"]["samples"] == expected["samples"] == 1
    assert response.context["totals"]["held_ug"] == expected["held_ug"] == 150_000_000
    assert "150 g" in response.content.decode()
