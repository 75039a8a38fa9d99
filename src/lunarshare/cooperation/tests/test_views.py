import datetime

import pytest

from lunarshare.cooperation.models import (
    CooperationAgreement,
    InternationalPayload,
    PartnerOrganisation,
    SampleGift,
)
from lunarshare.testing.factories import MissionFactory, make_sample
from lunarshare.testing.helpers import last_event

from .factories import make_agreement, make_partner, make_payload

pytestmark = pytest.mark.django_db


class TestPublicPages:
    def test_the_payload_list_filters_by_kind(self, client):
        make_payload(acronym="DEMOSAT", kind="cubesat")
        make_payload(acronym="DEMOINST", kind="instrument", mission=MissionFactory(code="CE6"))
        html = client.get("/en/cooperation/payloads/", {"kind": "cubesat"}).content.decode()
        assert "DEMOSAT" in html and "DEMOINST" not in html

    def test_every_public_page_answers(self, client, people):
        payload = make_payload()
        agreement = make_agreement()
        sample = make_sample(mission=MissionFactory(code="CE5"), mass_ug=5_000_000)
        from lunarshare.cooperation.services import gift_record

        gift = gift_record(actor=people.curator, recipient=payload.partner, date=datetime.date(2022, 2, 1),
                           date_precision="month", occasion_en="Demo visit", items=[(sample, 1_000)])
        for url in ["/en/cooperation/", "/en/cooperation/partners/", f"/en/cooperation/partners/{payload.partner.pk}/",
                    "/en/cooperation/agreements/", f"/en/cooperation/agreements/{agreement.pk}/",
                    "/en/cooperation/gifts/", f"/en/cooperation/gifts/{gift.pk}/", f"/en/cooperation/payloads/{payload.pk}/",
                    "/zh-hans/cooperation/payloads/"]:
            assert client.get(url).status_code == 200, url

    def test_an_unknown_payload_is_404(self, client, db):
        assert client.get("/en/cooperation/payloads/424242/").status_code == 404


class TestOfficerPages:
    def test_an_officer_adds_a_partner_through_the_form(self, client, people):
        client.force_login(people.officer)
        response = client.post("/en/cooperation/partners/new/", {
            "name_en": "Demo Space Office", "name_zh": "", "acronym": "DSO", "kind": "agency", "country": "IT",
            "ror_id": "", "website": "", "description_en": "", "description_zh": "", "source": ""})
        partner = PartnerOrganisation.objects.get(name_en="Demo Space Office")
        assert response.status_code == 302 and response["Location"].endswith(f"/cooperation/partners/{partner.pk}/")
        assert last_event("partner.created").actor == people.officer

    def test_a_bad_ror_id_is_shown_on_the_form(self, client, people):
        client.force_login(people.officer)
        response = client.post("/en/cooperation/partners/new/", {"name_en": "Demo", "kind": "agency", "country": "IT",
                                                                  "ror_id": "02mhbdp95"})
        assert response.status_code == 200 and "checksum" in response.content.decode()
        assert not PartnerOrganisation.objects.exists()

    def test_an_applicant_may_not_open_officer_pages(self, client, people):
        client.force_login(people.alice)
        assert client.get("/en/cooperation/payloads/new/").status_code == 403
        assert client.get("/en/cooperation/gifts/new/").status_code == 403

    def test_an_invalid_status_change_is_refused_with_a_message(self, client, people):
        agreement = make_agreement()
        client.force_login(people.officer)
        response = client.post(f"/en/cooperation/agreements/{agreement.pk}/status/", {"status": "in_force"}, follow=True)
        assert "cannot go from" in response.content.decode()
        agreement.refresh_from_db()
        assert agreement.status == CooperationAgreement.Status.DRAFT

    def test_an_officer_moves_a_payload_on(self, client, people):
        payload = make_payload(status="launched")
        client.force_login(people.officer)
        client.post(f"/en/cooperation/payloads/{payload.pk}/status/", {"status": "operating", "note": ""})
        assert InternationalPayload.objects.get(pk=payload.pk).status == "operating"

    def test_a_curator_records_a_gift_with_the_form(self, client, people):
        make_sample(identifier="CE5C0400YJFM009", mission=MissionFactory(code="CE5"), mass_ug=5_000_000)
        recipient = make_partner(kind="government", name_en="Demo Republic")
        client.force_login(people.curator)
        response = client.post("/en/cooperation/gifts/new/", {
            "recipient": recipient.pk, "date": "2023-04-01", "date_precision": "month", "occasion_en": "Demo visit",
            "items": "CE5C0400YJFM009 1.5 g"})
        gift = SampleGift.objects.get()
        assert response.status_code == 302 and gift.mass_ug == 1_500_000
        assert last_event("gift.recorded").actor == people.curator

    def test_a_gift_line_naming_an_unknown_sample_is_shown_on_the_form(self, client, people):
        recipient = make_partner(kind="government")
        client.force_login(people.curator)
        response = client.post("/en/cooperation/gifts/new/", {
            "recipient": recipient.pk, "date": "2023-04-01", "date_precision": "month", "occasion_en": "Demo visit",
            "items": "NOPE 1.5 g"})
        assert response.status_code == 200 and "there is no sample NOPE" in response.content.decode()
        assert not SampleGift.objects.exists()


class TestDataProductsPage:
    def test_an_officer_links_a_dataset_and_the_public_sees_it_only_once_released(self, client, people):
        from lunarshare.science.services import dataset_create, dataset_release

        payload = make_payload(acronym="DEMO")
        dataset = dataset_create(actor=people.curator, title="Demo radon counts", embargo_until=datetime.date(2099, 1, 1))
        client.force_login(people.officer)
        client.post(f"/en/cooperation/payloads/{payload.pk}/data-products/", {"datasets": [dataset.pk]})
        assert list(payload.data_products.all()) == [dataset]
        client.logout()
        assert "Demo radon counts" not in client.get(f"/en/cooperation/payloads/{payload.pk}/").content.decode()
        dataset_release(actor=people.curator, dataset=dataset)
        assert "Demo radon counts" in client.get(f"/en/cooperation/payloads/{payload.pk}/").content.decode()
