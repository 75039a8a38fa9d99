"""``Authorization: Token <key>`` backed by django-rest-knox (hashed, expiring tokens).

On top of knox: the token must still match its owner's password (a password changed by any
path invalidates it), its owner must satisfy the second-factor rule that pages follow, and its
last use is recorded (at most once a minute, so reads stay reads).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions

from .security import REFUSALS, second_factor_refusal


def password_fingerprint(user) -> str:
    """Changes whenever the password does (Django's session hash of the password hash)."""
    return user.get_session_auth_hash()


class TokenAuthentication(KnoxTokenAuthentication):
    def validate_user(self, auth_token):
        user = auth_token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is disabled."), code="inactive")
        if auth_token.password_fingerprint != password_fingerprint(user):
            auth_token.delete()
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        refusal = second_factor_refusal(user, token=auth_token)
        if refusal:
            raise exceptions.PermissionDenied(REFUSALS[refusal], code=refusal)
        now = timezone.now()
        if auth_token.last_used_at is None or now - auth_token.last_used_at > timedelta(minutes=1):
            type(auth_token).objects.filter(pk=auth_token.pk).update(last_used_at=now)
            auth_token.last_used_at = now
        return user, auth_token


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the header: ``Authorization: Token <key>``."""

    target_class = "lunarshare.accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
