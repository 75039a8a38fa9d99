"""Make curators, officers and committee members set up TOTP when the setting asks for it.

Pages redirect to the set-up page; API calls made with the session get a JSON 403 with the same
rule (token calls are checked by ``accounts.authentication.TokenAuthentication``).
"""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .security import REFUSALS, second_factor_refusal


class RequireTwoFactorForStaffRolesMiddleware:
    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/media/", "/en/accounts/", "/zh-hans/accounts/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self._refusal(request)
        if refusal is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"message": str(REFUSALS[refusal]), "code": refusal, "extra": {}}, status=403)
        return redirect(reverse("mfa_activate_totp"))

    def _refusal(self, request) -> str | None:
        user = getattr(request, "user", None)
        if not user or not user.is_authenticated or request.path.startswith(self.EXEMPT_PREFIXES):
            return None
        return second_factor_refusal(user)
