"""dataset_create, dataset_set_embargo, dataset_attach_file: state, audit event, refusals."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lunarshare.errors import InvalidTransition, PermissionDeniedError, ValidationFailed
from lunarshare.science.models import Dataset, DatasetStatus
from lunarshare.science.services import (
    add_months,
    dataset_attach_file,
    dataset_set_embargo,
    default_embargo_until,
)
from lunarshare.testing.helpers import last_event

from ..factories import basalts, make_dataset, make_loan

pytestmark = pytest.mark.django_db


def test_a_team_member_records_a_dataset_embargoed_for_the_rounds_period(people):
    samples = basalts()
    loan = make_loan(people, received_days_ago=10)
    dataset = make_dataset(people.alice, loan=loan, samples=[samples["12022"]],
                           authors=[{"name": "Demo Applicant One", "orcid": "https://orcid.org/0000-0002-1825-0097"}],
                           doi="https://doi.org/10.5281/ZENODO.1234567")
    received = timezone.localtime(loan.received_at).date()
    assert dataset.status == DatasetStatus.EMBARGOED and dataset.embargo_until == add_months(received, 12)
    assert dataset.authors[0]["orcid"] == "0000-0002-1825-0097"
    assert dataset.doi == "10.5281/zenodo.1234567"
    assert list(dataset.samples.values_list("identifier", flat=True)) == ["12022"]
    event = last_event("dataset.created")
    assert event.actor == people.alice and event.data["loan"] == loan.pk and event.data["doi"] == dataset.doi


def test_the_embargo_follows_the_rounds_embargo_months():
    class Round:
        embargo_months = 18

    class Application:
        round = Round()

    class Loan:
        application = Application()
        received_at = timezone.make_aware(dt.datetime(2025, 1, 31, 12))

    assert default_embargo_until(Loan()) == dt.date(2026, 7, 31)
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)


def test_it_refuses_an_applicant_who_is_not_on_the_loan(people):
    loan = make_loan(people)
    with pytest.raises(PermissionDeniedError):
        make_dataset(people.bob, loan=loan)
    assert not Dataset.objects.exists()


def test_only_curators_record_the_agencys_own_data(people):
    with pytest.raises(PermissionDeniedError):
        make_dataset(people.alice)
    assert make_dataset(people.curator).loan is None


@pytest.mark.parametrize("field,value", [("doi", "10.12/too-short-prefix"), ("doi", "not a doi"),
                                         ("authors", [{"name": "X", "orcid": "0000-0002-1825-0098"}]),
                                         ("authors", [{"orcid": "0000-0002-1825-0097"}]), ("licence", "MIT")])
def test_it_refuses_bad_identifiers_and_licences(people, field, value):
    with pytest.raises(ValidationFailed):
        make_dataset(people.curator, **{field: value})
    assert not Dataset.objects.exists()


def test_it_refuses_a_doi_already_recorded(people):
    make_dataset(people.curator, doi="10.1038/s41586-021-04100-2")
    with pytest.raises(Exception) as caught:
        make_dataset(people.curator, doi="doi:10.1038/S41586-021-04100-2")
    assert getattr(caught.value, "http_status", None) == 409


def test_a_team_may_not_set_a_later_embargo_than_the_rules(people):
    loan = make_loan(people)
    with pytest.raises(PermissionDeniedError):
        make_dataset(people.alice, loan=loan, embargo_until=timezone.localdate() + dt.timedelta(days=3650))


def test_the_team_may_bring_the_embargo_forward_but_not_extend_it(people):
    dataset = make_dataset(people.alice, loan=make_loan(people))
    earlier = timezone.localdate() + dt.timedelta(days=5)
    dataset_set_embargo(actor=people.alice, dataset=dataset, embargo_until=earlier)
    dataset.refresh_from_db()
    assert dataset.embargo_until == earlier
    assert last_event("dataset.embargo_changed").data["new"] == earlier.isoformat()
    with pytest.raises(PermissionDeniedError):
        dataset_set_embargo(actor=people.alice, dataset=dataset, embargo_until=earlier + dt.timedelta(days=900))
    dataset_set_embargo(actor=people.officer, dataset=dataset, embargo_until=earlier + dt.timedelta(days=900))
    dataset.refresh_from_db()
    assert dataset.embargo_until == earlier + dt.timedelta(days=900)


def test_it_refuses_to_move_the_embargo_of_a_released_dataset(people):
    from lunarshare.science.services import dataset_release

    dataset = make_dataset(people.curator)
    dataset_release(actor=people.curator, dataset=dataset)
    with pytest.raises(InvalidTransition):
        dataset_set_embargo(actor=people.officer, dataset=dataset, embargo_until=timezone.localdate())


def test_a_file_is_stored_through_the_storage_api(people):
    dataset = make_dataset(people.curator)
    stored = dataset_attach_file(actor=people.curator, dataset=dataset,
                                 upload=SimpleUploadedFile("spectra.txt", b"1,2,3\n"))
    assert stored.file.read() == b"1,2,3\n" and stored.size == 6 and len(stored.sha256) == 64
    assert last_event("dataset.file_added").data["name"] == "spectra.txt"
    with pytest.raises(PermissionDeniedError):
        dataset_attach_file(actor=people.bob, dataset=dataset, upload=SimpleUploadedFile("x.txt", b"x"))
