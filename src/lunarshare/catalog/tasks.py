"""Celery tasks of the catalogue: thin wrappers around the importer and its job services."""

from __future__ import annotations

import logging

from celery import shared_task

MAX_ERRORS_IN_NOTICE = 50
log = logging.getLogger(__name__)


@shared_task(name="catalog.import_samples_file")
def import_samples_file(job_id: int) -> dict:
    """Import the upload of an :class:`ImportJob`; the job services tell the curator the outcome
    and delete the stored copy. All or nothing, exactly like ``lunarshare import_samples``."""
    from django.core.files.storage import default_storage

    from . import import_jobs
    from .importer import ImportRejected, samples_import
    from .models import ImportJob

    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    if not import_jobs.import_job_start(job=job):
        return {"created": 0, "skipped": True}
    try:
        with default_storage.open(job.upload, "rb") as source:
            result = samples_import(actor=job.requested_by, source=source, filename=job.filename,
                                    progress=import_jobs.Heartbeat(job))
    except ImportRejected as exc:
        lines = "\n".join(str(error) for error in exc.errors[:MAX_ERRORS_IN_NOTICE])
        more = len(exc.errors) - MAX_ERRORS_IN_NOTICE
        import_jobs.import_job_reject(job=job, errors=lines + (f"\n… (+{more})" if more > 0 else ""))
        return {"created": 0, "errors": len(exc.errors)}
    except Exception as exc:  # noqa: BLE001 - the job must end and the curator be told, whatever happened
        log.exception("import job %s failed", job.pk)
        message = getattr(exc, "message", None) or exc.__class__.__name__
        import_jobs.import_job_fail(job=job, reason=str(message))
        return {"created": 0, "failed": True}
    import_jobs.import_job_finish(job=job, summary=result.summary())
    return {"created": result.created, "skipped": result.skipped, "errors": 0}


@shared_task(name="catalog.sweep_stale_imports")
def sweep_stale_imports() -> int:
    """Fail the background imports whose worker died (see ``catalog.import_jobs``)."""
    from .import_jobs import import_jobs_sweep

    return import_jobs_sweep()
