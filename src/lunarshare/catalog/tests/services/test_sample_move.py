import pytest

from lunarshare.catalog.models import CustodyEvent
from lunarshare.catalog.services import sample_move, sample_record_custody
from lunarshare.catalog.tests.factories import LocationFactory
from lunarshare.errors import ConflictError
from lunarshare.testing.factories import make_sample
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


class TestSampleMove:
    def test_it_moves_the_sample_and_records_custody(self, people):
        a, b = LocationFactory(code="CAB-A"), LocationFactory(code="CAB-B")
        sample = make_sample(location=a)
        sample_move(actor=people.curator, sample=sample, location=b, note="reorganised")
        sample.refresh_from_db()
        assert sample.location == b
        moved = CustodyEvent.objects.get(sample=sample, kind="moved")
        assert (moved.from_location, moved.to_location, moved.actor) == (a, b, people.curator)
        assert last_event("sample.moved").data == {"from": "CAB-A", "to": "CAB-B", "note": "reorganised"}

    def test_moving_to_the_same_place_writes_nothing(self, people):
        a = LocationFactory(code="CAB-A")
        sample = make_sample(location=a)
        sample_move(actor=people.curator, sample=sample, location=a)
        assert last_event("sample.moved") is None

    def test_it_refuses_to_move_material_a_borrower_holds(self, people):
        sample = make_sample(location=LocationFactory(code="CAB-A"))
        sample_record_custody(actor=people.curator, sample=sample, kind="received", holder_institution=people.cologne)
        with pytest.raises(ConflictError, match="borrower"):
            sample_move(actor=people.curator, sample=sample, location=LocationFactory(code="CAB-B"))
        sample.refresh_from_db()
        assert sample.location.code == "CAB-A"
