"""Catalog services check their actor with ``require`` (they used to trust every caller)."""

import pytest

from lunarshare.audit.models import Event
from lunarshare.catalog.services import ChildSpec, sample_reweigh, sample_split, sample_write_off
from lunarshare.errors import PermissionDeniedError
from lunarshare.testing.factories import make_sample

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["alice", "reviewer", "auditor", "committee"])
def test_it_refuses_a_split_by_someone_who_is_not_staff_of_the_collection(people, who):
    sample = make_sample(mass_ug=10_000)
    events = Event.objects.count()
    with pytest.raises(PermissionDeniedError):
        sample_split(actor=getattr(people, who), parent=sample, children=[ChildSpec(mass_ug=1_000)])
    sample.refresh_from_db()
    assert sample.mass_ug == 10_000 and Event.objects.count() == events


def test_only_curators_reweigh_but_officers_may_write_off_a_gift(people):
    sample = make_sample(mass_ug=10_000)
    with pytest.raises(PermissionDeniedError, match="Only curators"):
        sample_reweigh(actor=people.officer, sample=sample, measured_mass_ug=9_000, reason="scale")
    sample_write_off(actor=people.officer, sample=sample, mass_ug=1_000, reason="gift")
    sample.refresh_from_db()
    assert sample.mass_ug == 9_000
