"""Two people at once: a dataset is released once, the same upload twice creates each row once."""

import threading

import pytest
from django.db import connection

from lunarshare.audit.models import Event
from lunarshare.errors import DomainError
from lunarshare.science.models import Dataset, Measurement
from lunarshare.science.services import dataset_release, measurements_upload

from ..factories import basalts, csv_text, make_dataset


def _run_twice(work):
    barrier, outcomes = threading.Barrier(2), []

    def run():
        try:
            barrier.wait()
            outcomes.append(("ok", work()))
        except DomainError as exc:
            outcomes.append(("refused", exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_releases_release_once(postgres_only, people):
    dataset = make_dataset(people.curator)
    outcomes = _run_twice(lambda: dataset_release(actor=people.officer, dataset=Dataset.objects.get(pk=dataset.pk)))
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    assert Event.objects.filter(verb="lunarshare.dataset.released").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_upload_twice_at_once_creates_each_row_once(postgres_only, people):
    basalts()
    dataset = make_dataset(people.curator)
    content = csv_text("12022,TiO2,4.54,wt%,,,XRF", "15016,TiO2,2.29,wt%,,,XRF")
    outcomes = _run_twice(lambda: measurements_upload(actor=people.curator, dataset=dataset, content=content))
    assert sorted(result.created for _, result in outcomes) == [0, 2]
    assert Measurement.objects.count() == 2
