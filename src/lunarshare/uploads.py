"""Upload limits enforced while the bytes stream in, never after reading a whole body.

- :class:`LimitedUploadHandler` is the first of ``FILE_UPLOAD_HANDLERS``: it refuses a
  multipart request whose declared length is over ``LUNARSHARE_MAX_UPLOAD_BYTES`` before
  reading it, and stops a file as soon as its chunks pass the limit (a chunked body without a
  length is caught there). The refusal is :class:`UploadTooLarge`, a ``RequestDataTooBig``, so
  Django answers it with the styled 400 page (status 413) and the API handler with a 413 JSON
  body; nothing of the upload is kept.
- :func:`spool` copies a raw request body (``text/csv`` API uploads) into a temporary file in
  blocks, stopping at the limit, so a parser never holds the whole body in memory.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import ValidationFailed


def max_upload_bytes() -> int:
    return settings.LUNARSHARE_MAX_UPLOAD_BYTES


def too_large_message(limit: int | None = None) -> str:
    limit = max_upload_bytes() if limit is None else limit
    return _("The upload is larger than %(size)s; nothing was kept. Split it into smaller files.") % {
        "size": filesizeformat(limit)}


class UploadTooLarge(RequestDataTooBig):
    pass


class BodyTooLarge(ValidationFailed):
    code = "too_large"
    http_status = 413


class LimitedUploadHandler(FileUploadHandler):
    """Counts every file's bytes as they arrive; passes the chunk on to the next handler."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length and content_length > max_upload_bytes() + 64 * 1024:  # room for the form's other fields
            raise UploadTooLarge(too_large_message())
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_upload_bytes():
            raise UploadTooLarge(too_large_message())
        return raw_data

    def file_complete(self, file_size):
        return None


def spool(stream, limit: int, *, block: int = 64 * 1024):
    """The body of ``stream`` in a rewound temporary binary file; :class:`BodyTooLarge` past ``limit`` bytes."""
    spooled = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
    total = 0
    while chunk := stream.read(block):
        total += len(chunk)
        if total > limit:
            spooled.close()
            raise BodyTooLarge(too_large_message(limit))
        spooled.write(chunk)
    spooled.seek(0)
    return spooled
