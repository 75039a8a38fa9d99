"""Typed domain errors, rendered in one place.

Services raise a subclass of :class:`DomainError`; the DRF exception handler in
``lunarshare.api`` and the web views turn it into ``{"message": ..., "code": ..., "extra": {...}}``
with the error's HTTP status. Messages are translatable and written for the person who made
the request, not for the developer.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every refusal a service can make. Nothing has been changed when it is raised."""

    code = "invalid"
    http_status = 400

    def __init__(self, message: Any, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        return {"message": str(self.message), "code": self.code, "extra": self.extra}


class ValidationFailed(DomainError):
    """The input is malformed or breaks a rule about values (400)."""

    code = "invalid"
    http_status = 400


class PermissionDeniedError(DomainError):
    """The actor may not do this (403)."""

    code = "forbidden"
    http_status = 403


class NotFoundError(DomainError):
    code = "not_found"
    http_status = 404


class InvalidTransition(DomainError):
    """The object is not in a state that allows this action (409)."""

    code = "invalid_transition"
    http_status = 409


class ConflictError(DomainError):
    """The action would break an invariant given concurrent or existing data (409)."""

    code = "conflict"
    http_status = 409


def bulk_transition(queryset, transitions: dict, current: Any, target: Any, *, what: str, **fields: Any) -> int:
    """Move every row of ``queryset`` that is in ``current`` to ``target`` with one UPDATE, after
    checking the model's ``TRANSITIONS`` map (the helper for bulk updates, so they obey the same
    map as single ones). Returns the number of rows changed."""
    check_transition(transitions, current, target, what=what)
    return queryset.filter(status=current).update(status=target, **fields)


def check_transition(transitions: dict, current: Any, target: Any, *, what: str) -> None:
    """Raise InvalidTransition unless ``target`` is reachable from ``current`` in ``transitions``.

    Every stateful model keeps one explicit ``TRANSITIONS`` map; services call this guard so
    the allowed moves live in one place per model.
    """
    from django.utils.translation import gettext as _

    if target not in transitions.get(current, ()):
        raise InvalidTransition(
            _("%(what)s cannot go from “%(current)s” to “%(target)s”.")
            % {"what": what, "current": getattr(current, "label", current), "target": getattr(target, "label", target)},
            current=str(current),
            target=str(target),
        )
