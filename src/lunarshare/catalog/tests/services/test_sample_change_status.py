import pytest

from lunarshare.catalog.models import Sample
from lunarshare.catalog.services import sample_change_status
from lunarshare.errors import InvalidTransition, ValidationFailed
from lunarshare.testing.factories import make_sample
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db

ALLOWED = [(old, new) for old, targets in Sample.TRANSITIONS.items() for new in sorted(targets)]
FORBIDDEN = [(old, new) for old in Sample.Status for new in Sample.Status
             if old != new and new not in Sample.TRANSITIONS[old]]


def _put_in(sample, status, actor):
    """Reach ``status`` from available along allowed moves, without going through services of other apps."""
    if status != "available":
        Sample.objects.filter(pk=sample.pk).update(status=status)
        sample.refresh_from_db()
    return sample


class TestSampleChangeStatus:
    @pytest.mark.parametrize("old, new", ALLOWED)
    def test_it_follows_every_allowed_transition(self, people, old, new):
        sample = _put_in(make_sample(), old, people.curator)
        sample_change_status(actor=people.curator, sample=sample, status=new, reason="because")
        sample.refresh_from_db()
        assert sample.status == new
        event = last_event("sample.status_changed")
        assert event.data == {"old": old, "new": new, "reason": "because"} and event.actor == people.curator

    @pytest.mark.parametrize("old, new", FORBIDDEN)
    def test_it_refuses_every_other_transition(self, people, old, new):
        sample = _put_in(make_sample(), old, people.curator)
        with pytest.raises(InvalidTransition):
            sample_change_status(actor=people.curator, sample=sample, status=new)
        sample.refresh_from_db()
        assert sample.status == old and last_event("sample.status_changed") is None

    def test_it_refuses_an_unknown_status(self, people):
        with pytest.raises(ValidationFailed):
            sample_change_status(actor=people.curator, sample=make_sample(), status="borrowed")

    def test_the_same_status_writes_nothing(self, people):
        sample_change_status(actor=people.curator, sample=make_sample(), status="available")
        assert last_event("sample.status_changed") is None
