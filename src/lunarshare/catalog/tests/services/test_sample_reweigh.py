import pytest

from lunarshare.catalog.models import LedgerEntry
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.catalog.services import sample_reweigh
from lunarshare.errors import ValidationFailed
from lunarshare.testing.factories import make_sample
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


class TestSampleReweigh:
    def test_the_difference_becomes_a_ledger_adjustment(self, people):
        sample = make_sample(mass_ug=10_000)
        entry = sample_reweigh(actor=people.curator, sample=sample, measured_mass_ug=9_950, reason="balance recalibrated")
        sample.refresh_from_db()
        assert sample.mass_ug == 9_950 and sample.initial_mass_ug == 10_000
        assert (entry.kind, entry.delta_ug, entry.balance_ug) == ("reweigh", -50, 9_950)
        assert ledger_breaks() == []

    def test_a_return_reweigh_is_recorded_as_such(self, people):
        sample = make_sample(mass_ug=10_000)
        entry = sample_reweigh(actor=people.curator, sample=sample, measured_mass_ug=10_010, reason="returned", kind="return",
                               reference="loan 7")
        assert (entry.kind, entry.delta_ug, entry.reference) == ("return", 10, "loan 7")

    def test_it_writes_one_audit_event_with_old_and_new_mass(self, people):
        sample = make_sample(mass_ug=10_000)
        sample_reweigh(actor=people.curator, sample=sample, measured_mass_ug=9_000, reason="dried")
        event = last_event("sample.reweighed")
        assert event.actor == people.curator
        assert event.data == {"old_mass_ug": 10_000, "new_mass_ug": 9_000, "delta_ug": -1_000, "reason": "dried", "kind": "reweigh",
                              "ledger": [{"sample": sample.uid, "kind": "reweigh", "delta_ug": -1_000}]}

    def test_an_unchanged_weight_writes_nothing(self, people):
        sample = make_sample(mass_ug=10_000)
        assert sample_reweigh(actor=people.curator, sample=sample, measured_mass_ug=10_000, reason="check") is None
        assert last_event("sample.reweighed") is None
        assert LedgerEntry.objects.filter(sample=sample).count() == 1

    @pytest.mark.parametrize("mass, reason, kind, message", [
        (9_000, "  ", "reweigh", "Say why"),
        (-1, "x", "reweigh", "greater than zero"),
        (9_000, "x", "split_in", "Unknown reweigh kind"),
    ])
    def test_it_refuses_without_a_reason_or_with_a_bad_mass(self, people, mass, reason, kind, message):
        sample = make_sample(mass_ug=10_000)
        with pytest.raises(ValidationFailed, match=message):
            sample_reweigh(actor=people.curator, sample=sample, measured_mass_ug=mass, reason=reason, kind=kind)
        sample.refresh_from_db()
        assert sample.mass_ug == 10_000 and last_event("sample.reweighed") is None
