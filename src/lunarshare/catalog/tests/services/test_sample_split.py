import pytest

from lunarshare.catalog.models import LedgerEntry, Sample
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.catalog.services import ChildSpec, sample_split
from lunarshare.errors import ConflictError, ValidationFailed
from lunarshare.testing.factories import MissionFactory, make_sample
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


class TestSampleSplit:
    def test_it_numbers_apollo_children_across_the_generic(self, people):
        parent = make_sample(identifier="10084", mass_ug=10_000)
        children = sample_split(actor=people.curator, parent=parent,
                                children=[ChildSpec(mass_ug=1_000), ChildSpec(mass_ug=2_000)], reason="allocation")
        assert [c.identifier for c in children] == ["10084,1", "10084,2"]
        grandchild = sample_split(actor=people.curator, parent=children[0], children=[ChildSpec(mass_ug=10)])[0]
        assert grandchild.identifier == "10084,3" and grandchild.parent == children[0]

    def test_it_appends_a_serial_to_change_codes(self, people):
        parent = make_sample(identifier="CE5C0400YJFM009", mission=MissionFactory(code="CE5"), mass_ug=500_000)
        children = sample_split(actor=people.curator, parent=parent, children=[ChildSpec(mass_ug=1), ChildSpec(mass_ug=1)])
        assert [c.identifier for c in children] == ["CE5C0400YJFM00901", "CE5C0400YJFM00902"]

    def test_the_parent_keeps_the_remainder_and_the_ledger_conserves_mass(self, people):
        parent = make_sample(mass_ug=10_000)
        sample_split(actor=people.curator, parent=parent, children=[ChildSpec(mass_ug=2_500), ChildSpec(mass_ug=500)])
        parent.refresh_from_db()
        assert parent.mass_ug == 7_000 and parent.initial_mass_ug == 10_000
        assert LedgerEntry.objects.filter(sample=parent, kind="split_out").count() == 2
        assert ledger_breaks() == []

    def test_it_writes_one_audit_event_naming_the_children(self, people):
        parent = make_sample(identifier="70017", mass_ug=10_000)
        sample_split(actor=people.curator, parent=parent, children=[ChildSpec(mass_ug=100)], reason="thin section")
        event = last_event("sample.split")
        assert event.actor == people.curator and event.subject_repr == "70017"
        assert event.data["children"] == [{"identifier": "70017,1", "mass_ug": 100}]
        assert event.data["parent_mass_after_ug"] == 9_900

    @pytest.mark.parametrize("masses", [[6_000, 5_000], [0], [-5]])
    def test_it_refuses_impossible_masses_and_changes_nothing(self, people, masses):
        parent = make_sample(mass_ug=10_000)
        before = Sample.objects.count()
        with pytest.raises((ConflictError, ValidationFailed)):
            sample_split(actor=people.curator, parent=parent, children=[ChildSpec(mass_ug=m) for m in masses])
        parent.refresh_from_db()
        assert parent.mass_ug == 10_000 and Sample.objects.count() == before

    def test_it_refuses_a_duplicate_identifier(self, people):
        make_sample(identifier="12002")
        parent = make_sample(identifier="12001", mass_ug=10_000)
        with pytest.raises(ConflictError, match="12002"):
            sample_split(actor=people.curator, parent=parent, children=[ChildSpec(mass_ug=1, identifier="12002")])
        with pytest.raises(ValidationFailed, match="same identifier"):
            sample_split(actor=people.curator, parent=parent,
                         children=[ChildSpec(mass_ug=1, identifier="12001,5"), ChildSpec(mass_ug=1, identifier="12001,5")])
        assert Sample.objects.filter(parent=parent).count() == 0
