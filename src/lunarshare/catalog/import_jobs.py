"""Background catalogue imports: queue, start, finish, and the sweep that ends interrupted ones.

Every transition is a service here (guard → lock → change → audit → on-commit side effects);
``catalog.tasks`` only calls them. Whatever way a job ends (imported, refused, failed, or
found interrupted), its stored upload is deleted and the curator gets a notification.

An *interrupted* job is one whose worker died (killed, out of memory, host restarted): its
status stays ``queued``/``running`` and its heartbeat stops. Two checks find it:

- the periodic sweep (``catalog.sweep_stale_imports``, every 10 minutes) fails every job with
  no heartbeat for ``LUNARSHARE_IMPORT_STALE_MINUTES``;
- the at-start check: a task that is handed a job already ``running`` (the broker redelivered
  the message of a worker that died) fails it instead of importing the file a second time.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lunarshare import audit, files
from lunarshare.accounts.notify import notify_on_commit
from lunarshare.errors import PermissionDeniedError, check_transition

from .models import ImportJob

Status = ImportJob.Status
HEARTBEAT_SECONDS = 30


def _stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "LUNARSHARE_IMPORT_STALE_MINUTES", 30))


def _delete_upload(name: str) -> None:
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def _move(job: ImportJob, target: str, *, actor, result: str = "") -> ImportJob:
    """Lock the job, check the transition, change it, audit it (inside the caller's atomic block)."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    check_transition(ImportJob.TRANSITIONS, job.status, target, what=_("The import"))
    old = job.status
    job.status = target
    fields = ["status"]
    if target == Status.RUNNING:
        job.heartbeat_at = timezone.now()
        fields.append("heartbeat_at")
    else:
        job.finished_at, job.result = timezone.now(), result
        fields += ["finished_at", "result"]
        _delete_upload(job.upload)
    job.save(update_fields=fields)
    audit.record(actor=actor, verb=f"import_job.{target}", obj=job,
                 data={"file": job.filename, "old_status": old, "new_status": target, "result": result[:500]})
    return job


def import_job_queue(*, actor, upload) -> ImportJob:
    """Store ``upload`` under a private name and queue its import (the task starts on commit)."""
    if not actor.has_perm("catalog.import_samples"):
        raise PermissionDeniedError(_("Only a curator may import samples."))
    name = default_storage.save(files.private_name("imports", "upload.csv"), upload)
    with transaction.atomic():
        job = ImportJob.objects.create(filename=upload.name[:255], upload=name, requested_by=actor)
        audit.record(actor=actor, verb="import_job.queued", obj=job, data={"file": job.filename})
        from .tasks import import_samples_file

        transaction.on_commit(lambda: import_samples_file.delay(job.pk))
    return job


def import_job_start(*, job: ImportJob) -> bool:
    """System: the worker takes the job. ``False`` when it must not run (see the at-start check)."""
    with transaction.atomic():
        current = ImportJob.objects.select_for_update().get(pk=job.pk)
        if current.status == Status.RUNNING:  # a redelivered message: the first worker died
            _fail(current, _("The import was interrupted (the worker stopped); nothing was imported."))
            return False
        if current.status != Status.QUEUED:
            return False
        _move(current, Status.RUNNING, actor=None)
    return True


def import_job_heartbeat(*, job: ImportJob) -> None:
    """System: the worker is alive. Not a state change, so no audit event."""
    ImportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(heartbeat_at=timezone.now())


def import_job_finish(*, job: ImportJob, summary: str) -> None:
    """System: the file was imported."""
    with transaction.atomic():
        job = _move(job, Status.DONE, actor=None, result=summary)
        notify_on_commit([job.requested_by_id], verb="catalog.import_done", url=reverse("catalog:curator-home"),
                         body=summary, title=_("Import of %(file)s finished") % {"file": job.filename})


def import_job_reject(*, job: ImportJob, errors: str) -> None:
    """System: the file has errors; nothing was imported."""
    with transaction.atomic():
        job = _move(job, Status.REJECTED, actor=None, result=errors)
        notify_on_commit([job.requested_by_id], verb="catalog.import_rejected", url=reverse("catalog:curator-home"),
                         body=errors, title=_("Import of %(file)s refused: nothing was imported") % {"file": job.filename})


def _fail(job: ImportJob, reason: str) -> ImportJob:
    job = _move(job, Status.FAILED, actor=None, result=str(reason))
    notify_on_commit([job.requested_by_id], verb="catalog.import_failed", url=reverse("catalog:curator-home"),
                     body=reason, title=_("Import of %(file)s failed: nothing was imported") % {"file": job.filename})
    return job


def import_job_fail(*, job: ImportJob, reason: str) -> None:
    """System: the import stopped on an unexpected error; the transaction rolled back."""
    with transaction.atomic():
        _fail(job, reason)


def import_jobs_sweep(*, now=None) -> int:
    """System: fail every queued or running job without a heartbeat for the stale period."""
    cutoff = (now or timezone.now()) - _stale_after()
    stale = ImportJob.objects.filter(Q(status=Status.RUNNING, heartbeat_at__lt=cutoff)
                                     | Q(status=Status.QUEUED, created_at__lt=cutoff))
    count = 0
    for job in stale.order_by("id"):
        with transaction.atomic():
            _fail(job, _("The import was interrupted (no sign of life for %(minutes)s minutes); nothing was "
                         "imported. Upload the file again.") % {"minutes": int(_stale_after().total_seconds() // 60)})
        count += 1
    return count


class Heartbeat:
    """A progress object for the importer that records a heartbeat at most every 30 seconds."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.last = timezone.now()

    def update(self, n: int = 1) -> None:
        now = timezone.now()
        if (now - self.last).total_seconds() >= HEARTBEAT_SECONDS:
            self.last = now
            import_job_heartbeat(job=self.job)

    def reset(self, total=None) -> None:
        pass

    def set_description(self, text: str) -> None:
        pass
