import datetime

import pytest

from lunarshare.catalog.models import LedgerEntry, Sample, SampleStatus
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.cooperation import services
from lunarshare.cooperation.models import (
    CooperationAgreement,
    InternationalPayload,
    PartnerOrganisation,
    SampleGift,
)
from lunarshare.errors import ConflictError, InvalidTransition, PermissionDeniedError, ValidationFailed
from lunarshare.testing.factories import MissionFactory, make_sample
from lunarshare.testing.helpers import last_event

from .factories import make_agreement, make_partner, make_payload

pytestmark = pytest.mark.django_db

JUNE_2023 = datetime.date(2023, 6, 1)


class TestPartnerCreate:
    def test_an_officer_registers_a_partner_and_it_is_audited(self, people):
        partner = services.partner_create(actor=people.officer, name_en="Demo Space Agency", acronym="DSA",
                                          kind="agency", country="FR", ror_id="https://ror.org/02mhbdp94")
        assert PartnerOrganisation.objects.get(pk=partner.pk).ror_id == "02mhbdp94"
        event = last_event("partner.created")
        assert event.actor == people.officer and event.data["country"] == "FR"

    def test_it_refuses_a_ror_id_with_a_wrong_checksum(self, people):
        with pytest.raises(ValidationFailed, match="checksum"):
            services.partner_create(actor=people.officer, name_en="Demo", ror_id="02mhbdp95")
        assert not PartnerOrganisation.objects.exists()

    def test_it_refuses_an_applicant(self, people):
        with pytest.raises(PermissionDeniedError):
            services.partner_create(actor=people.alice, name_en="Demo")
        assert last_event("partner.created") is None

    def test_it_refuses_a_second_partner_with_the_same_name(self, people):
        make_partner(name_en="Demo Agency")
        with pytest.raises(ConflictError):
            services.partner_create(actor=people.officer, name_en="Demo Agency")
        assert PartnerOrganisation.objects.count() == 1


class TestPartnerUpdate:
    def test_it_records_old_and_new_values(self, people):
        partner = make_partner(country="FR")
        services.partner_update(actor=people.officer, partner=partner, country="IT", website="https://example.org/")
        partner.refresh_from_db()
        assert partner.country == "IT"
        assert last_event("partner.updated").data["changes"]["country"] == {"old": "FR", "new": "IT"}

    def test_it_refuses_fields_that_are_not_editable(self, people):
        partner = make_partner()
        with pytest.raises(ValidationFailed):
            services.partner_update(actor=people.officer, partner=partner, created_at=None)


class TestAgreementStatus:
    def test_an_officer_signs_a_draft_with_its_date(self, people):
        agreement = make_agreement()
        services.agreement_change_status(actor=people.officer, agreement=agreement, status="signed", signed_date=JUNE_2023)
        agreement.refresh_from_db()
        assert agreement.status == CooperationAgreement.Status.SIGNED and agreement.signed_date == JUNE_2023
        event = last_event("agreement.status_changed")
        assert (event.data["old"], event.data["new"]) == ("draft", "signed")

    def test_signing_needs_a_date(self, people):
        agreement = make_agreement()
        with pytest.raises(ValidationFailed):
            services.agreement_change_status(actor=people.officer, agreement=agreement, status="signed")
        agreement.refresh_from_db()
        assert agreement.status == "draft"

    def test_a_terminated_agreement_cannot_come_back_into_force(self, people):
        agreement = make_agreement()
        services.agreement_change_status(actor=people.officer, agreement=agreement, status="terminated")
        with pytest.raises(InvalidTransition):
            services.agreement_change_status(actor=people.officer, agreement=agreement, status="in_force")
        agreement.refresh_from_db()
        assert agreement.status == "terminated"

    def test_a_signed_agreement_is_registered_with_its_date(self, people):
        with pytest.raises(ValidationFailed):
            services.agreement_create(actor=people.officer, title_en="Demo MoU", parties=[make_partner()], status="signed")
        agreement = services.agreement_create(actor=people.officer, title_en="Demo MoU", parties=[make_partner()],
                                              status="signed", signed_date=JUNE_2023, date_precision="month")
        assert agreement.parties.count() == 1 and last_event("agreement.created").data["status"] == "signed"

    def test_an_agreement_needs_a_party(self, people):
        with pytest.raises(ValidationFailed):
            services.agreement_create(actor=people.officer, title_en="Demo", parties=[])

    def test_a_document_needs_a_file_or_a_link(self, people):
        agreement = make_agreement()
        with pytest.raises(ValidationFailed):
            services.agreement_add_document(actor=people.officer, agreement=agreement, title="Copy")
        document = services.agreement_add_document(actor=people.officer, agreement=agreement, title="Press release",
                                                   url="https://example.org/mou")
        assert list(agreement.documents.all()) == [document]
        assert last_event("agreement.document_added").data["url"] == "https://example.org/mou"


