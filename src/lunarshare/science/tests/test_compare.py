"""The comparison: per-mission statistics from data (canonical units), scatter, findings, CSV, bad input."""

import pytest

from lunarshare.science.selectors import compare, parse_missions, scatter
from lunarshare.science.services import dataset_release

from .factories import basalts, make_dataset, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(people):
    basalts()
    dataset = make_dataset(people.curator)
    upload(people.curator, dataset,
           "12022,Ar-Ar age,3.18,Ga,0.04,2s,", "12063,Rb-Sr age,3200,Ma,30,1s,", "15016,Rb-Sr age,3.29,Ga,,,",
           "CE5C0000YJYX048,Pb-Pb age,2040,Ma,22,2s,SIMS",
           "12022,TiO2,4.54,wt%,,,", "12063,TiO2,5.0,wt%,,,", "CE5C0000YJYX048,TiO2,3.78,wt%,1.01,unstated,")
    dataset_release(actor=people.curator, dataset=dataset)
    return dataset


def test_it_computes_count_min_median_max_in_the_canonical_unit(released):
    result = compare(None, missions=parse_missions("A12,A15,CE5"), property="age")
    a12, a15, ce5 = result.series
    assert (a12.count, a12.min, a12.median, a12.max) == (2, 3.18, 3.19, 3.2)
    assert (a15.count, a15.median) == (1, 3.29)
    assert (ce5.count, ce5.max) == (1, 2.04) and result.unit == "Ga"
    assert [(p["sample"], p["value"], p["uncertainty"]) for p in ce5.points] == [("CE5C0000YJYX048", 2.04, 0.022)]


def test_it_finds_from_the_data_that_one_mission_lies_below_all_others(released):
    result = compare(None, missions=parse_missions("A12,A15,CE5"), property="age")
    assert [(f["code"], f["max"], f["others_min"]) for f in result.below_all_others()] == [("CE5", 2.04, 3.18)]
    assert compare(None, missions=parse_missions("A12,CE5"), property="TiO2").below_all_others() == [
        {"code": "CE5", "name": "Chang'e-5", "max": 3.78, "others_min": 4.54, "others_min_mission": "A12",
         "others_min_name": "Apollo 12", "others": ["A12"]}]


def test_points_are_capped_but_statistics_cover_every_value(released):
    a12 = compare(None, missions=parse_missions("A12"), property="age", points_limit=1).series[0]
    assert a12.count == 2 and len(a12.points) == 1 and a12.points_truncated


def test_a_scatter_pairs_two_properties_per_sample(released):
    result = scatter(None, missions=parse_missions("A12,CE5"), property_x="TiO2", property_y="age")
    points = {(s.code, p.sample): (p.x, p.y) for s in result.series for p in s.points}
    assert points == {("A12", "12022"): (4.54, 3.18), ("A12", "12063"): (5.0, 3.2), ("CE5", "CE5C0000YJYX048"): (3.78, 2.04)}
    assert (result.unit_x, result.unit_y) == ("wt%", "Ga")


def test_the_api_answers_the_contract(api_as, released):
    body = api_as(None).get("/api/v1/compare/", {"missions": "A12,A15,CE5", "property": "age"}).json()
    first = body["missions"][0]
    assert {"mission", "count", "min", "median", "max", "points"} <= set(first)
    assert set(first["points"][0]) >= {"sample", "value", "uncertainty"}
    scatter_body = api_as(None).get("/api/v1/compare/", {"missions": "A12", "property_x": "TiO2",
                                                         "property_y": "age"}).json()
    assert scatter_body["missions"][0]["count"] == 2


def test_the_csv_export_lists_every_point(api_as, released):
    response = api_as(None).get("/api/v1/compare/", {"missions": "A12,CE5", "property": "age", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("mission,sample,property,value (Ga)") and len(lines) == 4


@pytest.mark.parametrize("query", [{"missions": "A12,XX", "property": "age"}, {"missions": "", "property": "age"},
                                   {"missions": "A12", "property": "unobtainium"}, {"missions": "A12"},
                                   {"missions": "A12", "property_x": "TiO2"},
                                   {"missions": "A12", "property": "age", "points_limit": "-1"},
                                   {"missions": "A12", "property": "age", "points_limit": "99999999999999"}])
def test_bad_queries_get_a_400_with_a_message(api_as, released, query):
    response = api_as(None).get("/api/v1/compare/", query)
    assert response.status_code == 400 and response.json()["message"]


def test_the_page_works_without_javascript(client, released):
    page = client.get("/en/compare/", {"missions": ["A12", "A15", "CE5"], "property": "age"}).content.decode()
    assert 'id="compare-table"' in page and "CE5C0000YJYX048" in page and "younger" in page
    assert "/en/compare/data.csv?" in page
