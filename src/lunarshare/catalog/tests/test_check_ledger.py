import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from lunarshare.catalog.importer import samples_import
from lunarshare.catalog.ledger_audit import ledger_audit_breaks
from lunarshare.catalog.models import LedgerEntry, Sample
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.catalog.services import ChildSpec, sample_consume, sample_split
from lunarshare.testing.factories import MissionFactory, make_sample
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def collection(people):
    root = make_sample(identifier="10002", mass_ug=100_000)
    children = sample_split(actor=people.curator, parent=root, children=[ChildSpec(mass_ug=10_000), ChildSpec(mass_ug=5_000)])
    sample_consume(actor=people.curator, sample=children[0], mass_ug=1_000, reason="analysis")
    return root, children


class TestCheckLedger:
    def test_it_passes_on_a_conserved_collection(self, collection, capsys):
        call_command("check_ledger")
        assert "Mass conserved for all 3 samples" in capsys.readouterr().out

    def test_it_names_every_sample_whose_rows_were_corrupted(self, collection, capsys):
        Sample.objects.filter(identifier="10002").update(mass_ug=1)  # current mass no longer matches its ledger
        Sample.objects.filter(identifier="10002,2").update(initial_mass_ug=7)  # nor the split that made it
        LedgerEntry.objects.filter(sample__identifier="10002,1", kind="consumption").update(delta_ug=-2)
        with pytest.raises(CommandError, match="3 sample"):
            call_command("check_ledger")
        err = capsys.readouterr().err
        for identifier in ("10002:", "10002,1:", "10002,2:"):
            assert identifier in err
        assert {b.identifier for b in ledger_breaks()} == {"10002", "10002,1", "10002,2"}

    def test_it_notices_a_deleted_ledger_entry(self, collection):
        LedgerEntry.objects.filter(sample__identifier="10002,2").delete()
        assert {b.identifier for b in ledger_breaks()} == {"10002,2"}

    def test_it_names_a_sample_moved_out_of_its_parents_tree(self, collection):
        Sample.objects.filter(identifier="10002,2").update(generic="99999")
        assert [b.identifier for b in ledger_breaks()] == ["10002,2"]


class TestCheckLedgerAgainstTheAuditLog:
    """A database administrator who edits the catalogue tables consistently with themselves
    is still caught: the ledger must match the (hash-chained, checkpointed) audit events."""

    def test_it_names_a_sample_whose_mass_initial_mass_and_opening_entry_were_raised_together(self, collection, capsys):
        root = Sample.objects.get(identifier="10002")
        Sample.objects.filter(pk=root.pk).update(mass_ug=F("mass_ug") + 50_000, initial_mass_ug=F("initial_mass_ug") + 50_000)
        LedgerEntry.objects.filter(sample=root, kind="register").update(delta_ug=150_000, balance_ug=150_000)
        breaks = ledger_breaks()
        assert {b.identifier for b in breaks} == {"10002"}
        assert any("register +150000 µg" in b.problem and "no audit event" in b.problem for b in breaks)
        assert any("initial mass 150000 µg but the audit log recorded 100000 µg" in b.problem for b in breaks)
        with pytest.raises(CommandError, match="1 sample"):
            call_command("check_ledger")
        assert "10002: ledger entries with no audit event: register +150000 µg" in capsys.readouterr().err

    def test_samples_are_looked_up_in_chunks_and_still_named(self, collection, monkeypatch):
        monkeypatch.setattr("lunarshare.catalog.ledger_audit.LOOKUP_CHUNK", 1)
        Sample.objects.filter(identifier="10002,2").update(initial_mass_ug=7)
        assert [(b.identifier, b.problem) for b in ledger_audit_breaks()] == [
            ("10002,2", "initial mass 7 µg but the audit log recorded 5000 µg")]

    def test_it_names_a_ledger_entry_no_service_wrote(self, collection):
        child = Sample.objects.get(identifier="10002,2")
        LedgerEntry.objects.create(sample=child, kind="consumption", delta_ug=-1_000, balance_ug=4_000)
        Sample.objects.filter(pk=child.pk).update(mass_ug=4_000)
        breaks = ledger_breaks()
        assert [(b.identifier, b.problem) for b in breaks] == [
            ("10002,2", "ledger entries with no audit event: consumption -1000 µg")]

    def test_it_names_an_audited_entry_that_was_removed_with_its_mass(self, collection):
        child = Sample.objects.get(identifier="10002,1")
        LedgerEntry.objects.filter(sample=child, kind="consumption").delete()
        Sample.objects.filter(pk=child.pk).update(mass_ug=10_000)
        [problem] = [b.problem for b in ledger_breaks()]
        assert "audited entries missing from the ledger" in problem and "consumption -1000 µg" in problem

    def test_it_catches_an_imported_sample_raised_with_its_ledger(self, people):
        MissionFactory(code="A11")
        samples_import(actor=people.curator, source=io.BytesIO(
            b"identifier,mission,parent,type,category,mass_mg,description,location\n"
            b"10003,A11,,regolith,research,100,,\n\"10003,1\",A11,10003,regolith,research,10,,\n"))
        assert Sample.objects.filter(identifier__startswith="10003").count() == 2
        assert ledger_breaks() == []
        sample = Sample.objects.get(identifier="10003")
        Sample.objects.filter(pk=sample.pk).update(mass_ug=F("mass_ug") + 5, initial_mass_ug=F("initial_mass_ug") + 5)
        LedgerEntry.objects.filter(sample=sample, kind="register").update(delta_ug=F("delta_ug") + 5, balance_ug=F("balance_ug") + 5)
        event = last_event("sample.imported")
        [b] = ledger_breaks()
        assert b.identifier == f"audit event #{event.seq}" and "do not match" in b.problem