class TestPayload:
    def test_an_officer_registers_a_payload_with_collaborators(self, people):
        builder = make_partner(name_en="Demo Institute", kind="institute", country="SE")
        payload = services.payload_create(actor=people.officer, mission=MissionFactory(code="CE6"), acronym="DEMO",
                                          partner=make_partner(), country="SE", name_en="Demo Instrument",
                                          kind="instrument", collaborators=[builder])
        assert list(payload.collaborators.all()) == [builder]
        assert last_event("payload.created").data["acronym"] == "DEMO"

    def test_the_same_acronym_cannot_fly_twice_on_one_mission(self, people):
        make_payload(acronym="DEMO")
        with pytest.raises(ConflictError):
            make_payload(acronym="DEMO", mission=MissionFactory(code="CE6"))

    def test_status_follows_the_transitions(self, people):
        payload = make_payload(status="launched")
        services.payload_change_status(actor=people.officer, payload=payload, status="completed")
        assert InternationalPayload.objects.get(pk=payload.pk).status == "completed"
        assert last_event("payload.status_changed").data == {"old": "launched", "new": "completed", "note": ""}
        with pytest.raises(InvalidTransition):
            services.payload_change_status(actor=people.officer, payload=payload, status="selected")

    def test_a_curator_may_not_edit_payloads(self, people):
        payload = make_payload()
        with pytest.raises(PermissionDeniedError):
            services.payload_update(actor=people.curator, payload=payload, purpose_en="changed")
        assert InternationalPayload.objects.get(pk=payload.pk).purpose_en == ""


class TestGiftRecord:
    def _gift(self, actor, items, **kwargs):
        return services.gift_record(actor=actor, recipient=kwargs.pop("recipient", None) or make_partner(kind="government"),
                                    date=datetime.date(2023, 4, 1), date_precision="month",
                                    occasion_en="Demo state visit", items=items, **kwargs)

    def test_part_of_a_sample_is_split_off_and_leaves_through_the_ledger(self, people):
        parent = make_sample(identifier="CE5C0400YJFM009", mission=MissionFactory(code="CE5"), mass_ug=5_000_000)
        gift = self._gift(people.curator, [(parent, 1_500_000)])
        parent.refresh_from_db()
        assert parent.mass_ug == 3_500_000 and parent.status == SampleStatus.AVAILABLE
        item = gift.items.get()
        assert item.sample.parent == parent and item.sample.mass_ug == 0
        assert item.sample.status == SampleStatus.DEACCESSIONED
        assert item.ledger_entry.kind == LedgerEntry.Kind.TRANSFER_OUT and item.ledger_entry.delta_ug == -1_500_000
        assert gift.mass_ug == 1_500_000 and ledger_breaks() == []
        event = last_event("gift.recorded")
        assert event.actor == people.curator and event.data["items"][0]["from"] == "CE5C0400YJFM009"

    def test_a_whole_sample_is_given_as_it_is(self, people):
        sample = make_sample(mission=MissionFactory(code="CE5"), mass_ug=1_500_000)
        gift = self._gift(people.officer, [(sample, 1_500_000)])
        sample.refresh_from_db()
        assert gift.items.get().sample == sample and sample.status == SampleStatus.DEACCESSIONED and sample.mass_ug == 0

    def test_it_refuses_more_than_the_sample_holds_and_changes_nothing(self, people):
        sample = make_sample(mission=MissionFactory(code="CE5"), mass_ug=1_000_000)
        with pytest.raises(ConflictError):
            self._gift(people.curator, [(sample, 1_500_000)])
        sample.refresh_from_db()
        assert sample.mass_ug == 1_000_000 and not SampleGift.objects.exists()
        assert not Sample.objects.filter(parent=sample).exists()

    def test_it_refuses_material_that_is_on_loan(self, people):
        from lunarshare.catalog.services import sample_change_status

        sample = make_sample(mission=MissionFactory(code="CE5"), mass_ug=5_000_000)
        sample_change_status(actor=people.curator, sample=sample, status="on_loan")
        with pytest.raises(ConflictError, match="cannot be given away"):
            self._gift(people.curator, [(sample, 1_000)])
        assert not SampleGift.objects.exists()

    def test_all_or_nothing_when_a_later_item_fails(self, people):
        ce5 = MissionFactory(code="CE5")
        good, short = make_sample(mission=ce5, mass_ug=5_000_000), make_sample(mission=ce5, mass_ug=10)
        with pytest.raises(ConflictError):
            self._gift(people.curator, [(good, 1_000_000), (short, 1_000_000)])
        good.refresh_from_db()
        assert good.mass_ug == 5_000_000 and not SampleGift.objects.exists() and ledger_breaks() == []

    def test_an_applicant_may_not_record_a_gift(self, people):
        sample = make_sample(mission=MissionFactory(code="CE5"), mass_ug=5_000_000)
        with pytest.raises(PermissionDeniedError):
            self._gift(people.alice, [(sample, 1_000)])
        sample.refresh_from_db()
        assert sample.mass_ug == 5_000_000

    def test_material_of_one_gift_comes_from_one_mission(self, people):
        a = make_sample(mission=MissionFactory(code="CE5"), mass_ug=5_000)
        b = make_sample(mission=MissionFactory(code="A11"), mass_ug=5_000)
        with pytest.raises(ValidationFailed):
            self._gift(people.curator, [(a, 1_000), (b, 1_000)])


