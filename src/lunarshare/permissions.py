"""One way to authorize.

* Services call :func:`require` first: ``require(actor, "loans.ship", loan)`` raises the domain
  :class:`~lunarshare.errors.PermissionDeniedError` unless the ``rules`` permission holds.
  Predicates live in each app's ``rules.py``; nothing else knows which role may do what.
* Web views declare their rule with :func:`rule_required` (or :func:`public`); DRF views declare
  ``permission_rules = {"<action or method>": "<perm>" | PUBLIC}`` and use :class:`RulePermission`
  (the project's default permission class). A rule that needs an object (its predicate takes
  two arguments) is checked by the service once the object is fetched; fetch-and-authorize
  selectors (``loan_get_for_user`` …) answer 404 for what the person may not see.
* :func:`query_int` and :func:`query_int_list` are the one parser of integer query parameters
  (``?page=``, ``?loan=``, ``?points_limit=``, ``?ids=1,2``): bad input is a 400 with a clear
  message, never a 500.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import permissions, serializers

from .errors import PermissionDeniedError, ValidationFailed
from .public import PUBLIC, public  # noqa: F401  (one marker; see lunarshare/public.py)

#: Largest primary key PostgreSQL's bigint can hold; larger ids simply do not exist.
MAX_ID = 2**63 - 1


# --- The check ----------------------------------------------------------------------------------

def may(actor, perm: str, obj: Any = None) -> bool:
    """Does ``actor`` hold the ``rules`` permission ``perm`` (on ``obj``)? Anonymous and ``None``
    actors hold only what the predicates grant to everyone."""
    if not rules.perm_exists(perm):
        raise LookupError(f"unknown permission rule {perm!r}")
    return bool(rules.has_perm(perm, actor, obj))


def require(actor, perm: str, obj: Any = None, *, message: Any = None) -> None:
    """Raise :class:`PermissionDeniedError` unless ``actor`` holds ``perm`` (on ``obj``).

    Every service calls this before it changes anything; ``message`` says, in the user's words,
    what they may not do.

    ``actor=None`` is the system itself and only that: the demo loader, an operator's management
    command, a scheduled task (embargo release, reminders, closing due rounds). This is the one
    place that lets it through. Web pages and the API always pass ``request.user`` (an
    ``AnonymousUser`` when nobody is signed in, never None), so no request can reach it."""
    if actor is None:
        if not rules.perm_exists(perm):
            raise LookupError(f"unknown permission rule {perm!r}")
        return
    if not may(actor, perm, obj):
        raise PermissionDeniedError(message or _("You are not allowed to do this."), permission=perm)


def needs_object(perm: str) -> bool:
    """True when the rule's predicate reads the object (it takes two arguments): such a rule is
    decided by the service once the object is fetched, not at the door."""
    return _arity(rules.permissions.permissions[perm]) > 1


def _arity(predicate) -> int:
    """How many arguments a predicate reads. ``a & b``, ``a | b`` and ``~a`` are closures over
    their parts (``rules`` gives them no count of their own), so look inside."""
    if not predicate.var_args:
        return predicate.num_args
    parts = [cell.cell_contents for cell in predicate.fn.__closure__ or ()
             if isinstance(cell.cell_contents, rules.Predicate)]
    return max((_arity(part) for part in parts), default=predicate.num_args)


# --- Web views ----------------------------------------------------------------------------------

def rule_required(perm: str):
    """Declare the rule of a web view and check it at the door.

    Anonymous visitors are sent to sign in; a signed-in person without a rule that needs no
    object gets 403 (the page exists for everyone; only the action is refused). Rules that need
    the object are checked by the selector (404) and the service (403)."""
    if not rules.perm_exists(perm):
        raise LookupError(f"unknown permission rule {perm!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not needs_object(perm) and not rules.has_perm(perm, request.user):
                raise PermissionDenied(_("You are not allowed to open this page."))
            return view(request, *args, **kwargs)

        wrapper.permission_rule = perm
        return wrapper

    return decorator


# --- API views ----------------------------------------------------------------------------------

def declared_rule(view_class, action: str):
    """The rule a DRF view class declares for ``action`` (a viewset action or a lowercase HTTP
    method), or None when it declares none."""
    return (getattr(view_class, "permission_rules", None) or {}).get(action)


class RulePermission(permissions.BasePermission):
    """Reads ``view.permission_rules[<action or method>]``. Undeclared endpoints are refused
    (the URL-walk test names them); OPTIONS and HEAD follow GET."""

    message = gettext_lazy("You are not allowed to do this.")

    def has_permission(self, request, view) -> bool:
        method = request.method.lower()
        action_map = getattr(view, "action_map", None)
        if method == "options" or (method not in action_map if action_map is not None else not hasattr(view, method)):
            return True  # DRF answers 405 for a method the view does not have
        action = getattr(view, "action", None) or method
        if action == "head":
            action = "get"
        perm = declared_rule(type(view), action)
        self.message = getattr(view, "permission_message", None) or self.message
        if perm is None:
            return False
        if perm == PUBLIC:
            return True
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return needs_object(perm) or rules.has_perm(perm, user)


# --- Query parameters ---------------------------------------------------------------------------

def _parse(field: serializers.Field, name: str, raw: Any):
    try:
        return field.run_validation(raw)
    except serializers.ValidationError as exc:
        message = exc.detail[0] if isinstance(exc.detail, list) else exc.detail
        raise ValidationFailed(_("Parameter “%(name)s”: %(message)s") % {"name": name, "message": message},
                               code="invalid_parameter", parameter=name) from None


def query_int(params, name: str, default: int | None = None, *, min_value: int | None = 1,
              max_value: int | None = MAX_ID) -> int | None:
    """The integer ``params[name]`` (``request.GET`` or ``query_params``), or ``default`` when
    it is absent or empty. ``?page=٣`` is 3; ``?page=²``, ``?page=x`` or out-of-range values
    raise :class:`ValidationFailed` (400) naming the parameter."""
    raw = params.get(name)
    if raw is None or str(raw).strip() == "":
        return default
    return _parse(serializers.IntegerField(min_value=min_value, max_value=max_value), name, str(raw).strip())


def query_int_list(params, name: str, *, max_items: int = 100) -> list[int]:
    """``?ids=1,2,3`` (or ``?ids=1&ids=2``) as a list of positive ids; [] when absent."""
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name) or ""]
    items = [part.strip() for value in values for part in str(value).split(",") if part.strip()]
    field = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=max_items)
    return _parse(field, name, items)


def parse_id(value) -> int | None:
    """A primary key from a URL or form, or None when it cannot be one (not a number, or beyond
    a 64-bit key, which PostgreSQL would refuse with an error instead of no row)."""
    try:
        value = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_ID else None
