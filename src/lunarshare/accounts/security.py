"""Who is the client, and has this person shown their second factor? One answer for every path.

``client_ip`` is the address rate limits and lockouts count against (allauth's adapter, the
token endpoint and DRF's throttles all use it or the same ``LUNARSHARE_TRUSTED_PROXIES`` count).
``second_factor_refusal`` decides for pages, session API calls, token API calls and token issue.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import ROLES_REQUIRING_2FA


def client_ip(request) -> str:
    """The client's address. ``X-Forwarded-For`` is read only when ``LUNARSHARE_TRUSTED_PROXIES``
    is above 0, and then only the entry the outermost trusted proxy appended (the rightmost
    address not written by one of our own proxies); anything a client puts to its left is ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "LUNARSHARE_TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            candidate = addresses[-min(count, len(addresses))]
            try:
                return str(ipaddress.ip_address(candidate.strip("[]")))
            except ValueError:
                pass
    return remote


def account_for_login(login: str):
    """The account a typed username or e-mail address names (the same one whichever is typed),
    or None. Failed-login counters key on it so that one account has one counter."""
    from allauth.account.models import EmailAddress

    from .models import User

    login = (login or "").strip()
    if not login:
        return None
    user = User.objects.filter(username__iexact=login).first()
    if user is None and "@" in login:
        address = EmailAddress.objects.filter(email__iexact=login).select_related("user").first()
        user = address.user if address else User.objects.filter(email__iexact=login).first()
    return user


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def must_use_second_factor(user) -> bool:
    """Staff roles must set up TOTP when ``LUNARSHARE_REQUIRE_2FA_FOR_STAFF`` is on."""
    return bool(settings.LUNARSHARE_REQUIRE_2FA_FOR_STAFF and user.has_role(*ROLES_REQUIRING_2FA))


# code → message; the codes are part of the API's error answers.
REFUSALS = {
    "mfa_setup_required": _("Your role requires two-factor authentication: set up an authenticator app "
                            "(Profile → Two-factor authentication) before using LunarShare."),
    "otp_required": _("This account uses two-factor authentication: give the code from your authenticator "
                      "app (or an unused recovery code) as “otp”."),
    "otp_invalid": _("The two-factor code is wrong or was already used."),
    "token_without_second_factor": _("This token was issued before two-factor authentication was set up; "
                                     "ask for a new one with your code."),
}


def second_factor_refusal(user, *, token=None, otp: str | None = None, issuing: bool = False) -> str | None:
    """``None`` when ``user`` has satisfied the second factor for this request, else a code of
    :data:`REFUSALS`.

    - staff who must use 2FA and have no TOTP are refused everywhere (pages, session or token API,
      token issue);
    - a person with TOTP who signs in on the web passed allauth's code step, so a session needs
      nothing more; a token must have been issued with a code (``token.second_factor``);
    - ``issuing`` a token to a person with TOTP needs a valid ``otp`` (TOTP or unused recovery
      code, checked by allauth.mfa's own authenticators; the code is used up).
    """
    if user is None or not user.is_authenticated:
        return None
    if token is None and not issuing:
        # A web session (pages and session API calls): only the set-up rule can refuse, and
        # only staff it applies to cost a query.
        return "mfa_setup_required" if must_use_second_factor(user) and not has_totp(user) else None
    if not has_totp(user):
        return "mfa_setup_required" if must_use_second_factor(user) else None
    if token is not None and not token.second_factor:
        return "token_without_second_factor"
    if issuing:
        if not (otp or "").strip():
            return "otp_required"
        if not verify_otp(user, otp.strip()):
            return "otp_invalid"
    return None


def verify_otp(user, code: str) -> bool:
    """A TOTP code or an unused recovery code of ``user`` (a recovery code is used up)."""
    from allauth.mfa.models import Authenticator

    for authenticator in Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ):
        if authenticator.wrap().validate_code(code):
            authenticator.record_usage()
            return True
    return False
