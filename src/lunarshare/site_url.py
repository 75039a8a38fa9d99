"""The address the site is actually served at, for links that leave the site (e-mails).

Inside a request it is the request's own scheme and host (``Host`` checked against
``ALLOWED_HOSTS`` by Django), so a demo on port 8350 mails links to port 8350. Outside a request
(Celery, commands) it is ``settings.LUNARSHARE_SITE_URL``.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings

_request_base: ContextVar[str] = ContextVar("lunarshare_request_base", default="")


def site_url() -> str:
    """``https://host[:port]`` without a trailing slash."""
    return _request_base.get() or settings.LUNARSHARE_SITE_URL.rstrip("/")


def absolute_url(url: str) -> str:
    """``/en/loans/1/`` → ``<site_url>/en/loans/1/``; absolute URLs are left alone."""
    return site_url() + url if url.startswith("/") else url


class SiteURLMiddleware:
    """Remember the request's base URL for the duration of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            base = request.build_absolute_uri("/").rstrip("/")
        except Exception:  # DisallowedHost: leave the setting in force; Django answers 400 itself
            base = ""
        token = _request_base.set(base)
        try:
            return self.get_response(request)
        finally:
            _request_base.reset(token)
