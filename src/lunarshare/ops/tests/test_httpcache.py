"""Public answers carry validators from the audit chain head and may be kept briefly by a CDN;
anything shown to a logged-in person, or holding a CSRF token, is private."""

import pytest
from django.test import Client

from lunarshare import audit

pytestmark = pytest.mark.django_db


def test_a_public_page_is_cacheable_and_revalidates_with_304(client):
    audit.record(actor=None, verb="test.something_changed")
    first = client.get("/en/samples/")
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in first["Vary"] and first["Last-Modified"]
    assert b"csrfmiddlewaretoken" not in first.content and not first.cookies
    again = client.get("/en/samples/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get("/en/samples/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_an_audited_change_gives_a_new_etag(client):
    first = client.get("/en/samples/")
    audit.record(actor=None, verb="test.something_changed")
    after = client.get("/en/samples/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]


def test_the_other_language_has_its_own_etag(client):
    english, chinese = client.get("/en/samples/"), client.get("/zh-hans/samples/")
    assert english["ETag"] != chinese["ETag"]
    assert client.get("/zh-hans/samples/", HTTP_IF_NONE_MATCH=english["ETag"]).status_code == 200


def test_the_public_api_answers_304_too(client):
    first = client.get("/api/v1/missions/")
    assert first.status_code == 200 and first["Cache-Control"] == "public, max-age=60"
    assert client.get("/api/v1/missions/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_logged_in_persons_page_is_private_and_never_304(client, people):
    client.force_login(people.alice)
    anonymous_etag = Client().get("/en/samples/")["ETag"]
    response = client.get("/en/samples/", HTTP_IF_NONE_MATCH=anonymous_etag)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_a_token_client_is_private(api_client, people):
    from lunarshare.accounts.services import token_create

    _token, key = token_create(actor=people.alice, name="cache test", second_factor=False)
    response = api_client.get("/api/v1/missions/", HTTP_AUTHORIZATION=f"Token {key}")
    assert "private" in response["Cache-Control"] and not response.has_header("ETag")


def test_a_page_with_a_csrf_token_is_private(client):
    response = client.get("/en/accounts/login/")
    assert response.status_code == 200 and b"csrfmiddlewaretoken" in response.content
    assert "private" in response["Cache-Control"] and not response.has_header("ETag")


def test_writes_are_never_answered_from_a_validator(client, people):
    etag = client.get("/en/samples/")["ETag"]
    response = client.post("/en/samples/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code != 304


def test_the_language_switch_works_without_a_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/i18n/setlang/", {"language": "zh-hans", "next": "/en/samples/"})
    assert response.status_code == 302 and response["Location"] == "/zh-hans/samples/"


class TestPageCache:
    @pytest.fixture(autouse=True)
    def _on(self, settings):
        from django.core.cache import cache

        settings.LUNARSHARE_PAGE_CACHE_SECONDS = 300
        cache.clear()
        yield
        cache.clear()

    def test_the_next_visitor_gets_the_kept_page_without_the_view_running(self, client, monkeypatch):
        first = client.get("/en/samples/")
        monkeypatch.setattr("lunarshare.catalog.views.render", lambda *a, **k: 1 / 0)  # the view must not run
        again = client.get("/en/samples/")
        assert again.status_code == 200 and again.content == first.content
        assert again["ETag"] == first["ETag"] and again["Cache-Control"] == "public, max-age=60"

    def test_an_audited_change_replaces_the_kept_page(self, client):
        from lunarshare.testing.factories import MissionFactory

        before = client.get("/en/missions/").content.decode()
        mission = MissionFactory(code="XX9", name_en="Test mission nine")
        audit.record(actor=None, verb="test.mission_added", obj=mission)
        after = client.get("/en/missions/").content.decode()
        assert "Test mission nine" not in before and "Test mission nine" in after

    def test_each_language_and_query_is_kept_apart(self, client):
        english, chinese = client.get("/en/samples/"), client.get("/zh-hans/samples/")
        assert english.content != chinese.content
        assert client.get("/zh-hans/samples/").content == chinese.content

    def test_a_logged_in_person_never_gets_the_kept_page(self, client, people):
        Client().get("/en/samples/")  # an anonymous visit keeps the page
        client.force_login(people.alice)
        page = client.get("/en/samples/").content.decode()
        assert 'class="whoami"' in page and str(people.alice) in page and "private" in client.get("/en/samples/")["Cache-Control"]


def test_a_public_page_is_kept_per_viewer_time_zone(client, settings):
    """Pages show times in the viewer's zone (tz cookie): a page kept for one zone is never
    replayed to a viewer in another, and their validators differ."""
    settings.LUNARSHARE_PAGE_CACHE_SECONDS = 300
    utc = client.get("/en/results/")
    client.cookies["tz"] = "Asia/Shanghai"
    shanghai = client.get("/en/results/")
    assert utc["ETag"] != shanghai["ETag"]
    assert "Times are shown in Asia/Shanghai" in shanghai.content.decode()
    assert "Times are shown in UTC" in utc.content.decode()
