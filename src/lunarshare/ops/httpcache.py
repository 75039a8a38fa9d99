"""HTTP caching of public answers: validators from the audit chain head, 304s, Cache-Control.

Every change to the data writes an audit event, so the chain head (its ``seq`` and the time of
its newest event) is a validator for everything the public can see: it only moves when
something changed. One indexed query per request.

A GET that answers ``200`` to an anonymous client (no session cookie, no ``Authorization``),
sets no cookie and renders no CSRF token is public: it gets ``ETag``, ``Last-Modified`` and
``Cache-Control: public, max-age=LUNARSHARE_PUBLIC_MAX_AGE`` (a CDN or proxy may keep it that
long) plus ``Vary: Cookie, Accept-Language``. A matching ``If-None-Match`` or
``If-Modified-Since`` from an anonymous client is answered ``304`` before any view runs.
Everything else the site answers (a logged-in person's pages, forms with a CSRF token, a
response that sets a cookie) is marked ``Cache-Control: private`` so no shared cache keeps it.

The same public answers are also kept in the shared cache (Redis in production) for
``LUNARSHARE_PAGE_CACHE_SECONDS``, keyed by the chain head, language, ``Accept`` header and
full path: the next anonymous visitor of that page, on any app server, gets it without the view
running, until the next audited change moves the head and so every key.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import get_language_from_request

SAFE = ("GET", "HEAD")


def chain_head() -> tuple[int, dt.datetime | None]:
    """The newest audit event's ``seq`` and time (``0, None`` before the first event)."""
    from lunarshare.audit.models import Event

    row = Event.objects.order_by("-seq").values_list("seq", "created_at").first()
    return row if row else (0, None)


def _anonymous(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "Authorization" not in request.headers


def _etag(seq: int, request) -> str:
    from lunarshare.web.timezones import COOKIE, zone_from_name

    release = getattr(settings, "LUNARSHARE_RELEASE", "")
    # The language the page will be in (from its /en/ or /zh-hans/ prefix, else the request's),
    # and the viewer's time zone, in which the page shows its times (web/timezones.py).
    zone = zone_from_name(request.COOKIES.get(COOKIE))
    zone_key = zone.key.replace("/", ".") if zone else "default"
    return quote_etag(f"{release}-{get_language_from_request(request, check_path=True)}-{zone_key}-{seq}")


def _page_key(etag: str, request) -> str:
    what = f"{request.method}|{request.get_full_path()}|{request.headers.get('Accept', '')}"
    return f"httpcache:page:{etag}:{hashlib.sha256(what.encode()).hexdigest()}"


def _not_modified(request, etag: str, modified: dt.datetime | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return etag in tags or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and modified is not None and int(modified.timestamp()) <= since


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE:
            return self.get_response(request)
        seq, modified = None, None
        page_seconds = settings.LUNARSHARE_PAGE_CACHE_SECONDS
        if _anonymous(request) and (page_seconds or "If-None-Match" in request.headers
                                    or "If-Modified-Since" in request.headers):
            seq, modified = chain_head()
            etag = _etag(seq, request)
            if _not_modified(request, etag, modified):
                response = HttpResponseNotModified()
                self._mark_public(response, etag, modified)
                return response
            kept = cache.get(_page_key(etag, request)) if page_seconds else None
            if kept is not None:
                status, headers, content = kept
                response = HttpResponse(content, status=status)
                for header, value in headers:
                    response[header] = value
                return response
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response  # the view decided (never_cache, the statistics API, files)
        user = getattr(request, "user", None)
        public = (
            response.status_code == 200 and _anonymous(request)
            and not getattr(user, "is_authenticated", False)
            and not response.cookies and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        )
        if not public:
            patch_cache_control(response, private=True, no_cache=True)
            return response
        if seq is None:
            seq, modified = chain_head()
        etag = _etag(seq, request)
        self._mark_public(response, etag, modified)
        if page_seconds and not response.streaming:
            cache.set(_page_key(etag, request), (response.status_code, list(response.items()), response.content),
                      page_seconds)
        return response

    @staticmethod
    def _mark_public(response, etag: str, modified: dt.datetime | None) -> None:
        response["ETag"] = etag
        if modified is not None:
            response["Last-Modified"] = http_date(modified.timestamp())
        patch_cache_control(response, public=True, max_age=settings.LUNARSHARE_PUBLIC_MAX_AGE)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
