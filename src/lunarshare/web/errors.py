"""Error pages and the answer to a busy database, in one place.

- ``page_not_found``/``permission_denied``/``bad_request``/``server_error`` are the project's
  ``handler404/403/400/500``: under ``/api/`` the API's JSON error shape, elsewhere the site's
  own styled pages in the request's language (the 500
  page extends nothing, so it renders even when the database is down). They answer the same
  with ``DEBUG`` on, because ``make demo`` serves its static files through WhiteNoise and no
  longer needs Django's debug 404 page (see ``docs/decisions.md``).
- A request that is too large (:class:`lunarshare.uploads.UploadTooLarge`) gets the 400 page
  with the reason and status 413.
- :class:`DatabaseBusyMiddleware`: on SQLite a writer that still finds the write lock taken
  after the busy timeout gets ``OperationalError: database is locked``; it is answered 503 with
  ``Retry-After`` and a clear message (JSON under ``/api/``, the styled page elsewhere), never 500.
  The DRF exception handler uses :func:`is_database_busy` and :func:`busy_message` too.
"""

from __future__ import annotations

import sqlite3

from django.db import OperationalError
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils.translation import gettext as _

from lunarshare.uploads import UploadTooLarge

RETRY_AFTER_SECONDS = 5


def is_database_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" (Django's wrapper or the driver's own error)."""
    return isinstance(exc, OperationalError | sqlite3.OperationalError) and "database is locked" in str(exc)


def busy_message() -> str:
    return _("The database is busy with another change (for example a large import). Nothing was changed; "
             "please try again in a few seconds.")


CODES = {400: "invalid", 403: "forbidden", 404: "not_found", 413: "too_large", 500: "server_error",
         503: "database_busy"}


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(status: int, message: str):
    """The API's error shape (as ``lunarshare.api.exception_handler``), for errors raised before DRF."""
    return JsonResponse({"message": str(message), "code": CODES.get(status, "error"), "extra": {}}, status=status)


def _page(request, status: int, title: str, message: str):
    if _is_api(request):
        return _json(status, message)
    return render(request, "error.html", {"status": status, "title": title, "message": message}, status=status)


def page_not_found(request, exception=None):
    return _page(request, 404, _("Page not found"),
                 _("There is no page at this address, or it is not available to you. Check the address, "
                   "or start again from the home page."))


def permission_denied(request, exception=None):
    # A refusal raised by a service carries its reason in the person's words ("The role … is
    # granted by two officers"); Django's own PermissionDenied carries none.
    reason = str(exception) if exception is not None and str(exception) else _("You may not do this.")
    return _page(request, 403, _("Not allowed"), reason)


def bad_request(request, exception=None):
    if isinstance(exception, UploadTooLarge):
        return _page(request, 413, _("Upload too large"), str(exception))
    return _page(request, 400, _("Bad request"), _("The request could not be understood. Nothing was changed."))


def server_error(request):
    if _is_api(request):
        return _json(500, _("Something went wrong. The error has been logged."))
    return HttpResponseServerError(get_template("500.html").render({"request": request}))


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_busy(exception):
            return None
        response = _page(request, 503, _("Busy, please retry"), busy_message())
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
