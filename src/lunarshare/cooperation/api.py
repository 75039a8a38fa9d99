"""Public read API of the cooperation registry: partners, agreements, gifts, payloads.

The registry is public information, so every endpoint is readable anonymously; changes go
through the officer pages (and their services), not through this API.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from lunarshare.permissions import PUBLIC

from . import selectors
from .models import CooperationAgreement, InternationalPayload, PartnerOrganisation, SampleGift


class PartnerBriefSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", allow_blank=True)

    class Meta:
        model = PartnerOrganisation
        fields = ["id", "name_en", "name_zh", "acronym", "country"]


class PartnerOutput(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code", allow_blank=True)
    payload_count = serializers.IntegerField(read_only=True)
    agreement_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PartnerOrganisation
        fields = ["id", "name_en", "name_zh", "acronym", "kind", "country", "ror_id", "website",
                  "description_en", "description_zh", "source", "payload_count", "agreement_count"]


class DocumentOutput(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, document) -> str:
        return document.file.url if document.file else document.url


class AgreementOutput(serializers.ModelSerializer):
    parties = PartnerBriefSerializer(many=True)
    missions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    documents = DocumentOutput(many=True)

    class Meta:
        model = CooperationAgreement
        fields = ["id", "kind", "title_en", "title_zh", "parties", "signed_date", "date_precision", "scope_en",
                  "scope_zh", "status", "missions", "documents", "source"]


class GiftItemOutput(serializers.Serializer):
    sample = serializers.CharField(source="sample.identifier")
    mass_ug = serializers.IntegerField()


class GiftOutput(serializers.ModelSerializer):
    recipient = PartnerBriefSerializer()
    mission = serializers.CharField(source="mission.code")
    items = GiftItemOutput(many=True)

    class Meta:
        model = SampleGift
        fields = ["id", "recipient", "mission", "mass_ug", "date", "date_precision", "occasion_en", "occasion_zh",
                  "note_en", "note_zh", "items", "source"]


class PayloadOutput(serializers.ModelSerializer):
    mission = serializers.CharField(source="mission.code")
    partner = PartnerBriefSerializer()
    collaborators = PartnerBriefSerializer(many=True)
    country = serializers.CharField(source="country.code")
    agreement = serializers.PrimaryKeyRelatedField(read_only=True)
    data_products = serializers.SerializerMethodField()

    class Meta:
        model = InternationalPayload
        fields = ["id", "mission", "acronym", "name_en", "name_zh", "partner", "collaborators", "country", "kind",
                  "purpose_en", "purpose_zh", "status", "agreement", "data_products", "source"]

    def get_data_products(self, payload) -> list[dict]:
        from .selectors import payload_public_datasets

        return [{"id": d.pk, "title": str(d)} for d in payload_public_datasets(payload)]


class _Filters(serializers.Serializer):
    """Query parameters; unknown choices are a 400 with a message, not an empty list."""

    def to_kwargs(self, request) -> dict:
        self.initial_data = request.query_params
        self.is_valid(raise_exception=True)
        return {k: v for k, v in self.validated_data.items() if v not in (None, "")}


class PartnerFilters(_Filters):
    kind = serializers.ChoiceField(choices=PartnerOrganisation.Kind.choices, required=False)
    country = serializers.CharField(max_length=2, required=False)
    q = serializers.CharField(max_length=100, required=False)


class AgreementFilters(_Filters):
    kind = serializers.ChoiceField(choices=CooperationAgreement.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=CooperationAgreement.Status.choices, required=False)
    partner = serializers.IntegerField(min_value=1, max_value=2**31, required=False)
    year = serializers.IntegerField(min_value=1900, max_value=2999, required=False)
    mission = serializers.CharField(max_length=8, required=False)


class GiftFilters(_Filters):
    recipient = serializers.IntegerField(min_value=1, max_value=2**31, required=False)
    mission = serializers.CharField(max_length=8, required=False)
    country = serializers.CharField(max_length=2, required=False)


class PayloadFilters(_Filters):
    mission = serializers.CharField(max_length=8, required=False)
    country = serializers.CharField(max_length=2, required=False)
    kind = serializers.ChoiceField(choices=InternationalPayload.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=InternationalPayload.Status.choices, required=False)
    partner = serializers.IntegerField(min_value=1, max_value=2**31, required=False)
    q = serializers.CharField(max_length=100, required=False)


class _ReadOnly(viewsets.ReadOnlyModelViewSet):
    permission_rules = {"list": PUBLIC, "retrieve": PUBLIC}  # the registry is public
    filter_backends: list = []
    filters_class: type[_Filters]
    list_selector = None
    get_selector = None

    def get_queryset(self):
        return type(self).list_selector(**self.filters_class().to_kwargs(self.request))

    def get_object(self):
        return type(self).get_selector(self.kwargs["pk"])


def _params(filters: type[_Filters]) -> list[OpenApiParameter]:
    return [OpenApiParameter(name, str, required=False) for name in filters().fields]


@extend_schema_view(list=extend_schema(parameters=_params(PartnerFilters), summary="Partner organisations"),
                    retrieve=extend_schema(summary="One partner organisation"))
class PartnerViewSet(_ReadOnly):
    serializer_class = PartnerOutput
    filters_class = PartnerFilters
    list_selector = staticmethod(selectors.partner_list)
    get_selector = staticmethod(selectors.partner_get)


@extend_schema_view(list=extend_schema(parameters=_params(AgreementFilters), summary="Cooperation agreements"),
                    retrieve=extend_schema(summary="One cooperation agreement"))
class AgreementViewSet(_ReadOnly):
    serializer_class = AgreementOutput
    filters_class = AgreementFilters
    list_selector = staticmethod(selectors.agreement_list)
    get_selector = staticmethod(selectors.agreement_get)


@extend_schema_view(list=extend_schema(parameters=_params(GiftFilters), summary="Intergovernmental sample gifts"),
                    retrieve=extend_schema(summary="One sample gift"))
class GiftViewSet(_ReadOnly):
    serializer_class = GiftOutput
    filters_class = GiftFilters
    list_selector = staticmethod(selectors.gift_list)
    get_selector = staticmethod(selectors.gift_get)


@extend_schema_view(list=extend_schema(parameters=_params(PayloadFilters), summary="International payloads"),
                    retrieve=extend_schema(summary="One international payload"))
class PayloadViewSet(_ReadOnly):
    serializer_class = PayloadOutput
    filters_class = PayloadFilters
    list_selector = staticmethod(selectors.payload_list)
    get_selector = staticmethod(selectors.payload_get)
