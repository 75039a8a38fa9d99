import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lunarshare.catalog.models import LedgerEntry, Sample
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.catalog.services import ChildSpec, sample_consume, sample_split
from lunarshare.testing.factories import make_sample

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
