import pytest

from lunarshare.catalog.models import Sample
from lunarshare.catalog.selectors import (
    ancestors,
    available_mass_ug,
    genealogy,
    samples_with_availability,
)
from lunarshare.catalog.services import ChildSpec, sample_change_status, sample_split
from lunarshare.testing.factories import make_sample

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(people):
    """10002 → (10002,1 → (10002,3, 10002,4 → 10002,5), 10002,2)."""
    root = make_sample(identifier="10002", mass_ug=1_000_000)
    a, b = sample_split(actor=people.curator, parent=root, children=[ChildSpec(mass_ug=100_000), ChildSpec(mass_ug=50_000)])
    c, d = sample_split(actor=people.curator, parent=a, children=[ChildSpec(mass_ug=10_000), ChildSpec(mass_ug=20_000)])
    (e,) = sample_split(actor=people.curator, parent=d, children=[ChildSpec(mass_ug=1_000)])
    return root, a, b, c, d, e


class TestGenealogy:
    def test_it_nests_every_descendant_under_its_parent(self, tree):
        root = tree[0]
        result = genealogy(root)
        assert result["descendants_count"] == 5 and result["ancestors"] == []

        def shape(nodes):
            return {n["identifier"]: shape(n["children"]) for n in nodes}

        assert shape(result["descendants"]) == {
            "10002,1": {"10002,3": {}, "10002,4": {"10002,5": {}}},
            "10002,2": {},
        }

    def test_it_lists_ancestors_root_first(self, tree):
        leaf = tree[-1]
        assert [a.identifier for a in ancestors(leaf)] == ["10002", "10002,1", "10002,4"]
        assert genealogy(leaf)["descendants"] == []

    def test_masses_in_the_tree_are_current(self, tree):
        node = genealogy(tree[0])["descendants"][0]
        assert (node["identifier"], node["mass_ug"], node["initial_mass_ug"]) == ("10002,1", 70_000, 100_000)


class TestAvailability:
    def test_only_available_samples_have_available_mass(self, people):
        sample = make_sample(mass_ug=5_000)
        assert available_mass_ug(sample) == 5_000
        sample_change_status(actor=people.curator, sample=sample, status="reserved")
        sample.refresh_from_db()
        assert available_mass_ug(sample) == 0
        assert samples_with_availability(Sample.objects.filter(pk=sample.pk)).get().available_mass_ug == 0
