import pytest

from lunarshare.catalog.models import CustodyEvent, LedgerEntry, Sample
from lunarshare.catalog.services import sample_register
from lunarshare.catalog.tests.factories import LocationFactory
from lunarshare.errors import ConflictError, ValidationFailed
from lunarshare.testing.factories import MissionFactory
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


class TestSampleRegister:
    def test_it_creates_the_sample_its_opening_ledger_entry_and_custody(self, people):
        cabinet = LocationFactory(code="N2-01")
        sample = sample_register(actor=people.curator, identifier="CE5C0400", mission=MissionFactory(code="CE5"),
                                 type="regolith", mass_ug=1_500_000, location=cabinet, description="scooped")
        sample.refresh_from_db()
        assert (sample.mass_ug, sample.initial_mass_ug, sample.generic, sample.status) == (1_500_000, 1_500_000, "CE5C0400", "available")
        assert list(LedgerEntry.objects.filter(sample=sample).values_list("kind", "delta_ug", "balance_ug")) == [
            ("register", 1_500_000, 1_500_000)]
        custody = CustodyEvent.objects.get(sample=sample)
        assert custody.kind == "registered" and custody.to_location == cabinet

    def test_it_writes_one_audit_event(self, people):
        sample = sample_register(actor=people.curator, identifier="10002", mission=MissionFactory(), type="regolith",
                                 mass_ug=5)
        event = last_event("sample.registered")
        assert event.actor == people.curator and event.subject_repr == "10002"
        assert event.data == {"mission": "A11", "mass_ug": 5, "type": "regolith", "category": "research",
                              "ledger": [{"sample": sample.uid, "kind": "register", "delta_ug": 5}]}

    def test_it_accepts_zero_mass_for_historical_records(self, people):
        sample = sample_register(actor=people.curator, identifier="10099", mission=MissionFactory(), type="rock", mass_ug=0)
        assert sample.mass_ug == 0

    @pytest.mark.parametrize("kwargs, message", [
        ({"identifier": "bad id!"}, "not a valid sample identifier"),
        ({"type": "cheese"}, "Unknown sample type"),
        ({"category": "gift"}, "Unknown category"),
        ({"mass_ug": -1}, "greater than zero"),
        ({"mass_ug": 1.5}, "whole number"),
        ({"mass_ug": 10**30}, "beyond any collection"),
    ])
    def test_it_refuses_bad_input_and_changes_nothing(self, people, kwargs, message):
        arguments = {"identifier": "10003", "mission": MissionFactory(), "type": "basalt", "mass_ug": 1_000} | kwargs
        with pytest.raises(ValidationFailed, match=message):
            sample_register(actor=people.curator, **arguments)
        assert not Sample.objects.exists() and last_event("sample.registered") is None

    def test_it_refuses_an_identifier_that_exists(self, people):
        sample_register(actor=people.curator, identifier="10003", mission=MissionFactory(), type="basalt", mass_ug=1)
        with pytest.raises(ConflictError, match="already exists"):
            sample_register(actor=people.curator, identifier="10003", mission=MissionFactory(), type="basalt", mass_ug=2)
        assert Sample.objects.get().mass_ug == 1


def test_a_literature_record_has_no_mass_and_is_never_available(people):
    from lunarshare.catalog.services import SampleError

    record = sample_register(actor=people.curator, identifier="CE5-LIT-BASALT-CLASTS", mission=MissionFactory(code="CE5"),
                             type="basalt", mass_ug=0, literature_record=True)
    assert record.status == "literature" and record.get_status_display() == "Literature reference"
    assert last_event("sample.registered").data["status"] == "literature"
    with pytest.raises(SampleError):
        sample_register(actor=people.curator, identifier="CE5-LIT-X", mission=record.mission, type="basalt", mass_ug=5,
                        literature_record=True)
