"""Embargoed data are seen by the loan's team, curators, officers and auditors only — on every
surface: selectors, pages, API list and detail, measurements, compare (JSON and CSV), dataset
exports, DataCite metadata, search and the public statistics."""

import pytest
from django.urls import reverse

from lunarshare.science.selectors import (
    datasets_visible_to,
    measurements_visible_to,
    public_science_counts,
)
from lunarshare.science.services import dataset_release

from .factories import basalts, make_dataset, make_loan, upload

pytestmark = pytest.mark.django_db

SEES_EMBARGOED = {"alice": True, "curator": True, "officer": True, "auditor": True,
                  "bob": False, "reviewer": False, "committee": False, "anonymous": False}


@pytest.fixture
def data(people):
    basalts()
    loan = make_loan(people)
    secret = make_dataset(people.alice, loan=loan, title="Embargoed CE-5 ages")
    upload(people.alice, secret, "CE5C0000YJYX048,Pb-Pb age,2040,Ma,22,2s,SIMS")
    open_ = make_dataset(people.curator, title="Released Apollo ages")
    upload(people.curator, open_, "12022,Ar-Ar age,3.18,Ga,0.04,2s,", "15016,Rb-Sr age,3.29,Ga,0.05,2s,")
    dataset_release(actor=people.curator, dataset=open_)
    return {"secret": secret, "open": open_}


def who(people, name):
    return None if name == "anonymous" else getattr(people, name)


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


ROLES = sorted(SEES_EMBARGOED)


@pytest.mark.parametrize("name", ROLES)
def test_the_selectors_decide_who_sees_embargoed_data(people, data, name):
    user = who(people, name)
    expected = SEES_EMBARGOED[name]
    assert datasets_visible_to(user).filter(pk=data["secret"].pk).exists() is expected
    assert datasets_visible_to(user).filter(pk=data["open"].pk).exists()
    assert measurements_visible_to(user).filter(dataset=data["secret"]).exists() is expected
    assert measurements_visible_to(user).filter(dataset=data["open"]).count() == 2


@pytest.mark.parametrize("name", ROLES)
def test_the_dataset_pages_and_exports_hide_embargoed_data(client, people, data, name):
    client = client_for(client, who(people, name))
    expected = SEES_EMBARGOED[name]
    for url_name in ("science:dataset-detail", "science:dataset-datacite", "science:dataset-csv"):
        response = client.get(reverse(url_name, args=[data["secret"].pk]))
        assert response.status_code == (200 if expected else 404), url_name
        assert client.get(reverse(url_name, args=[data["open"].pk])).status_code == 200
    listing = client.get(reverse("science:dataset-list")).content.decode()
    assert ("Embargoed CE-5 ages" in listing) is expected and "Released Apollo ages" in listing
    search = client.get(reverse("science:dataset-list"), {"q": "CE-5"}).content.decode()
    assert ("Embargoed CE-5 ages" in search) is expected


@pytest.mark.parametrize("name", ROLES)
def test_the_api_hides_embargoed_data_from_lists_details_and_counts(api_as, people, data, name):
    api = api_as(who(people, name))
    expected = SEES_EMBARGOED[name]
    listing = api.get("/api/v1/datasets/").json()
    assert listing["count"] == (2 if expected else 1)
    assert api.get(f"/api/v1/datasets/{data['secret'].pk}/").status_code == (200 if expected else 404)
    assert api.get(f"/api/v1/datasets/{data['secret'].pk}/datacite/").status_code == (200 if expected else 404)
    measurements = api.get("/api/v1/measurements/", {"mission": "CE5"}).json()
    assert measurements["count"] == (1 if expected else 0)


@pytest.mark.parametrize("name", ROLES)
def test_compare_and_its_csv_count_only_visible_data(client, api_as, people, data, name):
    expected = SEES_EMBARGOED[name]
    body = api_as(who(people, name)).get("/api/v1/compare/", {"missions": "A12,A15,CE5", "property": "age"}).json()
    counts = {m["mission"]: m["count"] for m in body["missions"]}
    assert counts == {"A12": 1, "A15": 1, "CE5": 1 if expected else 0}
    csv_text = api_as(who(people, name)).get("/api/v1/compare/", {"missions": "CE5", "property": "age",
                                                                  "format": "csv"}).content.decode()
    assert ("CE5C0000YJYX048" in csv_text) is expected
    client = client_for(client, who(people, name))
    page_csv = client.get(reverse("science:compare-csv"), {"missions": ["A12", "CE5"], "property": "age"})
    assert ("CE5C0000YJYX048" in page_csv.content.decode()) is expected
    page = client.get(reverse("science:compare"), {"missions": ["A12", "CE5"], "property": "age"}).content.decode()
    assert ("CE5C0000YJYX048" in page) is expected


def test_public_statistics_count_released_data_only(people, data):
    counts = public_science_counts()
    assert counts["datasets"] == 1 and counts["measurements"] == 2
    assert counts["measurements_by_mission"] == {"A12": 1, "A15": 1}
    dataset_release(actor=people.officer, dataset=data["secret"])
    assert public_science_counts()["measurements_by_mission"] == {"A12": 1, "A15": 1, "CE5": 1}


def test_a_released_dataset_becomes_visible_to_everyone(api_as, people, data):
    dataset_release(actor=people.officer, dataset=data["secret"])
    assert api_as(None).get(f"/api/v1/datasets/{data['secret'].pk}/").status_code == 200
    assert api_as(people.bob).get("/api/v1/measurements/", {"mission": "CE5"}).json()["count"] == 1
