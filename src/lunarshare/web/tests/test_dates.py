"""One rule for times: a round's deadline in the round's own zone (named) with the visitor's
local time beside it; every other time in the viewer's zone (named); the same date on every page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

CLOSES = datetime.datetime(2026, 12, 20, 16, 45, tzinfo=datetime.UTC)  # 21 Dec 00:45 in Shanghai
PUBLISHED = datetime.datetime(2026, 11, 30, 20, 0, tzinfo=datetime.UTC)  # 1 Dec 04:00 in Shanghai


def _rounds():
    from lunarshare.programs.models import Round, RoundStatus

    open_round = Round.objects.create(code="open", title_en="Open round", title_zh="开放批次", status=RoundStatus.OPEN,
                                      timezone="Asia/Shanghai", opens_at=CLOSES - datetime.timedelta(days=30),
                                      closes_at=CLOSES)
    published = Round.objects.create(code="done", title_en="Done round", title_zh="已公布批次",
                                     status=RoundStatus.PUBLISHED, timezone="Asia/Shanghai",
                                     opens_at=PUBLISHED - datetime.timedelta(days=90),
                                     closes_at=PUBLISHED - datetime.timedelta(days=60), results_published_at=PUBLISHED)
    return open_round, published


def test_a_deadline_reads_the_same_on_every_page_in_the_rounds_zone(time_machine):
    time_machine.move_to(CLOSES - datetime.timedelta(days=10))
    open_round, _ = _rounds()
    client = Client()
    for url in ("/en/", "/en/rounds/", f"/en/rounds/{open_round.pk}/"):
        html = client.get(url).content.decode()
        assert "21 Dec 2026, 00:45 (Asia/Shanghai)" in html, url
        assert 'datetime="2026-12-20T16:45:00+00:00" data-local' in html, url
        assert "20 Dec 2026" not in html, url
    chinese = client.get(f"/zh-hans/rounds/{open_round.pk}/").content.decode()
    assert "2026年12月21日 00:45 (Asia/Shanghai)" in chinese


@pytest.mark.parametrize(("zone", "expected"), [(None, "30 Nov 2026"), ("Asia/Shanghai", "1 Dec 2026")])
def test_an_announcement_has_the_same_date_on_the_list_and_the_result_page(zone, expected):
    _, published = _rounds()
    client = Client()
    if zone:
        client.cookies["tz"] = zone
    listing = client.get("/en/results/").content.decode()
    detail = client.get(f"/en/results/{published.pk}/").content.decode()
    home = client.get("/en/").content.decode()
    for html in (listing, detail, home):
        assert expected in html
    assert f"Times are shown in {zone or 'UTC'}" in home


def test_a_bad_time_zone_cookie_is_ignored():
    client = Client()
    client.cookies["tz"] = "../../etc/passwd"
    response = client.get("/en/")
    assert response.status_code == 200
    assert "Times are shown in UTC" in response.content.decode()


@pytest.mark.browser
@pytest.mark.parametrize(("language", "label"), [("en", "your time"), ("zh-hans", "您当地时间")])
def test_the_visitor_sees_the_deadline_in_their_own_time_too(browser, live_server, language, label):
    open_round, _ = _rounds()
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/{language}/rounds/{open_round.pk}/")
        local = page.locator(".local-time").nth(1)  # the window is "opens – closes"
        local.wait_for()
        text = local.inner_text()
        assert label in text and "17:45" in text  # 16:45 UTC is 17:45 in Berlin in December
        # The browser's zone is remembered: the next page shows other times in it, and says so.
        page.goto(f"{live_server.url}/{language}/results/")
        assert "Europe/Berlin" in page.locator("footer").inner_text()
    finally:
        context.close()
