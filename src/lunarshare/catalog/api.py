"""REST API of the catalogue: missions, samples, genealogy, and the curator's operations.

Each view declares its permission, parses input with an explicit serializer, calls one
service and answers with an explicit output serializer. Refusals are domain errors rendered by
the project's handler. Sample URLs take the identifier, which may contain commas (``10084,123``).
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator as DjangoPaginator
from django.db import connection
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import authentication, generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from lunarshare.accounts.authentication import TokenAuthentication
from lunarshare.api import CountedPagination
from lunarshare.errors import NotFoundError
from lunarshare.mass import MAX_MASS_UG

from . import services
from .models import LedgerEntry, Mission, Sample, SampleCategory, SampleStatus, SampleType, StorageLocation
from .selectors import custody_for, genealogy, ledger_for, sample_get_for_user, sample_search

# --- Permissions -------------------------------------------------------------------------------


class IsCurator(permissions.BasePermission):
    """Only curators change the collection (``catalog.manage_samples``)."""

    message = gettext_lazy("Only curators may change samples.")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("catalog.manage_samples"))


class CuratorWriteView(APIView):
    """Base of the write endpoints. Session authentication is listed first so that a request
    without credentials is answered 403 (not 401 with a Token challenge): only curators may act."""

    authentication_classes = [authentication.SessionAuthentication, TokenAuthentication]
    permission_classes = [IsCurator]

    def sample(self, request, identifier):
        return sample_get_for_user(request.user, identifier)


# --- Pagination that stays fast on a million rows ---------------------------------------------


class CappedCountPaginator(DjangoPaginator):
    """Counts exactly up to ``CAP`` rows; beyond that PostgreSQL's planner estimate is used when
    it expects many rows (a COUNT(*) over a million matching rows would cost more than the page
    itself); ``count_is_estimate`` then says so. SQLite has no estimate and counts exactly."""

    CAP = 1_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list.order_by()
        exact = queryset.values("pk")[: self.CAP + 1].count()
        self.count_is_estimate = False
        if exact <= self.CAP or connection.vendor != "postgresql":
            return exact if exact <= self.CAP else queryset.count()
        sql, params = queryset.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            import json

            plan = json.loads(plan)
        estimate = int(plan[0]["Plan"]["Plan Rows"])
        if estimate < 20 * self.CAP:
            return queryset.count()  # the planner expects few rows: counting them is cheap and exact
        self.count_is_estimate = True
        return estimate


class CatalogPagination(CountedPagination):
    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = getattr(self.page.paginator, "count_is_estimate", False)
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_estimate"] = {"type": "boolean"}
        return schema


# --- Serializers -------------------------------------------------------------------------------


class MissionOutput(serializers.ModelSerializer):
    name = serializers.CharField(source="name_en")
    returned_mass_ug = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Mission
        fields = ["code", "name", "name_en", "name_zh", "agency", "landing_date", "return_date", "landing_site",
                  "landing_site_zh", "latitude", "longitude", "returned_mass_ug", "returned_mass_is_rounded", "source"]


class SampleOutput(serializers.Serializer):
    identifier = serializers.CharField()
    uid = serializers.CharField()
    mission = serializers.CharField(source="mission.code")
    parent = serializers.CharField(source="parent.identifier", allow_null=True, default=None)
    type = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    initial_mass_ug = serializers.IntegerField()
    mass_ug = serializers.IntegerField()
    available_mass_ug = serializers.IntegerField()
    description = serializers.CharField()

    def to_representation(self, sample) -> dict:
        # The declared fields document the shape (OpenAPI); building the dict directly is
        # several times faster than DRF's per-field machinery on a 50-row catalogue page.
        return {
            "identifier": sample.identifier, "uid": sample.uid, "mission": sample.mission.code,
            "parent": sample.parent.identifier if sample.parent_id else None, "type": sample.type,
            "category": sample.category, "status": sample.status, "initial_mass_ug": sample.initial_mass_ug,
            "mass_ug": sample.mass_ug, "available_mass_ug": sample.available_mass_ug, "description": sample.description,
        }


def _sample_data(sample) -> dict:
    if not hasattr(sample, "available_mass_ug"):
        from .selectors import available_mass_ug

        sample.available_mass_ug = available_mass_ug(sample)
    return SampleOutput(sample).data


class ChildInput(serializers.Serializer):
    mass_ug = serializers.IntegerField(min_value=1, max_value=MAX_MASS_UG)
    type = serializers.ChoiceField(choices=SampleType.choices, required=False)
    identifier = serializers.CharField(required=False, allow_blank=True, max_length=64)
    category = serializers.ChoiceField(choices=SampleCategory.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class SplitInput(serializers.Serializer):
    children = ChildInput(many=True, allow_empty=False, max_length=1000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ReweighInput(serializers.Serializer):
    measured_mass_ug = serializers.IntegerField(min_value=0, max_value=MAX_MASS_UG)
    reason = serializers.CharField(max_length=2000)
    kind = serializers.ChoiceField(choices=[LedgerEntry.Kind.REWEIGH, LedgerEntry.Kind.RETURN], default=LedgerEntry.Kind.REWEIGH)


class ConsumeInput(serializers.Serializer):
    mass_ug = serializers.IntegerField(min_value=1, max_value=MAX_MASS_UG)
    reason = serializers.CharField(max_length=2000)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")


class StatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=SampleStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class MoveInput(serializers.Serializer):
    location = serializers.CharField(max_length=64, help_text="code of the storage location")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class SplitOutput(serializers.Serializer):
    parent = SampleOutput()
    children = SampleOutput(many=True)


# --- Read endpoints ----------------------------------------------------------------------------


class MissionList(generics.ListAPIView):
    """The sample-return missions, in the programme's order."""

    permission_classes = [permissions.AllowAny]
    serializer_class = MissionOutput
    queryset = Mission.objects.all()
    pagination_class = None
    filter_backends: list = []


