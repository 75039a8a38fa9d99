"""The one way to follow a ``next`` parameter: only to a path on our own host.

``//evil.example``, ``https://evil.example``, ``/\\evil.example`` and ``javascript:`` URLs are
refused by Django's ``url_has_allowed_host_and_scheme``; the caller's default is used instead.
"""

from __future__ import annotations

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, candidate: str | None) -> str | None:
    """``candidate`` if it stays on this host (and on https when the request is), else ``None``."""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return None


def redirect_next(request, default, *args, **kwargs):
    """Redirect to the request's ``next`` (POST, then GET) when it is safe, else to ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next")
    target = safe_next(request, candidate)
    return redirect(target) if target else redirect(default, *args, **kwargs)
