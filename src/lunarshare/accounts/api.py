"""REST API of the accounts app: token login, the public list of institutions, the current user.

``POST /api/v1/auth/token/``  username + password (+ ``otp`` with TOTP) → ``{"token": ...}`` (throttled)
``GET/POST /api/v1/auth/tokens/``, ``DELETE /api/v1/auth/tokens/<id>/``  your tokens
``GET  /api/v1/institutions/`` confirmed institutions, filters ``country``, ``kind``, ``search``
``GET  /api/v1/me/``           who the token or session belongs to, with roles and institution
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from lunarshare.errors import NotFoundError, PermissionDeniedError, ValidationFailed

from .models import ApiToken, Institution, Role, RoleGrantRequest, User
from .rules import can_apply
from .security import REFUSALS, account_for_login, client_ip, has_totp, second_factor_refusal
from .selectors import (
    institution_list,
    institution_search_q,
    person_get_for_officer,
    role_request_get_for_officer,
    role_requests,
    token_list_for,
)
from .services import (
    role_grant_approve,
    role_grant_cancel,
    role_grant_reject,
    role_grant_request,
    role_revoke,
    token_create,
    token_revoke,
)

# --- Token login --------------------------------------------------------------------------------


class ClientIpThrottleMixin:
    def get_ident(self, request):
        return client_ip(request)


class TokenLoginThrottle(ClientIpThrottleMixin, SimpleRateThrottle):
    """At most 60 requests a minute per client address, whatever the outcome."""

    scope = "auth-token"
    rate = "60/min"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class FailedTokenLogins:
    """Counts failed token logins per client address and per account over a window, like
    allauth's ``login_failed`` limit for the web form. The account is the one the typed username
    or e-mail address resolves to; names that match nobody count against the address only.
    Successful logins are never slowed down; after too many failures even the right password is
    refused until the window passes."""

    WINDOW = 5 * 60
    LIMITS = {"ip": 10, "account": 5}

    def __init__(self, request, account: User | None):
        self.keys = {"ip": f"auth-token-failed:ip:{client_ip(request)}"}
        if account is not None:
            self.keys["account"] = f"auth-token-failed:user:{account.pk}"

    def check(self) -> None:
        counts = cache.get_many(list(self.keys.values()))
        if any(counts.get(key, 0) >= self.LIMITS[kind] for kind, key in self.keys.items()):
            raise exceptions.Throttled(wait=self.WINDOW, detail=_("Too many failed attempts. Try again in a few minutes."))

    def record(self) -> None:
        for key in self.keys.values():
            cache.add(key, 0, self.WINDOW)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, self.WINDOW)


def _email_verified(user: User) -> bool:
    return user.verified_by_administrator or user.emailaddress_set.filter(verified=True).exists()


class TokenLogin(APIView):
    """Throttled twice: by request rate per address, and by failed attempts per address and
    per account (see :class:`FailedTokenLogins`). A person with TOTP also gives ``otp`` (a code
    or an unused recovery code); staff who must use two-factor authentication get no token
    before setting it up."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [TokenLoginThrottle]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=254, trim_whitespace=True)
        password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
        otp = serializers.CharField(max_length=64, required=False, allow_blank=True, trim_whitespace=True)
        name = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                     help_text=gettext_lazy("what you call this token, e.g. the laptop it lives on"))

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expiry = serializers.DateTimeField(allow_null=True)

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, auth=[],
                   summary="Exchange a username (or e-mail), password and two-factor code for an API token")
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        login = data.validated_data["username"]
        failures = FailedTokenLogins(request, account_for_login(login))
        failures.check()
        user = authenticate(request._request, username=login, password=data.validated_data["password"])
        if user is None:
            failures.record()
            raise ValidationFailed(_("The username or password is wrong."), code="bad_credentials")
        if not user.is_active:
            raise PermissionDeniedError(_("This account is disabled."), code="inactive")
        if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory" and not _email_verified(user):
            raise PermissionDeniedError(_("Confirm your e-mail address first (follow the link we sent you)."),
                                        code="email_unverified")
        refusal = second_factor_refusal(user, otp=data.validated_data.get("otp"), issuing=True)
        if refusal == "otp_invalid":
            failures.record()
        if refusal:
            raise PermissionDeniedError(REFUSALS[refusal], code=refusal)
        token, key = token_create(actor=user, name=data.validated_data.get("name") or _("API token"),
                                  second_factor=has_totp(user))
        return Response(self.OutputSerializer({"token": key, "expiry": token.expiry}).data)


