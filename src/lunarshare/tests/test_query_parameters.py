"""Integer and list query parameters go through one parser: accepted, or a 400 that names the
parameter — never a 500 (``str.isdigit()`` says yes to “²”, which ``int()`` refuses)."""

import pytest
from django.http import QueryDict

from lunarshare.errors import ValidationFailed
from lunarshare.permissions import parse_id, query_int, query_int_list
from lunarshare.testing.factories import MissionFactory

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/datasets/", "/api/v1/measurements/", "/api/v1/publications/", "/api/v1/samples/",
         "/api/v1/rounds/", "/api/v1/institutions/"]


@pytest.mark.parametrize("url", LISTS)
def test_a_list_accepts_a_page_number_in_arabic_indic_digits(client, url):
    response = client.get(url, {"page": "١"})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("url", LISTS)
def test_a_superscript_page_number_is_a_clear_400_not_a_500(client, url):
    response = client.get(url, {"page": "²"})
    assert response.status_code == 400, response.content
    assert "page" in response.json()["message"]


@pytest.mark.parametrize("url,param", [("/api/v1/datasets/", "loan"), ("/api/v1/measurements/", "dataset"),
                                       ("/api/v1/publications/", "loan"), ("/api/v1/compare/", "points_limit")])
@pytest.mark.parametrize("value", ["²", "x", "-1", "9" * 30])
def test_integer_filters_answer_400_naming_the_parameter(client, url, param, value):
    response = client.get(url, {param: value, "property": "TiO2"})
    assert response.status_code == 400, response.content
    assert param in response.json()["message"]


def test_the_applications_round_filter_answers_400_for_a_superscript(api_as, people):
    response = api_as(people.alice).get("/api/v1/applications/", {"round": "²"})
    assert response.status_code == 400 and "round" in response.json()["message"]


def test_compare_takes_a_list_of_missions_and_non_ascii_digits(client):
    MissionFactory(code="A12"), MissionFactory(code="A15")
    response = client.get("/api/v1/compare/", {"missions": "A12,A15", "property": "TiO2", "points_limit": "٥"})
    assert response.status_code == 200, response.content
    assert [series["mission"] for series in response.json()["missions"]] == ["A12", "A15"]


def test_the_compare_csv_sets_its_own_points_limit_and_ignores_a_hostile_one(client):
    MissionFactory(code="A12")
    response = client.get("/en/compare/data.csv", {"missions": "A12", "property": "TiO2", "points_limit": "²"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_the_parser():
    params = QueryDict("page=%D9%A3&ids=1,2&ids=3&bad=%C2%B2&empty=")
    assert query_int(params, "page") == 3
    assert query_int(params, "empty", 7) == 7 and query_int(params, "absent") is None
    assert query_int_list(params, "ids") == [1, 2, 3]
    with pytest.raises(ValidationFailed, match="bad"):
        query_int(params, "bad")
    with pytest.raises(ValidationFailed, match="ids"):
        query_int_list(QueryDict("ids=1,x"), "ids")
    assert parse_id("²") is None and parse_id("٣") == 3 and parse_id(str(2**63)) is None


def test_a_superscript_reviewer_id_on_the_officer_form_is_a_message_not_a_500(client, people):
    from lunarshare.programs.tests.factories import make_application, make_round

    application = make_application(people.alice, make_round(), status="under_review")
    client.force_login(people.officer)
    response = client.post(f"/en/applications/{application.pk}/action/", {"action": "assign_reviewer", "reviewer": "²"},
                           follow=True)
    assert response.status_code == 200 and "Choose a reviewer." in response.content.decode()
