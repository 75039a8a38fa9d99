import pytest

from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.catalog.services import InsufficientMassError, sample_change_status, sample_consume
from lunarshare.errors import ConflictError, ValidationFailed
from lunarshare.testing.factories import make_sample
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


class TestSampleConsume:
    def test_consumed_mass_leaves_through_the_ledger(self, people):
        sample = make_sample(mass_ug=10_000)
        entry = sample_consume(actor=people.curator, sample=sample, mass_ug=2_500, reason="ICP-MS", reference="loan 3")
        sample.refresh_from_db()
        assert sample.mass_ug == 7_500 and sample.status == "available"
        assert (entry.kind, entry.delta_ug, entry.balance_ug) == ("consumption", -2_500, 7_500)
        assert ledger_breaks() == []

    def test_it_writes_one_audit_event(self, people):
        sample = make_sample(mass_ug=10_000)
        sample_consume(actor=people.curator, sample=sample, mass_ug=100, reason="SIMS")
        event = last_event("sample.consumed")
        assert event.actor == people.curator and event.data["mass_ug"] == 100 and event.data["balance_ug"] == 9_900

    def test_consuming_everything_marks_the_sample_consumed(self, people):
        sample = make_sample(mass_ug=1_000)
        sample_consume(actor=people.curator, sample=sample, mass_ug=1_000, reason="dissolved")
        sample.refresh_from_db()
        assert sample.mass_ug == 0 and sample.status == "consumed"
        assert last_event("sample.consumed").data["new_status"] == "consumed"

    def test_it_refuses_to_consume_more_than_there_is(self, people):
        sample = make_sample(mass_ug=1_000)
        with pytest.raises(InsufficientMassError):
            sample_consume(actor=people.curator, sample=sample, mass_ug=1_001, reason="too much")
        sample.refresh_from_db()
        assert sample.mass_ug == 1_000 and last_event("sample.consumed") is None

    def test_it_refuses_zero_and_lost_samples(self, people):
        sample = make_sample(mass_ug=1_000)
        with pytest.raises(ValidationFailed):
            sample_consume(actor=people.curator, sample=sample, mass_ug=0, reason="nothing")
        sample_change_status(actor=people.curator, sample=sample, status="lost", reason="misplaced")
        with pytest.raises(ConflictError, match="lost"):
            sample_consume(actor=people.curator, sample=sample, mass_ug=1, reason="x")
