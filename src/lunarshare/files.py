"""Stored files: private ones under unguessable names, served only through permission-checked views.

- Private files (loan agreements and their signed copies, application attachments, dataset
  files, catalogue import uploads) live under ``private/<folder>/<random token>/<name>``
  (:func:`private_name`). Nothing serves that prefix directly: every download is a view that
  first fetches the object with the user's visibility selector (404 for anyone else) and then
  answers with :func:`attachment` (``Content-Disposition: attachment``, ``nosniff``).
- Public files (published rule PDFs, the cooperation registry's documents) keep their own
  prefixes (:data:`PUBLIC_PREFIXES`) and are served by :func:`public_media` under ``MEDIA_URL``.
  There is no blanket media route, in production or in the demo.
- :func:`save_on_commit` gives a generated document (a PDF) its final name at once and writes
  the bytes only when the transaction commits, so a rollback leaves no orphan file.
- :func:`move_to_private` is the data migrations' helper that renames files stored before this.
"""

from __future__ import annotations

import os
import posixpath
import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename

from lunarshare.public import public

PRIVATE_ROOT = "private"
PUBLIC_PREFIXES = ("rules/", "cooperation/")


def private_name(folder: str, filename: str) -> str:
    """``private/<folder>/<token>/<filename>``: the token (128 random bits) makes it unguessable."""
    name = get_valid_filename(os.path.basename(filename or "file")) or "file"
    return f"{PRIVATE_ROOT}/{folder}/{secrets.token_urlsafe(16)}/{name}"


def attachment(fieldfile, filename: str, content_type: str | None = None) -> FileResponse:
    """A stored file as a download. The caller has already checked that the user may see it."""
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public
def public_media(request, name: str):
    """Files that are public by nature (see :data:`PUBLIC_PREFIXES`); 404 for everything else."""
    clean = posixpath.normpath(name).lstrip("/")
    if clean != name or not clean.startswith(PUBLIC_PREFIXES) or not default_storage.exists(clean):
        raise Http404
    response = FileResponse(default_storage.open(clean, "rb"), filename=posixpath.basename(clean))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def save_on_commit(fieldfile, filename: str, content: bytes) -> None:
    """Name ``fieldfile`` now (its ``upload_to``), store ``content`` when the transaction commits."""
    field, instance = fieldfile.field, fieldfile.instance
    name = field.generate_filename(instance, filename)
    fieldfile.name = name
    storage = fieldfile.storage

    def write() -> None:
        stored = storage.save(name, ContentFile(content))
        if stored != name:  # the storage chose another name: keep the row truthful
            type(instance)._default_manager.filter(pk=instance.pk).update(**{field.attname: stored})

    transaction.on_commit(write)


def move_to_private(apps, app_label: str, model_name: str, field_names: list[str], folder: str) -> None:
    """Data migration step: copy every file of ``field_names`` not yet under ``private/`` to a
    private name, point the row at it, and delete the old file."""
    model = apps.get_model(app_label, model_name)
    for obj in model.objects.all().iterator():
        changed = []
        for field_name in field_names:
            fieldfile = getattr(obj, field_name)
            old = fieldfile.name
            if not old or old.startswith(f"{PRIVATE_ROOT}/"):
                continue
            storage = fieldfile.storage
            if not storage.exists(old):
                continue
            with storage.open(old, "rb") as handle:
                new = storage.save(private_name(folder, old), handle)
            storage.delete(old)
            setattr(obj, field_name, new)
            changed.append(field_name)
        if changed:
            obj.save(update_fields=changed)
