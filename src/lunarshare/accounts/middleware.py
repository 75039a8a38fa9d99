"""Make curators, officers and committee members set up TOTP when the setting asks for it."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .models import ROLES_REQUIRING_2FA


class RequireTwoFactorForStaffRolesMiddleware:
    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/media/", "/api/", "/en/accounts/", "/zh-hans/accounts/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LUNARSHARE_REQUIRE_2FA_FOR_STAFF and self._needs_setup(request):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    def _needs_setup(self, request) -> bool:
        user = getattr(request, "user", None)
        if not user or not user.is_authenticated or request.path.startswith(self.EXEMPT_PREFIXES):
            return False
        if not user.has_role(*ROLES_REQUIRING_2FA):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
