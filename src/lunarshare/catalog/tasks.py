"""Celery tasks of the catalogue: thin wrappers around the importer for large uploads."""

from __future__ import annotations

from celery import shared_task

MAX_ERRORS_IN_NOTICE = 50


@shared_task(name="catalog.import_samples_file")
def import_samples_file(storage_name: str, user_id: int, filename: str) -> dict:
    """Import an uploaded CSV kept in the default storage, tell the curator the outcome, and
    delete the stored copy. All or nothing, exactly like ``lunarshare import_samples``."""
    from django.core.files.storage import default_storage
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from lunarshare.accounts.models import User
    from lunarshare.accounts.notify import notify_on_commit

    from .importer import ImportRejected, samples_import

    actor = User.objects.get(pk=user_id)
    url = reverse("catalog:curator-home")
    try:
        with default_storage.open(storage_name, "rb") as source:
            result = samples_import(actor=actor, source=source, filename=filename)
    except ImportRejected as exc:
        lines = "\n".join(str(error) for error in exc.errors[:MAX_ERRORS_IN_NOTICE])
        more = len(exc.errors) - MAX_ERRORS_IN_NOTICE
        body = lines + (f"\n… (+{more})" if more > 0 else "")
        notify_on_commit([actor], verb="catalog.import_rejected", url=url, body=body,
                         title=_("Import of %(file)s refused: nothing was imported") % {"file": filename})
        return {"created": 0, "errors": len(exc.errors)}
    finally:
        default_storage.delete(storage_name)
    notify_on_commit([actor], verb="catalog.import_done", url=url, body=result.summary(),
                     title=_("Import of %(file)s finished") % {"file": filename})
    return {"created": result.created, "skipped": result.skipped, "errors": 0}
