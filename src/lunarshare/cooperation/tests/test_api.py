import datetime

import pytest

from lunarshare.testing.factories import MissionFactory, make_sample

from .factories import make_agreement, make_partner, make_payload

pytestmark = pytest.mark.django_db


class TestPayloadApi:
    def test_anyone_lists_payloads_filtered_by_mission_and_kind(self, api_as):
        cnes = make_partner(name_en="Demo Agency", acronym="DA", country="FR")
        make_payload(acronym="DEMO1", partner=cnes, kind="instrument")
        make_payload(acronym="DEMO2", partner=cnes, kind="cubesat", country="PK")
        make_payload(acronym="DEMO3", mission=MissionFactory(code="CE5"), kind="instrument")
        response = api_as(None).get("/api/v1/payloads/", {"mission": "CE6", "kind": "cubesat"})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        payload = body["results"][0]
        assert payload["acronym"] == "DEMO2" and payload["country"] == "PK" and payload["mission"] == "CE6"
        assert payload["partner"]["acronym"] == "DA" and payload["data_products"] == []

    def test_an_unknown_kind_is_a_400_with_a_message(self, api_as, db):
        response = api_as(None).get("/api/v1/payloads/", {"kind": "starship"})
        assert response.status_code == 400 and "kind" in response.json()["message"]

    def test_an_unknown_payload_is_a_404(self, api_as, db):
        assert api_as(None).get("/api/v1/payloads/999999/").status_code == 404
        assert api_as(None).get("/api/v1/payloads/99999999999999999999/").status_code == 404

    def test_an_empty_payload_is_refused_with_a_message(self, api_as, people):
        response = api_as(people.officer).post("/api/v1/payloads/", {}, format="json")
        assert response.status_code == 400 and response.json()["message"].startswith("mission:")

    def test_embargoed_data_products_are_not_listed(self, api_as, people):
        from lunarshare.cooperation.services import payload_link_datasets
        from lunarshare.science.services import dataset_create, dataset_release

        payload = make_payload(acronym="DEMO")
        public = dataset_create(actor=people.curator, title="Demo public", embargo_until=datetime.date(2024, 1, 1))
        dataset_release(actor=people.curator, dataset=public)
        hidden = dataset_create(actor=people.curator, title="Demo hidden", embargo_until=datetime.date(2099, 1, 1))
        payload_link_datasets(actor=people.officer, payload=payload, datasets=[public, hidden])
        products = api_as(None).get(f"/api/v1/payloads/{payload.pk}/").json()["data_products"]
        assert products == [{"id": public.pk, "title": "Demo public"}]


class TestOtherRegistryApis:
    def test_partners_filter_by_country(self, api_as, db):
        make_partner(name_en="Demo French Agency", country="FR")
        make_partner(name_en="Demo Italian Institute", country="IT", kind="institute")
        body = api_as(None).get("/api/v1/partners/", {"country": "it"}).json()
        assert [p["name_en"] for p in body["results"]] == ["Demo Italian Institute"]

    def test_agreements_show_their_parties(self, api_as, db):
        a, b = make_partner(name_en="Demo A"), make_partner(name_en="Demo B")
        agreement = make_agreement(parties=[a, b], status="signed", signed_date=datetime.date(2023, 6, 1),
                                   date_precision="month")
        body = api_as(None).get(f"/api/v1/agreements/{agreement.pk}/").json()
        assert {p["name_en"] for p in body["parties"]} == {"Demo A", "Demo B"}
        assert (body["status"], body["signed_date"], body["date_precision"]) == ("signed", "2023-06-01", "month")

    def test_gifts_name_the_samples_that_left(self, api_as, people):
        from lunarshare.cooperation.services import gift_record

        sample = make_sample(identifier="CE5C0400YJFM009", mission=MissionFactory(code="CE5"), mass_ug=5_000_000)
        gift_record(actor=people.curator, recipient=make_partner(kind="government"), date=datetime.date(2023, 4, 1),
                    occasion_en="Demo visit", items=[(sample, 1_500_000)])
        body = api_as(None).get("/api/v1/gifts/", {"mission": "CE5"}).json()
        assert body["results"][0]["mass_ug"] == 1_500_000
        assert body["results"][0]["items"] == [{"sample": "CE5C0400YJFM00901", "mass_ug": 1_500_000}]
