import pytest

from lunarshare.catalog.models import Sample
from lunarshare.catalog.services import ChildSpec, sample_split
from lunarshare.catalog.tests.factories import LocationFactory
from lunarshare.testing.factories import MissionFactory, make_sample
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(people):
    ce5 = MissionFactory(code="CE5", name_zh="嫦娥五号")
    a11 = MissionFactory(code="A11")
    lot = make_sample(identifier="CE5C0400", mission=ce5, type="regolith", mass_ug=10_000_000)
    powders = sample_split(actor=people.curator, parent=lot, children=[
        ChildSpec(mass_ug=500_000, type="powder"), ChildSpec(mass_ug=20_000, type="powder")])
    soil = make_sample(identifier="10084", mission=a11, type="regolith", mass_ug=3_830_000_000, category="permanent",
                       description="Fines, unsieved")
    (split,) = sample_split(actor=people.curator, parent=soil, children=[ChildSpec(mass_ug=1_000, identifier="10084,123")])
    return {"lot": lot, "powders": powders, "soil": soil, "split": split}


class TestMissionsEndpoint:
    def test_it_lists_missions_for_anyone(self, api_as, catalogue):
        response = api_as(None).get("/api/v1/missions/")
        assert response.status_code == 200
        assert {m["code"] for m in response.json()} == {"CE5", "A11"}


class TestSampleListEndpoint:
    def test_it_is_paginated_with_count_next_results(self, api_as, catalogue):
        body = api_as(None).get("/api/v1/samples/", {"page_size": 2}).json()
        assert body["count"] == 5 and body["next"] and len(body["results"]) == 2
        assert body["results"][0]["identifier"] == "10084"

    @pytest.mark.parametrize("params, expected", [
        ({"mission": "CE5"}, ["CE5C0400", "CE5C040001", "CE5C040002"]),
        ({"type": "powder"}, ["CE5C040001", "CE5C040002"]),
        ({"category": "permanent"}, ["10084", "10084,123"]),
        ({"status": "available", "mission": "A11"}, ["10084", "10084,123"]),
        ({"parent": "CE5C0400"}, ["CE5C040001", "CE5C040002"]),
        ({"search": "ce5c04000"}, ["CE5C040001", "CE5C040002"]),
        ({"search": "10084,"}, ["10084,123"]),
        ({"search": "unsieved"}, ["10084", "10084,123"]),
        ({"min_mass_ug": 20_000, "max_mass_ug": 500_000}, ["CE5C040001", "CE5C040002"]),
    ])
    def test_it_filters(self, api_as, catalogue, params, expected):
        body = api_as(None).get("/api/v1/samples/", params).json()
        assert [s["identifier"] for s in body["results"]] == expected and body["count"] == len(expected)

    @pytest.mark.parametrize("params", [
        {"type": "cheese"}, {"status": "borrowed"}, {"min_mass_ug": "abc"}, {"max_mass_ug": str(10**30)},
        {"min_mass_ug": "-1"}, {"min_mass_ug": "1.5"}, {"page": "999"},
    ])
    def test_bad_parameters_are_a_4xx_with_a_message(self, api_as, catalogue, params):
        response = api_as(None).get("/api/v1/samples/", params)
        assert 400 <= response.status_code < 500 and response.json()["message"]


class TestSampleDetailEndpoint:
    def test_it_answers_the_contract_fields_for_an_identifier_with_a_comma(self, api_as, catalogue):
        body = api_as(None).get("/api/v1/samples/10084,123/").json()
        assert body == {"identifier": "10084,123", "uid": catalogue["split"].uid, "mission": "A11", "parent": "10084",
                        "type": "regolith", "category": "permanent", "status": "available", "initial_mass_ug": 1_000,
                        "mass_ug": 1_000, "available_mass_ug": 1_000, "description": "Fines, unsieved"}
        assert api_as(None).get("/api/v1/samples/10084%2C123/").json()["identifier"] == "10084,123"

    def test_an_unknown_identifier_is_a_404_with_a_message(self, api_as, catalogue):
        response = api_as(None).get("/api/v1/samples/99999,1/")
        assert response.status_code == 404 and "99999,1" in response.json()["message"]


class TestGenealogyEndpoint:
    def test_it_returns_ancestors_and_descendants(self, api_as, people, catalogue):
        sample_split(actor=people.curator, parent=catalogue["powders"][0], children=[ChildSpec(mass_ug=100)])
        body = api_as(None).get("/api/v1/samples/CE5C0400/genealogy/").json()
        assert body["descendants_count"] == 3
        assert [n["identifier"] for n in body["descendants"]] == ["CE5C040001", "CE5C040002"]
        assert body["descendants"][0]["children"][0]["identifier"] == "CE5C04000101"
        leaf = api_as(None).get("/api/v1/samples/CE5C04000101/genealogy/").json()
        assert [a["identifier"] for a in leaf["ancestors"]] == ["CE5C0400", "CE5C040001"]


