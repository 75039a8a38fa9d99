"""Writing the cooperation registry over the API: the same services, permissions and audit as
the officer pages (officer allowed, applicant 403, anonymous 401)."""

import pytest

from lunarshare.cooperation.models import (
    CooperationAgreement,
    InternationalPayload,
    PartnerOrganisation,
    SampleGift,
)
from lunarshare.testing.factories import MissionFactory, make_sample

from .factories import make_agreement, make_partner, make_payload


def test_an_officer_registers_a_partner_and_it_is_audited(api_as, people, audit_event):
    response = api_as(people.officer).post("/api/v1/partners/", {"name_en": "Agence Exemple", "country": "FR",
                                                                  "kind": "agency"}, format="json")
    assert response.status_code == 201, response.json()
    partner = PartnerOrganisation.objects.get(pk=response.json()["id"])
    assert partner.name_en == "Agence Exemple" and response.json()["country"] == "FR"
    event = audit_event("lunarshare.partner.created")
    assert event.actor_id == people.officer.pk and event.data["name_en"] == "Agence Exemple"


def test_an_officer_changes_a_partner_with_patch(api_as, people, audit_event):
    partner = make_partner(name_en="Old Name")
    response = api_as(people.officer).patch(f"/api/v1/partners/{partner.pk}/", {"acronym": "ON"}, format="json")
    assert response.status_code == 200 and response.json()["acronym"] == "ON"
    assert audit_event("lunarshare.partner.updated").data["changes"]["acronym"] == {"old": "", "new": "ON"}


@pytest.mark.parametrize("who, code", [("alice", 403), ("curator", 403), (None, 401)])
def test_others_may_not_write_and_nothing_changes(api_as, people, who, code):
    partner = make_partner(name_en="Stays")
    client = api_as(getattr(people, who) if who else None)
    assert client.post("/api/v1/partners/", {"name_en": "X", "country": "FR"}, format="json").status_code == code
    assert client.patch(f"/api/v1/partners/{partner.pk}/", {"name_en": "Y"}, format="json").status_code == code
    assert client.post("/api/v1/agreements/", {"title_en": "X", "parties": [partner.pk]},
                       format="json").status_code == code
    assert list(PartnerOrganisation.objects.values_list("name_en", flat=True)) == ["Stays"]
    assert not CooperationAgreement.objects.exists()


def test_bad_input_gets_a_message_and_changes_nothing(api_as, people):
    response = api_as(people.officer).post("/api/v1/partners/", {"name_en": "X", "ror_id": "not-a-ror"}, format="json")
    assert response.status_code == 400 and "ROR" in response.json()["message"]
    assert not PartnerOrganisation.objects.exists()


