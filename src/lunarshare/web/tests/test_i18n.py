"""English and Simplified Chinese: URL prefixes, the browser's language, the switcher, bilingual
content and translated API errors."""

import pytest
from django.template import Context, Template
from django.utils import translation

from lunarshare.testing.factories import InstitutionFactory, MissionFactory

pytestmark = pytest.mark.django_db


def test_the_root_sends_an_english_browser_to_the_english_site(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


@pytest.mark.parametrize("header", ["zh-CN,zh;q=0.9", "zh-Hans", "zh", "zh-SG,en;q=0.5"])
def test_the_root_sends_a_chinese_browser_to_the_chinese_site(client, header):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response["Location"] == "/zh-hans/"


def test_an_unknown_language_falls_back_to_english(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="xx-YY")["Location"] == "/en/"


def test_each_prefix_serves_its_language(client):
    english = client.get("/en/").content.decode()
    chinese = client.get("/zh-hans/").content.decode()
    assert '<html lang="en"' in english and "Lunar samples for science" in english
    assert '<html lang="zh-hans"' in chinese and "月球样品，服务科学" in chinese
    assert "Lunar samples for science" not in chinese


def test_the_switcher_keeps_the_page_and_remembers_the_choice(client):
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/en/?x=1"})
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/?x=1"
    # The choice outlives the browser's own preference.
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/zh-hans/"


def test_every_page_links_to_itself_in_the_other_language(client):
    page = client.get("/zh-hans/").content.decode()
    assert '<link rel="alternate" hreflang="en" href="/en/">' in page
    assert '<link rel="alternate" hreflang="zh-hans" href="/zh-hans/">' in page
    assert 'name="language" value="en" lang="en"' in page
    assert 'value="zh-hans" lang="zh-hans" aria-pressed="true"' in page


def test_bilingual_fields_show_the_active_language_and_fall_back_to_the_other():
    institution = InstitutionFactory(name_en="University of Cologne", name_zh="科隆大学")
    english_only = InstitutionFactory(name_en="Stony Brook University", name_zh="")
    template = Template('{% bilingual a "name" %}|{% bilingual b "name" %}|{{ a.name }}')
    context = Context({"a": institution, "b": english_only})
    with translation.override("zh-hans"):
        assert template.render(context) == "科隆大学|Stony Brook University|科隆大学"
    with translation.override("en"):
        assert template.render(context) == "University of Cologne|Stony Brook University|University of Cologne"
    chinese_only = MissionFactory(code="CE6", name_en="", name_zh="嫦娥六号")
    with translation.override("en"):
        assert chinese_only.name == "嫦娥六号"


def test_a_domain_error_from_the_api_is_in_chinese_for_a_chinese_client(api_as):
    response = api_as(None).get("/api/v1/compare/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response.status_code == 400
    assert response.json()["message"] == "请至少选择一次任务（例如 missions=A12,A15,CE5）。"
    response = api_as(None).get("/api/v1/compare/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"] == "Choose at least one mission (e.g. missions=A12,A15,CE5)."


def test_a_validation_error_from_the_api_is_in_chinese_for_a_chinese_client(api_as, people):
    response = api_as(people.alice).post("/api/v1/publications/", {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["extra"]["fields"]["title"] == ["该字段是必填项。"]
    assert "该字段是必填项。" in body["message"]


def test_country_names_the_library_lacks_are_translated_by_us():
    from django_countries import countries

    with translation.override("zh-hans"):
        assert countries.name("TR") == "土耳其"
        assert countries.name("DE") == "德国"


def test_an_authentication_error_from_the_api_is_in_chinese_for_a_chinese_client(api_as):
    response = api_as(None).post("/api/v1/publications/", {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code in (401, 403)
    assert response.json()["message"] == "身份认证信息未提供。"


def test_malformed_json_is_refused_in_chinese_for_a_chinese_client(api_as, people):
    response = api_as(people.alice).generic(
        "POST", "/api/v1/publications/", "{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("请求正文不是有效的 JSON")


def test_a_link_without_prefix_opens_in_the_browsers_language(client):
    response = client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.8")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/statistics/"
    assert client.get("/statistics/", HTTP_ACCEPT_LANGUAGE="de-DE,en;q=0.5")["Location"] == "/en/statistics/"