class TestSplitEndpoint:
    URL = "/api/v1/samples/CE5C040001/split/"

    def test_a_curator_splits_and_gets_the_children(self, api_as, people, catalogue):
        response = api_as(people.curator).post(self.URL, {
            "children": [{"mass_ug": 100_000, "type": "powder"}, {"mass_ug": 50_000, "type": "powder", "identifier": "CE5C040001YJ"}],
            "reason": "allocation to round 1"}, format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert [c["identifier"] for c in body["children"]] == ["CE5C04000101", "CE5C040001YJ"]
        assert body["parent"]["mass_ug"] == 350_000
        assert sum(c["mass_ug"] for c in body["children"]) + body["parent"]["mass_ug"] == 500_000
        assert last_event("sample.split").actor == people.curator

    @pytest.mark.parametrize("who", ["alice", "reviewer", "officer", "auditor", "committee", None])
    def test_anyone_but_a_curator_gets_a_403(self, api_as, people, catalogue, who):
        client = api_as(getattr(people, who) if who else None)
        response = client.post(self.URL, {"children": [{"mass_ug": 1}]}, format="json")
        assert response.status_code == 403 and response.json()["message"]
        assert not Sample.objects.filter(parent=catalogue["powders"][0]).exists()

    @pytest.mark.parametrize("payload", [
        {"children": [{"mass_ug": 600_000}]},                      # more than the parent holds
        {"children": [{"mass_ug": 0}]},
        {"children": [{"mass_ug": -5}]},
        {"children": [{"mass_ug": 10**30}]},
        {"children": [{"mass_ug": "lots"}]},
        {"children": [{"mass_ug": 1.5}]},
        {"children": [{"mass_ug": 1, "type": "cheese"}]},
        {"children": [{"mass_ug": 1, "identifier": "CE5C040002"}]},  # taken
        {"children": [{"mass_ug": 1, "identifier": "a b"}]},
        {"children": []},
        {"children": "many"},
        {},
        [1, 2],
    ])
    def test_refusals_are_400_and_change_nothing(self, api_as, people, catalogue, payload):
        response = api_as(people.curator).post(self.URL, payload, format="json")
        assert response.status_code == 400, response.json()
        assert response.json()["message"]
        parent = Sample.objects.get(identifier="CE5C040001")
        assert parent.mass_ug == 500_000 and not parent.children.exists()

    def test_malformed_json_is_a_400(self, api_as, people, catalogue):
        response = api_as(people.curator).post(self.URL, "{not json", content_type="application/json")
        assert response.status_code == 400 and response.json()["message"]

    def test_splitting_an_unknown_sample_is_a_404(self, api_as, people, catalogue):
        response = api_as(people.curator).post("/api/v1/samples/NOPE/split/", {"children": [{"mass_ug": 1}]}, format="json")
        assert response.status_code == 404

    def test_splitting_a_reserved_sample_is_a_409(self, api_as, people, catalogue):
        api_as(people.curator).post("/api/v1/samples/CE5C040001/status/", {"status": "reserved"}, format="json")
        response = api_as(people.curator).post(self.URL, {"children": [{"mass_ug": 1}]}, format="json")
        assert response.status_code == 409 and "reserved" in response.json()["message"]


class TestOtherCuratorEndpoints:
    def test_reweigh_consume_and_move(self, api_as, people, catalogue):
        client = api_as(people.curator)
        body = client.post("/api/v1/samples/CE5C040002/reweigh/", {"measured_mass_ug": 19_990, "reason": "recalibrated"},
                           format="json").json()
        assert body["mass_ug"] == 19_990
        body = client.post("/api/v1/samples/CE5C040002/consume/", {"mass_ug": 990, "reason": "SIMS"}, format="json").json()
        assert body["mass_ug"] == 19_000
        LocationFactory(code="CAB-9")
        assert client.post("/api/v1/samples/CE5C040002/move/", {"location": "CAB-9"}, format="json").status_code == 200
        assert Sample.objects.get(identifier="CE5C040002").location.code == "CAB-9"
        assert client.post("/api/v1/samples/CE5C040002/move/", {"location": "NOWHERE"}, format="json").status_code == 404

    def test_an_applicant_cannot_reweigh(self, api_as, people, catalogue):
        response = api_as(people.alice).post("/api/v1/samples/CE5C040002/reweigh/", {"measured_mass_ug": 1, "reason": "x"},
                                             format="json")
        assert response.status_code == 403

    def test_the_schema_is_valid(self, api_as):
        response = api_as(None).get("/api/schema/")
        assert response.status_code == 200 and b"/api/v1/samples/{identifier}/split/" in response.content


class TestLedgerAndCustodyEndpoints:
    def test_the_ledger_lists_every_mass_change(self, api_as, catalogue):
        body = api_as(None).get("/api/v1/samples/CE5C0400/ledger/").json()
        assert [(e["kind"], e["delta_ug"], e["counterpart"]) for e in body["results"]] == [
            ("register", 10_000_000, None), ("split_out", -500_000, "CE5C040001"), ("split_out", -20_000, "CE5C040002")]

    def test_custody_hides_storage_from_the_public_but_not_from_auditors(self, api_as, people, catalogue):
        LocationFactory(code="CAB-1")
        api_as(people.curator).post("/api/v1/samples/CE5C0400/move/", {"location": "CAB-1"}, format="json")
        public = api_as(None).get("/api/v1/samples/CE5C0400/custody/").json()["results"]
        assert [e["kind"] for e in public] == ["registered", "moved"] and public[1]["to_location"] is None
        audited = api_as(people.auditor).get("/api/v1/samples/CE5C0400/custody/").json()["results"]
        assert audited[1]["to_location"] == "CAB-1"
        assert api_as(None).get("/api/v1/samples/NOPE/ledger/").status_code == 404