def test_an_agreement_is_registered_changed_and_signed(api_as, people, audit_event):
    officer = api_as(people.officer)
    a, b = make_partner(), make_partner()
    MissionFactory(code="CE6")
    response = officer.post("/api/v1/agreements/", {"title_en": "Sample exchange", "parties": [a.pk],
                                                    "missions": ["CE6"]}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["status"] == "draft" and response.json()["missions"] == ["CE6"]
    response = officer.patch(f"/api/v1/agreements/{pk}/", {"parties": [a.pk, b.pk]}, format="json")
    assert {p["id"] for p in response.json()["parties"]} == {a.pk, b.pk}
    response = officer.post(f"/api/v1/agreements/{pk}/status/", {"status": "signed", "signed_date": "2026-03-01"},
                            format="json")
    assert response.status_code == 200 and response.json()["signed_date"] == "2026-03-01"
    assert audit_event("lunarshare.agreement.status_changed").data == {
        "old": "draft", "new": "signed", "signed_date": "2026-03-01", "reason": ""}


def test_a_status_cannot_be_patched_or_jump_the_transitions(api_as, people):
    agreement = make_agreement()
    officer = api_as(people.officer)
    assert officer.patch(f"/api/v1/agreements/{agreement.pk}/", {"status": "in_force"}, format="json").status_code == 400
    response = officer.post(f"/api/v1/agreements/{agreement.pk}/status/", {"status": "concluded"}, format="json")
    assert response.status_code in (400, 409) and response.json()["message"]
    agreement.refresh_from_db()
    assert agreement.status == "draft"


def test_a_payload_is_registered_changed_and_moved_on(api_as, people, audit_event):
    officer = api_as(people.officer)
    partner = make_partner()
    MissionFactory(code="CE6")
    response = officer.post("/api/v1/payloads/", {"mission": "CE6", "acronym": "DORN", "name_en": "Radon detector",
                                                  "partner": partner.pk, "country": "FR"}, format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert officer.patch(f"/api/v1/payloads/{pk}/", {"purpose_en": "Radon"}, format="json").json()["purpose_en"] == "Radon"
    current = InternationalPayload.objects.get(pk=pk).status
    target = sorted(InternationalPayload.TRANSITIONS[InternationalPayload.Status(current)])[0]
    response = officer.post(f"/api/v1/payloads/{pk}/status/", {"status": target}, format="json")
    assert response.status_code == 200 and response.json()["status"] == target
    assert audit_event("lunarshare.payload.status_changed").data["new"] == target


def test_a_payload_may_not_link_a_dataset_that_does_not_exist(api_as, people):
    payload = make_payload()
    response = api_as(people.officer).patch(f"/api/v1/payloads/{payload.pk}/", {"data_products": [999]}, format="json")
    assert response.status_code == 400 and "999" in response.json()["message"]


def test_a_curator_records_a_gift_and_the_mass_leaves_through_the_ledger(api_as, people, audit_event):
    partner = make_partner()
    sample = make_sample(identifier="CE5C0400YJFM00901", mission=MissionFactory(code="CE5"), mass_ug=5_000_000)
    response = api_as(people.curator).post("/api/v1/gifts/", {
        "recipient": partner.pk, "date": "2026-04-01", "occasion_en": "State visit",
        "items": [{"sample": sample.identifier, "mass_ug": 1_000_000}]}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["mass_ug"] == 1_000_000 and response.json()["mission"] == "CE5"
    sample.refresh_from_db()
    assert sample.mass_ug == 4_000_000
    assert audit_event("lunarshare.gift.recorded").actor_id == people.curator.pk


def test_a_gift_larger_than_the_sample_is_refused_and_nothing_moves(api_as, people):
    partner = make_partner()
    sample = make_sample(identifier="CE5C0400YJFM00902", mission=MissionFactory(code="CE5"), mass_ug=1_000)
    response = api_as(people.officer).post("/api/v1/gifts/", {
        "recipient": partner.pk, "date": "2026-04-01", "occasion_en": "Visit",
        "items": [{"sample": sample.identifier, "mass_ug": 2_000}]}, format="json")
    assert response.status_code in (400, 409) and response.json()["message"]
    sample.refresh_from_db()
    assert sample.mass_ug == 1_000 and not SampleGift.objects.exists()


def test_an_applicant_may_not_record_a_gift(api_as, people):
    partner = make_partner()
    response = api_as(people.alice).post("/api/v1/gifts/", {"recipient": partner.pk, "date": "2026-04-01",
                                                            "occasion_en": "x", "items": []}, format="json")
    assert response.status_code == 403


def test_a_recorded_gift_is_not_changed_and_put_and_delete_are_not_offered(api_as, people):
    partner = make_partner()
    officer = api_as(people.officer)
    assert officer.put(f"/api/v1/partners/{partner.pk}/", {"name_en": "x"}, format="json").status_code == 405
    assert officer.delete(f"/api/v1/partners/{partner.pk}/").status_code == 405
    assert officer.patch("/api/v1/gifts/1/", {"note_en": "x"}, format="json").status_code == 405


def test_the_messages_are_translated(api_as, people):
    agreement = make_agreement()
    response = api_as(people.officer).patch(f"/api/v1/agreements/{agreement.pk}/", {"status": "signed"},
                                            format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "…/status/" in response.json()["message"]
    assert "通过" in response.json()["message"]
