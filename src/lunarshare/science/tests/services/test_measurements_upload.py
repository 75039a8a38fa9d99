"""measurements_upload: all rows or none, idempotent, audited, refused to outsiders."""

from decimal import Decimal

import pytest

from lunarshare.errors import PermissionDeniedError
from lunarshare.science.models import Measurement
from lunarshare.science.services import MeasurementUploadError, dataset_release, measurements_upload
from lunarshare.testing.helpers import last_event

from ..factories import basalts, csv_text, make_dataset, make_loan, upload

pytestmark = pytest.mark.django_db
ROWS = ("12022,TiO2,4.54,wt%,,,XRF", "12022,Ar-Ar age,3.18,Ga,0.04,2s,plateau", "CE5C0000YJYX048,Pb-Pb age,2040,Ma,22,2s,SIMS")


def test_it_imports_every_row_with_canonical_values_and_records_the_upload(people):
    basalts()
    dataset = make_dataset(people.curator)
    result = upload(people.curator, dataset, *ROWS)
    assert result.as_dict() == {"created": 3, "updated": 0, "unchanged": 0}
    age = Measurement.objects.get(sample__identifier="CE5C0000YJYX048")
    assert (age.value, age.unit, age.value_canonical, age.mission.code, age.public) == (Decimal("2040"), "Ma", 2.04, "CE5", False)
    assert set(dataset.samples.values_list("identifier", flat=True)) == {"12022", "CE5C0000YJYX048"}
    event = last_event("dataset.measurements_uploaded")
    assert event.actor == people.curator and event.data["created"] == 3 and len(event.data["sha256"]) == 64


def test_uploading_the_same_file_again_changes_nothing(people):
    basalts()
    dataset = make_dataset(people.curator)
    upload(people.curator, dataset, *ROWS)
    before = list(Measurement.objects.order_by("pk").values())
    first_event = last_event("dataset.measurements_uploaded")
    assert upload(people.curator, dataset, *ROWS).as_dict() == {"created": 0, "updated": 0, "unchanged": 3}
    assert list(Measurement.objects.order_by("pk").values()) == before
    assert last_event() == first_event  # nothing changed, so nothing is audited


def test_a_corrected_value_updates_its_row_in_place(people):
    basalts()
    dataset = make_dataset(people.curator)
    upload(people.curator, dataset, *ROWS)
    result = upload(people.curator, dataset, "12022,TiO2,4.60,wt%,,,XRF")
    assert result.as_dict() == {"created": 0, "updated": 1, "unchanged": 0}
    assert Measurement.objects.get(property="TiO2").value == Decimal("4.6")
    assert Measurement.objects.count() == 3


def test_one_bad_row_imports_nothing_and_every_error_is_listed(people):
    basalts()
    dataset = make_dataset(people.curator)
    with pytest.raises(MeasurementUploadError) as caught:
        upload(people.curator, dataset, *ROWS, "99999,TiO2,4,wt%,,,", "12022,FeO,x,wt%,,,")
    assert [(e["line"], e["column"]) for e in caught.value.extra["errors"]] == [(5, "sample"), (6, "value")]
    assert caught.value.http_status == 400
    assert not Measurement.objects.exists()
    assert last_event("dataset.measurements_uploaded") is None


def test_rows_uploaded_to_a_released_dataset_are_public_at_once(people):
    basalts()
    dataset = make_dataset(people.curator)
    dataset_release(actor=people.curator, dataset=dataset)
    upload(people.curator, dataset, ROWS[0])
    assert Measurement.objects.get().public is True


def test_it_refuses_someone_outside_the_loan(people):
    basalts()
    dataset = make_dataset(people.alice, loan=make_loan(people))
    with pytest.raises(PermissionDeniedError):
        measurements_upload(actor=people.bob, dataset=dataset, content=csv_text(*ROWS))
    assert not Measurement.objects.exists()
    upload(people.alice, dataset, *ROWS)
    assert Measurement.objects.count() == 3
