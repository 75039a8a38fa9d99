import pytest

from lunarshare.catalog.models import CustodyEvent
from lunarshare.catalog.services import sample_record_custody
from lunarshare.catalog.tests.factories import LocationFactory
from lunarshare.errors import ValidationFailed
from lunarshare.testing.factories import make_sample
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


class TestSampleRecordCustody:
    def test_receipt_hands_custody_to_the_borrower(self, people):
        sample = make_sample()
        event = sample_record_custody(actor=people.curator, sample=sample, kind="received",
                                      holder_institution=people.cologne, holder_name="Demo PI", reference="loan 1")
        sample.refresh_from_db()
        assert sample.holder_institution == people.cologne and event.holder_name == "Demo PI"
        audit = last_event("sample.custody_received")
        assert audit.data == {"old_holder": None, "new_holder": people.cologne.pk, "note": "", "reference": "loan 1"}

    def test_a_return_brings_it_back_to_a_store_location(self, people):
        store = LocationFactory(code="RET-1")
        sample = make_sample()
        sample_record_custody(actor=people.curator, sample=sample, kind="received", holder_institution=people.stony)
        sample_record_custody(actor=people.curator, sample=sample, kind="returned", location=store)
        sample.refresh_from_db()
        assert sample.holder_institution is None and sample.location == store
        assert list(CustodyEvent.objects.filter(sample=sample).values_list("kind", flat=True)) == ["registered", "received", "returned"]

    def test_shipping_records_the_event_without_changing_the_holder(self, people):
        sample = make_sample()
        sample_record_custody(actor=people.curator, sample=sample, kind="shipped", note="courier")
        sample.refresh_from_db()
        assert sample.holder_institution is None and last_event("sample.custody_shipped").actor == people.curator

    def test_it_refuses_an_unknown_kind(self, people):
        sample = make_sample()
        with pytest.raises(ValidationFailed):
            sample_record_custody(actor=people.curator, sample=sample, kind="teleported")
        assert CustodyEvent.objects.filter(sample=sample).count() == 1
