"""Background imports end, whatever happens: imported, refused, failed, or found interrupted;
the upload is deleted and the curator told each time."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lunarshare.accounts.models import Notification
from lunarshare.catalog import import_jobs
from lunarshare.catalog.models import ImportJob, Sample
from lunarshare.catalog.tasks import import_samples_file, sweep_stale_imports
from lunarshare.testing.factories import MissionFactory
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db

GOOD = b"identifier,mission,parent,type,category,mass_mg,description,location\nX1,A11,,basalt,research,1,,\n"


@pytest.fixture
def queued(people, monkeypatch):
    """A queued job whose task has not run (the broker holds it)."""
    MissionFactory(code="A11")
    monkeypatch.setattr(import_samples_file, "delay", lambda job_id: None)
    return import_jobs.import_job_queue(actor=people.curator, upload=SimpleUploadedFile("big.csv", GOOD))


def test_the_upload_is_kept_under_a_private_name_until_the_job_ends(queued, django_capture_on_commit_callbacks):
    assert queued.upload.startswith("private/imports/") and default_storage.exists(queued.upload)
    with django_capture_on_commit_callbacks(execute=True):
        import_samples_file(queued.pk)
    queued.refresh_from_db()
    assert queued.status == ImportJob.Status.DONE and Sample.objects.filter(identifier="X1").exists()
    assert not default_storage.exists(queued.upload)


def test_a_killed_worker_is_found_by_the_sweep(people, queued, django_capture_on_commit_callbacks):
    import_jobs.import_job_start(job=queued)  # the worker took it ... and was killed
    ImportJob.objects.filter(pk=queued.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_stale_imports() == 1
    queued.refresh_from_db()
    assert queued.status == ImportJob.Status.FAILED and "interrupted" in queued.result
    assert not default_storage.exists(queued.upload)
    notice = Notification.objects.get(user=people.curator, verb="catalog.import_failed")
    assert "big.csv" in notice.title
    assert last_event("import_job.failed").data["old_status"] == "running"


def test_a_job_still_alive_is_left_alone(queued):
    import_jobs.import_job_start(job=queued)
    assert import_jobs.import_jobs_sweep() == 0
    assert ImportJob.objects.get(pk=queued.pk).status == ImportJob.Status.RUNNING


def test_a_redelivered_task_fails_the_job_instead_of_importing_twice(people, queued, django_capture_on_commit_callbacks):
    import_jobs.import_job_start(job=queued)  # the first worker died here
    with django_capture_on_commit_callbacks(execute=True):
        assert import_samples_file(queued.pk) == {"created": 0, "skipped": True}
    assert ImportJob.objects.get(pk=queued.pk).status == ImportJob.Status.FAILED
    assert not Sample.objects.exists() and not default_storage.exists(queued.upload)
    assert Notification.objects.filter(user=people.curator, verb="catalog.import_failed").exists()


def test_an_unexpected_error_fails_the_job_and_tells_the_curator(people, queued, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    from lunarshare.catalog import importer

    def broken(**kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(importer, "samples_import", broken)
    with django_capture_on_commit_callbacks(execute=True):
        import_samples_file(queued.pk)
    assert ImportJob.objects.get(pk=queued.pk).status == ImportJob.Status.FAILED
    assert not default_storage.exists(queued.upload)
    assert Notification.objects.filter(user=people.curator, verb="catalog.import_failed").exists()


def test_only_a_curator_queues_an_import(people):
    from lunarshare.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        import_jobs.import_job_queue(actor=people.alice, upload=SimpleUploadedFile("x.csv", GOOD))
    assert not ImportJob.objects.exists()


def test_the_sweep_is_scheduled(settings):
    assert settings.CELERY_BEAT_SCHEDULE["catalog-sweep-stale-imports"]["task"] == "catalog.sweep_stale_imports"
