"""The API contract: create datasets, upload CSV (multipart or text/csv), list measurements, publications."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lunarshare.science.models import Dataset, Measurement, Publication
from lunarshare.testing.helpers import last_event

from .factories import basalts, csv_text, make_dataset, make_loan

pytestmark = pytest.mark.django_db
ROWS = ("12022,TiO2,4.54,wt%,,,XRF", "CE5C0000YJYX048,Pb-Pb age,2040,Ma,22,2s,SIMS")


def test_a_team_member_creates_a_dataset_for_the_loan(api_as, people):
    basalts()
    loan = make_loan(people)
    response = api_as(people.alice).post("/api/v1/datasets/", {
        "title": "Ti in CE-5 clasts", "loan": loan.pk, "samples": ["12022"], "licence": "CC0-1.0",
        "authors": [{"name": "Demo Applicant One", "orcid": "0000-0002-1825-0097"}], "keywords": ["Ti"],
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["loan"] == loan.pk and body["status"] == "embargoed" and body["samples"] == ["12022"]
    assert body["citation"].startswith("Demo Applicant One (")
    assert last_event("dataset.created").actor == people.alice


@pytest.mark.parametrize("payload,status", [
    ({"title": "x", "doi": "nope"}, 400), ({"title": "x", "samples": ["NOPE"]}, 400), ({"title": ""}, 400),
    ({"title": "x", "loan": 99999}, 404), ({"title": "x", "licence": "GPL"}, 400), ({"title": "x", "loan": "abc"}, 400),
    ({"title": "x", "authors": [{"name": "A", "orcid": "1234"}]}, 400), ({"title": "x", "loan": 10**20}, 400),
])
def test_bad_dataset_input_is_refused_with_a_message(api_as, people, payload, status):
    basalts()
    response = api_as(people.curator).post("/api/v1/datasets/", payload, format="json")
    assert response.status_code == status and response.json()["message"]
    assert not Dataset.objects.exists()


def test_anonymous_and_outsiders_cannot_create(api_as, people):
    loan = make_loan(people)
    assert api_as(None).post("/api/v1/datasets/", {"title": "x"}, format="json").status_code in (401, 403)
    assert api_as(people.bob).post("/api/v1/datasets/", {"title": "x", "loan": loan.pk}, format="json").status_code in (403, 404)
    assert api_as(people.alice).post("/api/v1/datasets/", {"title": "x"}, format="json").status_code == 403


def test_upload_as_text_csv_then_as_multipart_is_idempotent(api_as, people):
    basalts()
    dataset = make_dataset(people.curator)
    api = api_as(people.curator)
    url = f"/api/v1/datasets/{dataset.pk}/measurements/upload/"
    first = api.post(url, csv_text(*ROWS), content_type="text/csv")
    assert first.status_code == 200 and first.json() == {"created": 2, "updated": 0, "unchanged": 0}
    again = api.post(url, {"file": SimpleUploadedFile("m.csv", csv_text(*ROWS).encode())}, format="multipart")
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}
    assert Measurement.objects.count() == 2


def test_an_upload_with_errors_returns_each_line_and_imports_nothing(api_as, people):
    basalts()
    dataset = make_dataset(people.curator)
    response = api_as(people.curator).post(f"/api/v1/datasets/{dataset.pk}/measurements/upload/",
                                           csv_text(*ROWS, "NOPE,TiO2,1,wt%,,,", "12022,FeO,1,bogus,,,"),
                                           content_type="text/csv")
    assert response.status_code == 400
    errors = response.json()["extra"]["errors"]
    assert [(e["line"], e["column"]) for e in errors] == [(4, "sample"), (5, "unit")]
    assert not Measurement.objects.exists()


def test_an_outsider_cannot_upload_nor_find_an_embargoed_dataset(api_as, people):
    basalts()
    dataset = make_dataset(people.alice, loan=make_loan(people))
    response = api_as(people.bob).post(f"/api/v1/datasets/{dataset.pk}/measurements/upload/", csv_text(*ROWS),
                                       content_type="text/csv")
    assert response.status_code == 404 and not Measurement.objects.exists()


def test_measurements_filter_by_mission_property_and_sample(api_as, people):
    basalts()
    dataset = make_dataset(people.curator)
    api_as(people.curator).post(f"/api/v1/datasets/{dataset.pk}/measurements/upload/", csv_text(*ROWS),
                                content_type="text/csv")
    api = api_as(people.curator)
    assert api.get("/api/v1/measurements/", {"mission": "CE5"}).json()["count"] == 1
    row = api.get("/api/v1/measurements/", {"property": "age"}).json()["results"][0]
    assert (row["sample"], row["value"], row["unit"], row["value_canonical"], row["canonical_unit"]) == (
        "CE5C0000YJYX048", "2040", "Ma", 2.04, "Ga")
    assert api.get("/api/v1/measurements/", {"sample": "12022"}).json()["count"] == 1
    assert api.get("/api/v1/measurements/", {"dataset": "x"}).status_code == 400


def test_a_borrower_reports_a_publication_for_their_loan(api_as, people):
    basalts()
    loan = make_loan(people)
    response = api_as(people.alice).post("/api/v1/publications/", {
        "doi": "https://doi.org/10.1038/s41586-021-04100-2", "title": "Two-billion-year-old volcanism on the Moon",
        "year": 2021, "journal": "Nature", "loans": [loan.pk], "samples": ["12022"],
        "authors": [{"name": "Demo Author"}],
    }, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["doi"] == "10.1038/s41586-021-04100-2"
    assert last_event("publication.reported").data["loans"] == [loan.pk]
    listing = api_as(None).get("/api/v1/publications/").json()
    assert listing["count"] == 1 and listing["results"][0]["loans"] == [loan.pk]
    duplicate = api_as(people.alice).post("/api/v1/publications/", {
        "doi": "10.1038/S41586-021-04100-2", "title": "again", "year": 2021}, format="json")
    assert duplicate.status_code == 409


@pytest.mark.parametrize("payload", [{"title": "t", "year": 2021, "doi": "11.1000/x"},
                                     {"title": "t", "year": 1800}, {"title": "", "year": 2021},
                                     {"title": "t", "year": 2021, "samples": ["NOPE"]}])
def test_bad_publications_are_refused(api_as, people, payload):
    assert api_as(people.officer).post("/api/v1/publications/", payload, format="json").status_code == 400
    assert not Publication.objects.exists()


def test_an_applicant_cannot_report_for_someone_elses_loan(api_as, people):
    loan = make_loan(people)
    response = api_as(people.bob).post("/api/v1/publications/", {"title": "t", "year": 2021, "loans": [loan.pk]},
                                       format="json")
    assert response.status_code in (403, 404) and not Publication.objects.exists()


def test_publications_hide_links_to_embargoed_datasets(api_as, people):
    dataset = make_dataset(people.alice, loan=make_loan(people))
    api_as(people.alice).post("/api/v1/publications/", {"title": "t", "year": 2024, "datasets": [dataset.pk]},
                              format="json")
    assert api_as(None).get("/api/v1/publications/").json()["results"][0]["datasets"] == []
    assert api_as(people.alice).get("/api/v1/publications/").json()["results"][0]["datasets"] == [dataset.pk]