# --- The person's tokens ---------------------------------------------------------------------------


class TokenOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField()

    def get_current(self, token) -> bool:
        request = self.context.get("request")
        return bool(request is not None and getattr(request.auth, "pk", None) == token.pk
                    and isinstance(request.auth, ApiToken))


class TokenList(APIView):
    """``GET``: your live tokens (never their keys). ``POST {"name"}``: a new token for the
    signed-in web session (a token cannot mint tokens; use ``/api/v1/auth/token/`` with your
    password instead)."""

    permission_classes = [permissions.IsAuthenticated]

    class TokenCreateInputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100, required=False, allow_blank=True)

    @extend_schema(responses={200: TokenOutput(many=True)}, summary="Your API tokens")
    def get(self, request):
        return Response(TokenOutput(token_list_for(request.user), many=True, context={"request": request}).data)

    @extend_schema(request=TokenCreateInputSerializer, responses={201: TokenLogin.OutputSerializer},
                   summary="A new API token for the signed-in session")
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            raise PermissionDeniedError(_("A token cannot create tokens: sign in with your password."),
                                        code="session_required")
        data = self.TokenCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, key = token_create(actor=request.user, name=data.validated_data.get("name", ""),
                                  second_factor=has_totp(request.user))
        return Response(TokenLogin.OutputSerializer({"token": key, "expiry": token.expiry}).data, status=201)


class TokenDetail(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={204: None}, summary="Revoke one of your API tokens")
    def delete(self, request, pk):
        token = token_list_for(request.user).filter(pk=pk).first()
        if token is None:
            raise NotFoundError(_("You have no such token."))
        token_revoke(actor=request.user, token=token)
        return Response(status=204)


# --- Institutions -------------------------------------------------------------------------------