class TestPayloadDataProducts:
    def test_an_officer_links_datasets_and_it_is_audited(self, people):
        from lunarshare.science.services import dataset_create

        payload = make_payload()
        dataset = dataset_create(actor=people.curator, title="Demo payload data", embargo_until=datetime.date(2099, 1, 1))
        services.payload_link_datasets(actor=people.officer, payload=payload, datasets=[dataset])
        assert list(payload.data_products.all()) == [dataset]
        assert last_event("payload.data_products_changed").data == {"old": [], "new": [dataset.pk]}

    def test_an_auditor_may_not_link_datasets(self, people):
        payload = make_payload()
        with pytest.raises(PermissionDeniedError):
            services.payload_link_datasets(actor=people.auditor, payload=payload, datasets=[])


class TestAgreementUpdate:
    def test_changing_the_parties_is_audited_with_old_and_new(self, people):
        a, b = make_partner(name_en="Demo A"), make_partner(name_en="Demo B")
        agreement = make_agreement(parties=[a])
        services.agreement_update(actor=people.officer, agreement=agreement, parties=[a, b], scope_en="Demo scope")
        agreement.refresh_from_db()
        assert set(agreement.parties.all()) == {a, b} and agreement.scope_en == "Demo scope"
        changes = last_event("agreement.updated").data["changes"]
        assert changes["parties"] == {"old": [a.pk], "new": sorted([a.pk, b.pk])}
        assert changes["scope_en"] == {"old": "", "new": "Demo scope"}

    def test_nothing_changed_writes_no_event(self, people):
        agreement = make_agreement()
        before = last_event().seq
        services.agreement_update(actor=people.officer, agreement=agreement, title_en=agreement.title_en)
        assert last_event().seq == before


class TestGiftRecordFromLedger:
    def _written_off(self, people, mass_ug=1_500_000):
        from lunarshare.catalog.services import sample_write_off

        sample = make_sample(mission=MissionFactory(code="CE5"), mass_ug=5_000_000)
        return sample_write_off(actor=people.curator, sample=sample, reason="State gift", mass_ug=mass_ug,
                                kind=LedgerEntry.Kind.TRANSFER_OUT)

    def test_it_points_at_the_existing_write_off_without_taking_mass_again(self, people):
        entry = self._written_off(people)
        gift = services.gift_record_from_ledger(actor=people.officer, recipient=make_partner(kind="government"),
                                                date=datetime.date(2022, 2, 1), occasion_en="Demo visit", entries=[entry])
        entry.sample.refresh_from_db()
        assert gift.mass_ug == 1_500_000 and entry.sample.mass_ug == 3_500_000
        assert gift.items.get().ledger_entry == entry and ledger_breaks() == []
        assert last_event("gift.recorded").data["from_ledger"] == [entry.pk]

    def test_an_entry_belongs_to_one_gift_only(self, people):
        entry = self._written_off(people)
        recipient = make_partner(kind="government")
        services.gift_record_from_ledger(actor=people.officer, recipient=recipient, date=datetime.date(2022, 2, 1),
                                         occasion_en="Demo visit", entries=[entry])
        with pytest.raises(ConflictError):
            services.gift_record_from_ledger(actor=people.officer, recipient=recipient, date=datetime.date(2022, 2, 1),
                                             occasion_en="Demo visit", entries=[entry])
        assert SampleGift.objects.count() == 1

    def test_only_transfers_out_can_be_a_gift(self, people):
        sample = make_sample(mission=MissionFactory(code="CE5"), mass_ug=5_000_000)
        register = sample.ledger.get()
        with pytest.raises(ValidationFailed):
            services.gift_record_from_ledger(actor=people.officer, recipient=make_partner(), date=datetime.date(2022, 2, 1),
                                             occasion_en="Demo visit", entries=[register])
        assert not SampleGift.objects.exists()