class MissionDetail(generics.RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = MissionOutput
    queryset = Mission.objects.all()
    lookup_field = "code"
    filter_backends: list = []


class WholeNumberFilter(filters.NumberFilter):
    """Whole micrograms only: django-filter's NumberFilter would accept 1e30 as a Decimal."""

    field_class = forms.IntegerField


class SampleFilter(filters.FilterSet):
    """Validated query parameters; a wrong value is a 400 naming the parameter."""

    mission = filters.CharFilter(max_length=8, help_text="mission code, e.g. CE5")
    type = filters.ChoiceFilter(choices=SampleType.choices)
    category = filters.ChoiceFilter(choices=SampleCategory.choices)
    status = filters.ChoiceFilter(choices=SampleStatus.choices)
    parent = filters.CharFilter(max_length=64, help_text="identifier of the parent sample")
    search = filters.CharFilter(max_length=64, help_text="identifier prefix, or a word of the description")
    min_mass_ug = WholeNumberFilter(min_value=0, max_value=MAX_MASS_UG)
    max_mass_ug = WholeNumberFilter(min_value=0, max_value=MAX_MASS_UG)


class SampleList(generics.ListAPIView):
    """The catalogue: every sample, filtered and paginated (``count``, ``next``, ``results``)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = SampleOutput
    pagination_class = CatalogPagination
    filter_backends: list = []

    @extend_schema(parameters=[
        OpenApiParameter("mission", str), OpenApiParameter("type", str, enum=SampleType.values),
        OpenApiParameter("category", str, enum=SampleCategory.values),
        OpenApiParameter("status", str, enum=SampleStatus.values), OpenApiParameter("parent", str),
        OpenApiParameter("search", str), OpenApiParameter("min_mass_ug", int), OpenApiParameter("max_mass_ug", int),
    ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        form = SampleFilter(self.request.query_params, queryset=Sample.objects.none())
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        data = {k: v for k, v in form.form.cleaned_data.items() if v not in (None, "")}
        return sample_search(**data)


class SampleDetail(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=SampleOutput)
    def get(self, request, identifier):
        return Response(_sample_data(sample_get_for_user(request.user, identifier)))


class SampleGenealogy(APIView):
    """Ancestors (root first) and the nested tree of all descendants."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, identifier):
        return Response(genealogy(sample_get_for_user(request.user, identifier)))


class LedgerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    delta_ug = serializers.IntegerField()
    balance_ug = serializers.IntegerField()
    counterpart = serializers.CharField(source="counterpart.identifier", allow_null=True, default=None)
    reason = serializers.CharField()
    reference = serializers.CharField()
    created_at = serializers.DateTimeField()


class CustodyOutput(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    holder_institution = serializers.CharField(source="holder_institution.name_en", allow_null=True, default=None)
    holder_name = serializers.CharField()
    note = serializers.CharField()
    reference = serializers.CharField()
    from_location = serializers.SerializerMethodField()
    to_location = serializers.SerializerMethodField()

    def _location(self, location):
        # Where material is stored is for curators, officers and auditors only.
        if location is None or not self.context.get("can_see_storage"):
            return None
        return location.code

    def get_from_location(self, event) -> str | None:
        return self._location(event.from_location)

    def get_to_location(self, event) -> str | None:
        return self._location(event.to_location)


class SampleLedger(generics.ListAPIView):
    """Every change of the sample's mass, oldest first."""

    permission_classes = [permissions.AllowAny]
    serializer_class = LedgerOutput
    filter_backends: list = []

    def get_queryset(self):
        return ledger_for(sample_get_for_user(self.request.user, self.kwargs["identifier"]))


class SampleCustody(generics.ListAPIView):
    """Registration, moves, hand-overs and returns of the sample, oldest first."""

    permission_classes = [permissions.AllowAny]
    serializer_class = CustodyOutput
    filter_backends: list = []

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "can_see_storage": self.request.user.has_perm("catalog.view_storage")}

    def get_queryset(self):
        return custody_for(sample_get_for_user(self.request.user, self.kwargs["identifier"]))


# --- Curator operations ------------------------------------------------------------------------


class SampleSplit(CuratorWriteView):
    """Split a sample into children of the given masses; the parent keeps the remainder."""

    @extend_schema(request=SplitInput, responses={201: SplitOutput})
    def post(self, request, identifier):
        parent = self.sample(request, identifier)
        data = _valid(SplitInput, request)
        children = services.sample_split(
            actor=request.user, parent=parent, reason=data["reason"],
            children=[services.ChildSpec(mass_ug=c["mass_ug"], type=c.get("type") or None,
                                         identifier=(c.get("identifier") or "").strip() or None,
                                         category=c.get("category") or None, description=c.get("description") or "")
                      for c in data["children"]],
        )
        parent = sample_get_for_user(request.user, parent.identifier)
        return Response({"parent": _sample_data(parent), "children": [_sample_data(c) for c in children]},
                        status=status.HTTP_201_CREATED)


class SampleReweigh(CuratorWriteView):
    @extend_schema(request=ReweighInput, responses=SampleOutput)
    def post(self, request, identifier):
        sample = self.sample(request, identifier)
        data = _valid(ReweighInput, request)
        services.sample_reweigh(actor=request.user, sample=sample, measured_mass_ug=data["measured_mass_ug"],
                                reason=data["reason"], kind=data["kind"])
        return Response(_sample_data(sample_get_for_user(request.user, identifier)))


class SampleConsume(CuratorWriteView):
    @extend_schema(request=ConsumeInput, responses=SampleOutput)
    def post(self, request, identifier):
        sample = self.sample(request, identifier)
        data = _valid(ConsumeInput, request)
        services.sample_consume(actor=request.user, sample=sample, mass_ug=data["mass_ug"], reason=data["reason"],
                                reference=data["reference"])
        return Response(_sample_data(sample_get_for_user(request.user, identifier)))


class SampleStatusChange(CuratorWriteView):
    @extend_schema(request=StatusInput, responses=SampleOutput)
    def post(self, request, identifier):
        sample = self.sample(request, identifier)
        data = _valid(StatusInput, request)
        services.sample_change_status(actor=request.user, sample=sample, status=data["status"], reason=data["reason"])
        return Response(_sample_data(sample_get_for_user(request.user, identifier)))


class SampleMove(CuratorWriteView):
    @extend_schema(request=MoveInput, responses=SampleOutput)
    def post(self, request, identifier):
        sample = self.sample(request, identifier)
        data = _valid(MoveInput, request)
        location = StorageLocation.objects.filter(code=data["location"]).first()
        if location is None:
            raise NotFoundError(_("There is no storage location %(code)s.") % {"code": data["location"]})
        services.sample_move(actor=request.user, sample=sample, location=location, note=data["note"])
        return Response(_sample_data(sample_get_for_user(request.user, identifier)))


def _valid(serializer_class, request) -> dict:
    if not isinstance(request.data, dict):
        raise serializers.ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data

