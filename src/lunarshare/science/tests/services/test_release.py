"""dataset_release and the daily release: due data open once, watchers hear of it, twice is harmless."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from lunarshare.accounts.models import Notification
from lunarshare.errors import InvalidTransition, PermissionDeniedError
from lunarshare.science.models import Dataset, DatasetStatus, Measurement
from lunarshare.science.services import dataset_release, release_due_datasets, watch_start
from lunarshare.science.tasks import release_embargoes
from lunarshare.testing.helpers import last_event

from ..factories import basalts, make_dataset, make_loan, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def embargoed(people):
    samples = basalts()
    dataset = make_dataset(people.alice, loan=make_loan(people, received_days_ago=400), samples=[samples["12022"]])
    upload(people.alice, dataset, "12022,TiO2,4.54,wt%,,,XRF")
    return dataset


def test_the_daily_release_opens_due_datasets_and_tells_watchers(people, embargoed, django_capture_on_commit_callbacks):
    watch_start(actor=people.bob, dataset=embargoed)
    watch_start(actor=people.reviewer, mission=embargoed.samples.get().mission)
    with django_capture_on_commit_callbacks(execute=True):
        run = release_due_datasets(today=timezone.localdate())
    embargoed.refresh_from_db()
    assert run.released == [embargoed.pk]
    assert embargoed.status == DatasetStatus.RELEASED and embargoed.released_at is not None
    assert Measurement.objects.get().public is True
    event = last_event("dataset.released")
    assert event.actor is None and event.data["measurements"] == 1 and event.data["early"] is False
    assert set(Notification.objects.filter(verb="science.dataset_released").values_list("user__username", flat=True)) == {
        "bob", "revi"}
    assert len(mail.outbox) == 2


def test_running_the_release_twice_releases_nothing_twice(embargoed):
    today = timezone.localdate()
    assert release_due_datasets(today=today).released == [embargoed.pk]
    released_at = Dataset.objects.get().released_at
    assert release_due_datasets(today=today).released == []
    assert Dataset.objects.get().released_at == released_at
    from lunarshare.audit.models import Event

    assert Event.objects.filter(verb="lunarshare.dataset.released").count() == 1


def test_it_does_not_release_before_the_date(embargoed):
    assert release_due_datasets(today=embargoed.embargo_until - dt.timedelta(days=1)).released == []
    with pytest.raises(InvalidTransition):
        dataset_release(actor=None, dataset=embargoed, today=embargoed.embargo_until - dt.timedelta(days=1))
    assert Dataset.objects.get().status == DatasetStatus.EMBARGOED


def test_the_command_releases_up_to_the_given_date_and_is_idempotent(embargoed):
    out = StringIO()
    call_command("release_embargoes", "--date", embargoed.embargo_until.isoformat(), stdout=out)
    assert "1 dataset(s) released" in out.getvalue()
    out = StringIO()
    call_command("release_embargoes", "--date", embargoed.embargo_until.isoformat(), stdout=out)
    assert "0 dataset(s) released" in out.getvalue()


def test_the_celery_task_releases_and_is_scheduled_daily(embargoed, settings):
    assert release_embargoes.delay(embargoed.embargo_until.isoformat()).get() == {"released": [embargoed.pk],
                                                                                 "already_released": 0}
    assert settings.CELERY_BEAT_SCHEDULE["science-release-embargoes"]["task"] == "science.release_embargoes"


def test_the_team_may_release_early_but_an_outsider_may_not(people, embargoed):
    with pytest.raises(PermissionDeniedError):
        dataset_release(actor=people.bob, dataset=embargoed)
    dataset_release(actor=people.alice, dataset=embargoed,
                    today=embargoed.embargo_until - dt.timedelta(days=100))
    assert last_event("dataset.released").data["early"] is True


def test_a_released_dataset_cannot_be_released_again(people, embargoed):
    dataset_release(actor=people.officer, dataset=embargoed)
    with pytest.raises(InvalidTransition):
        dataset_release(actor=people.officer, dataset=embargoed)
