"""REST API of the accounts app: token login, the public list of institutions, the current user.

``POST /api/v1/auth/token/``  username + password → ``{"token": ...}`` (throttled; failures limited)
``GET  /api/v1/institutions/`` confirmed institutions, filters ``country``, ``kind``, ``search``
``GET  /api/v1/me/``           who the token or session belongs to, with roles and institution
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from lunarshare.errors import PermissionDeniedError, ValidationFailed
from lunarshare.permissions import PUBLIC

from .models import Institution, Role
from .rules import can_apply
from .selectors import institution_list, institution_search_q

# --- Token login --------------------------------------------------------------------------------


class TokenLoginThrottle(SimpleRateThrottle):
    """At most 60 requests a minute per client address, whatever the outcome."""

    scope = "auth-token"
    rate = "60/min"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class FailedTokenLogins:
    """Counts failed token logins per client address and per username over a window, like
    allauth's ``login_failed`` limit for the web form. Successful logins are never slowed down;
    after too many failures even the right password is refused until the window passes."""

    WINDOW = 5 * 60
    LIMITS = {"ip": 10, "username": 5}

    def __init__(self, request, username: str):
        ip = TokenLoginThrottle().get_ident(request)
        self.keys = {"ip": f"auth-token-failed:ip:{ip}", "username": f"auth-token-failed:user:{username.lower()[:254]}"}

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


class TokenLogin(APIView):
    """Throttled twice: by request rate per address, and by failed attempts per address and
    per username (see :class:`FailedTokenLogins`)."""

    authentication_classes: list = []
    permission_rules = {"post": PUBLIC}
    throttle_classes = [TokenLoginThrottle]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=254, trim_whitespace=True)
        password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, auth=[],
                   summary="Exchange a username and password for an API token")
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        failures = FailedTokenLogins(request, data.validated_data["username"])
        failures.check()
        user = authenticate(request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None:
            failures.record()
            raise ValidationFailed(_("The username or password is wrong."), code="bad_credentials")
        if not user.is_active:
            raise PermissionDeniedError(_("This account is disabled."), code="inactive")
        if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory" and not user.emailaddress_set.filter(verified=True).exists():
            raise PermissionDeniedError(_("Confirm your e-mail address first (follow the link we sent you)."),
                                        code="email_unverified")
        token, _created = Token.objects.get_or_create(user=user)
        return Response(self.OutputSerializer({"token": token.key}).data)


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

    permission_rules = {"get": PUBLIC}
    serializer_class = InstitutionOutput
    filterset_class = InstitutionFilter

    def get_queryset(self):
        return institution_list()


class InstitutionDetail(generics.RetrieveAPIView):
    permission_rules = {"get": PUBLIC}
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
    permission_rules = {"get": "accounts.signed_in"}

    @extend_schema(responses={200: MeOutput}, summary="The signed-in user, their roles and institution")
    def get(self, request):
        user = request.user
        return Response(MeOutput({
            "id": user.pk, "username": user.username, "display_name": str(user), "email": user.email,
            "orcid": user.orcid, "expertise": user.expertise or [], "preferred_language": user.preferred_language,
            "roles": sorted(user.role_set), "institution": user.institution, "can_apply": can_apply(user),
        }).data)

