import pytest

from lunarshare.catalog.models import CustodyEvent
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.catalog.services import InsufficientMassError, sample_write_off
from lunarshare.errors import ValidationFailed
from lunarshare.testing.factories import make_sample
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


class TestSampleWriteOff:
    def test_writing_off_everything_marks_the_sample_lost(self, people):
        sample = make_sample(mass_ug=5_000)
        entry = sample_write_off(actor=people.curator, sample=sample, reason="lost in transit", reference="incident 1")
        sample.refresh_from_db()
        assert sample.mass_ug == 0 and sample.status == "lost"
        assert (entry.kind, entry.delta_ug) == ("loss", -5_000)
        assert CustodyEvent.objects.filter(sample=sample, kind="lost").count() == 1
        assert ledger_breaks() == []

    def test_a_partial_loss_keeps_the_sample_available(self, people):
        sample = make_sample(mass_ug=5_000)
        sample_write_off(actor=people.curator, sample=sample, reason="spilled", mass_ug=200)
        sample.refresh_from_db()
        assert sample.mass_ug == 4_800 and sample.status == "available"

    def test_a_gift_deaccessions_the_sample(self, people):
        sample = make_sample(mass_ug=1_500_000)
        sample_write_off(actor=people.curator, sample=sample, reason="state gift", kind="transfer_out")
        sample.refresh_from_db()
        assert sample.status == "deaccessioned"
        event = last_event("sample.written_off")
        assert event.data == {"mass_ug": 1_500_000, "kind": "transfer_out", "reason": "state gift",
                              "old_status": "available", "new_status": "deaccessioned",
                              "ledger": [{"sample": sample.uid, "kind": "transfer_out", "delta_ug": -1_500_000}]}

    @pytest.mark.parametrize("kwargs, error", [
        ({"reason": ""}, ValidationFailed),
        ({"reason": "x", "kind": "consumption"}, ValidationFailed),
        ({"reason": "x", "mass_ug": 0}, ValidationFailed),
        ({"reason": "x", "mass_ug": 5_001}, InsufficientMassError),
    ])
    def test_it_refuses_and_changes_nothing(self, people, kwargs, error):
        sample = make_sample(mass_ug=5_000)
        with pytest.raises(error):
            sample_write_off(actor=people.curator, sample=sample, **kwargs)
        sample.refresh_from_db()
        assert sample.mass_ug == 5_000 and last_event("sample.written_off") is None

    def test_it_refuses_to_write_off_an_empty_sample(self, people):
        sample = make_sample(mass_ug=5_000)
        sample_write_off(actor=people.curator, sample=sample, reason="lost")
        with pytest.raises(ValidationFailed, match="nothing left"):
            sample_write_off(actor=people.curator, sample=sample, reason="lost again")
