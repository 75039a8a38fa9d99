"""Project-wide API plumbing: the one exception handler and the pagination."""

from __future__ import annotations

import functools
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.drainage import set_override
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError
from .uploads import UploadTooLarge
from .web.errors import RETRY_AFTER_SECONDS, busy_message, is_database_busy

log = logging.getLogger(__name__)


class CountedPagination(PageNumberPagination):
    """``count``, ``next``, ``previous``, ``results``; clients may ask for up to 500 rows a page."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_number(self, request, paginator):
        """``?page=`` through the one integer parser: ``?page=٣`` is page 3, ``?page=²`` a 400."""
        from .permissions import query_int

        return query_int(request.query_params, self.page_query_param, 1)


@functools.cache
def paginated(serializer_class):
    """The documented shape of a :func:`paginated_response` answer, for ``extend_schema(responses=...)``:
    ``count``/``next``/``previous``/``results`` (the schema must not claim a bare array)."""
    page = inline_serializer(f"Paginated{serializer_class.__name__}List", {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": serializer_class(many=True),
    })
    set_override(page, "many", False)  # a ViewSet's ``list`` must not be wrapped in an array again
    return page


def paginated_response(request, view, queryset, serializer_class, **serializer_kwargs) -> Response:
    """One page of ``queryset`` serialised in the ``count``/``next``/``results`` shape, for API
    views that build their list by hand (selectors, per-user visibility)."""
    paginator = CountedPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, **serializer_kwargs).data)


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            inner = _first_message(value)
            return inner if key in ("non_field_errors", "detail") else f"{key}: {inner}"
    if isinstance(detail, list | tuple) and detail:
        return _first_message(detail[0])
    return str(detail)


def exception_handler(exc, context):
    """Render every error as ``{"message", "code", "extra"}``.

    Domain errors carry their own status; DRF's validation errors keep their field detail in
    ``extra.fields`` and get a readable first message; anything unexpected is logged and
    becomes a 500 with no internals (Django's test client still raises it in tests).
    """
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.http_status)
    if isinstance(exc, UploadTooLarge):
        return Response({"message": str(exc), "code": "too_large", "extra": {}}, status=413)
    if is_database_busy(exc):
        return Response({"message": busy_message(), "code": "database_busy", "extra": {}}, status=503,
                        headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, OverflowError):
        exc = exceptions.ValidationError(_("A number is too large."))
    elif isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith("JSON parse error"):
        # DRF does not translate this one; the parser's own detail stays as a technical hint.
        detail = str(exc.detail).removeprefix("JSON parse error - ")
        exc = exceptions.ParseError(_("The request body is not valid JSON (%(detail)s).") % {"detail": detail})

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {"message": _first_message(exc.detail), "code": "invalid", "extra": {"fields": exc.detail}}
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        if isinstance(exc, exceptions.PermissionDenied) and code in ("permission_denied", "error"):
            # The same code whether the door (RulePermission) or the service refused; a refusal
            # that names its reason (mfa_setup_required, otp_required…) keeps its own code.
            code = "forbidden"
        body = {"message": _first_message(detail), "code": code, "extra": {}}
    response.data = body
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Token"
    return response