class InstitutionOutput(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")
    country_name = serializers.CharField(source="country.name")
    ror = serializers.SerializerMethodField()

    class Meta:
        model = Institution
        fields = ["id", "name_en", "name_zh", "ror_id", "ror", "country", "country_name", "kind", "city", "website"]

    def get_ror(self, institution) -> str:
        return f"https://ror.org/{institution.ror_id}" if institution.ror_id else ""


class InstitutionFilter(filters.FilterSet):
    country = filters.CharFilter(method="filter_country", max_length=2,
                                 help_text=gettext_lazy("ISO 3166-1 alpha-2 code, e.g. DE"))
    kind = filters.ChoiceFilter(choices=Institution.Kind.choices)
    search = filters.CharFilter(method="filter_search", max_length=200,
                                help_text=gettext_lazy("part of the English or Chinese name or city, or a ROR id"))

    class Meta:
        model = Institution
        fields = ["country", "kind", "search"]

    def filter_country(self, queryset, name, value):
        code = value.strip().upper()
        if code not in dict(countries):
            raise ValidationFailed(_("“%(value)s” is not an ISO 3166 country code.") % {"value": value}, field="country")
        return queryset.filter(country=code)

    def filter_search(self, queryset, name, value):
        return queryset.filter(institution_search_q(value))


class InstitutionList(generics.ListAPIView):
    """Confirmed institutions (institutions proposed by people signing up appear once an officer confirms them)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = InstitutionOutput
    filterset_class = InstitutionFilter

    def get_queryset(self):
        return institution_list()


class InstitutionDetail(generics.RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = InstitutionOutput

    def get_queryset(self):
        return Institution.objects.filter(confirmed=True)


# --- The current user ---------------------------------------------------------------------------


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    email = serializers.EmailField()
    orcid = serializers.CharField()
    expertise = serializers.ListField(child=serializers.CharField())
    preferred_language = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices))
    institution = InstitutionOutput(allow_null=True)
    can_apply = serializers.BooleanField()


class Me(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: MeOutput}, summary="The signed-in user, their roles and institution")
    def get(self, request):
        user = request.user
        return Response(MeOutput({
            "id": user.pk, "username": user.username, "display_name": str(user), "email": user.email,
            "orcid": user.orcid, "expertise": user.expertise or [], "preferred_language": user.preferred_language,
            "roles": sorted(user.role_set), "institution": user.institution, "can_apply": can_apply(user),
        }).data)



# --- Roles: four eyes on power ------------------------------------------------------------------


class RoleRequestOutput(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField(source="user_id")
    role = serializers.ChoiceField(choices=Role.choices)
    reason = serializers.CharField()
    status = serializers.CharField()
    requested_by = serializers.IntegerField(source="requested_by_id")
    requested_at = serializers.DateTimeField()
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField()


class OfficerOnlyMixin:
    """Officers only; anyone else is told the address does not exist (404, never 403)."""

    permission_classes = [permissions.IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not rules.has_perm("accounts.manage_people", request.user):
            raise NotFoundError(_("Not found."))


class RoleRequestList(OfficerOnlyMixin, APIView):
    """``GET``: role requests (``?status=requested`` by default). ``POST {"user", "role", "reason"}``:
    ask that a person be given a power role; a second officer approves."""

    class RoleRequestInputSerializer(serializers.Serializer):
        user = serializers.IntegerField(min_value=1)
        role = serializers.ChoiceField(choices=Role.choices)
        reason = serializers.CharField(max_length=2000)

    @extend_schema(responses={200: RoleRequestOutput(many=True)}, summary="Role requests")
    def get(self, request):
        status = request.query_params.get("status", RoleGrantRequest.Status.REQUESTED)
        if status not in RoleGrantRequest.Status.values:
            raise ValidationFailed(_("Unknown status “%(value)s”.") % {"value": status}, field="status")
        return Response(RoleRequestOutput(role_requests(status=status), many=True).data)

    @extend_schema(request=RoleRequestInputSerializer, responses={201: RoleRequestOutput}, summary="Ask for a power role")
    def post(self, request):
        data = self.RoleRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = person_get_for_officer(request.user, data.validated_data["user"])
        grant_request = role_grant_request(actor=request.user, user=person, role=data.validated_data["role"],
                                           reason=data.validated_data["reason"])
        return Response(RoleRequestOutput(grant_request).data, status=201)


class RoleRequestDecision(OfficerOnlyMixin, APIView):
    """``POST .../<id>/approve/``, ``.../reject/`` (``note`` required) or ``.../cancel/``."""

    class RoleDecisionInputSerializer(serializers.Serializer):
        note = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    @extend_schema(request=RoleDecisionInputSerializer, responses={200: RoleRequestOutput},
                   summary="Decide a role request", operation_id="role_request_decide")
    def post(self, request, pk, decision):
        if decision not in ("approve", "reject", "cancel"):
            raise NotFoundError(_("Not found."))
        data = self.RoleDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grant_request = role_request_get_for_officer(request.user, pk)
        note = data.validated_data.get("note", "")
        if decision == "approve":
            role_grant_approve(actor=request.user, grant_request=grant_request, note=note)
        elif decision == "reject":
            role_grant_reject(actor=request.user, grant_request=grant_request, note=note)
        else:
            role_grant_cancel(actor=request.user, grant_request=grant_request)
        grant_request.refresh_from_db()
        return Response(RoleRequestOutput(grant_request).data)


class PersonRole(OfficerOnlyMixin, APIView):
    @extend_schema(responses={204: None}, summary="Take a role away from a person (their tokens die)")
    def delete(self, request, pk, role):
        person = person_get_for_officer(request.user, pk)
        role_revoke(actor=request.user, user=person, role=role)
        return Response(status=204)
