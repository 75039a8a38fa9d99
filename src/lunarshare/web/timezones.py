"""The viewer's time zone: one rule for every time on every page.

* Round deadlines are shown in the round's own zone, with the zone named, and the visitor's
  local time beside it (``{% deadline %}``; ``web/static/web/time.js`` adds the local time).
* Every other time is shown in the viewer's zone, with the zone named (``{% moment %}``).

The viewer's zone is the browser's: ``time.js`` stores ``Intl`` 's zone in the ``tz`` cookie and
this middleware activates it; until then (first page, no JavaScript) it is ``settings.TIME_ZONE``.
"""

from __future__ import annotations

import re
import zoneinfo

from django.utils import timezone

COOKIE = "tz"
# IANA names only ("Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC"): never a path.
_ZONE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}$")


def zone_from_name(name: str | None) -> zoneinfo.ZoneInfo | None:
    if not name or len(name) > 64 or not _ZONE_NAME.match(name):
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class ViewerTimezoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = zone_from_name(request.COOKIES.get(COOKIE))
        if zone is not None:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
