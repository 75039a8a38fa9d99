"""API of the cooperation registry: partners, agreements, gifts, payloads.

The registry is public information, so every endpoint is readable anonymously. Changes
(``POST`` to create, ``PATCH`` to change, ``POST …/status/`` to move an agreement or payload on)
go through the same services as the officer pages, so the permission check, the audit event
and the validation happen once: each view set declares its ``write_permission`` (a ``rules``
permission of ``cooperation/rules.py``); anonymous writers get 401, others without it 403.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from lunarshare.catalog.models import Mission, Sample
from lunarshare.permissions import PUBLIC

from . import selectors, services
from .models import CooperationAgreement, DatePrecision, InternationalPayload, PartnerOrganisation, SampleGift


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


class _Registry(viewsets.ReadOnlyModelViewSet):
    # Reading is public; writing needs the registry's keeper (an officer), checked again by the services.
    write_permission = "cooperation.maintain"
    permission_rules = {"list": PUBLIC, "retrieve": PUBLIC, "create": write_permission, "update": write_permission,
                        "partial_update": write_permission, "change_status": write_permission}
    filter_backends: list = []
    filters_class: type[_Filters]
    list_selector = None
    get_selector = None

    def get_queryset(self):
        return type(self).list_selector(**self.filters_class().to_kwargs(self.request))

    def get_object(self):
        return type(self).get_selector(self.kwargs["pk"])

    def _input(self, serializer_class, *, partial: bool = False) -> dict:
        serializer = serializer_class(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _answer(self, obj, code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(type(self).get_selector(obj.pk)).data, status=code)



def _params(filters: type[_Filters]) -> list[OpenApiParameter]:
    return [OpenApiParameter(name, str, required=False) for name in filters().fields]


# --- Input shapes of the writes (the services validate the rest) ------------------------------

class PartnerInput(serializers.Serializer):
    name_en = serializers.CharField(max_length=300)
    name_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    acronym = serializers.CharField(max_length=40, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=PartnerOrganisation.Kind.choices, required=False)
    country = CountryField(required=False, allow_blank=True)
    ror_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    description_en = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    description_zh = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    source = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class AgreementInput(serializers.Serializer):
    title_en = serializers.CharField(max_length=300)
    title_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=CooperationAgreement.Kind.choices, required=False)
    parties = serializers.PrimaryKeyRelatedField(queryset=PartnerOrganisation.objects.all(), many=True)
    missions = serializers.SlugRelatedField(slug_field="code", queryset=Mission.objects.all(), many=True, required=False)
    signed_date = serializers.DateField(required=False, allow_null=True)
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices, required=False)
    scope_en = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    scope_zh = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    source = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=CooperationAgreement.Status.choices, required=False,
                                     help_text="Only when creating; later through …/status/.")


class AgreementStatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=CooperationAgreement.Status.choices)
    signed_date = serializers.DateField(required=False, allow_null=True)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PayloadInput(serializers.Serializer):
    mission = serializers.SlugRelatedField(slug_field="code", queryset=Mission.objects.all())
    acronym = serializers.CharField(max_length=40)
    name_en = serializers.CharField(max_length=300)
    name_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    partner = serializers.PrimaryKeyRelatedField(queryset=PartnerOrganisation.objects.all())
    collaborators = serializers.PrimaryKeyRelatedField(queryset=PartnerOrganisation.objects.all(), many=True,
                                                       required=False)
    country = CountryField()
    kind = serializers.ChoiceField(choices=InternationalPayload.Kind.choices, required=False)
    purpose_en = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    purpose_zh = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    agreement = serializers.PrimaryKeyRelatedField(queryset=CooperationAgreement.objects.all(), required=False,
                                                   allow_null=True)
    source = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=InternationalPayload.Status.choices, required=False,
                                     help_text="Only when creating; later through …/status/.")
    data_products = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31), required=False,
                                          max_length=500, help_text="Ids of the datasets the payload returned.")


class PayloadStatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=InternationalPayload.Status.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class GiftItemInput(serializers.Serializer):
    sample = serializers.SlugRelatedField(slug_field="identifier", queryset=Sample.objects.all())
    mass_ug = serializers.IntegerField(min_value=1)


class GiftInput(serializers.Serializer):
    recipient = serializers.PrimaryKeyRelatedField(queryset=PartnerOrganisation.objects.all())
    date = serializers.DateField()
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices, required=False)
    occasion_en = serializers.CharField(max_length=300)
    occasion_zh = serializers.CharField(max_length=300, required=False, allow_blank=True)
    note_en = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    note_zh = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    source = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    items = GiftItemInput(many=True, allow_empty=False, max_length=200)


def _only_on_create(data: dict, field: str) -> None:
    if field in data:
        raise serializers.ValidationError({field: [_("Change it through the …/status/ endpoint.")]})


# --- View sets ---------------------------------------------------------------------------------

@extend_schema_view(list=extend_schema(parameters=_params(PartnerFilters), summary="Partner organisations"),
                    retrieve=extend_schema(summary="One partner organisation"),
                    create=extend_schema(request=PartnerInput, summary="Register a partner (officers)"),
                    partial_update=extend_schema(request=PartnerInput, summary="Change a partner (officers)"))
class PartnerViewSet(_Registry):
    serializer_class = PartnerOutput
    filters_class = PartnerFilters
    list_selector = staticmethod(selectors.partner_list)
    get_selector = staticmethod(selectors.partner_get)

    def create(self, request):
        partner = services.partner_create(actor=request.user, **self._input(PartnerInput))
        return self._answer(partner, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        partner = services.partner_update(actor=request.user, partner=self.get_object(),
                                          **self._input(PartnerInput, partial=True))
        return self._answer(partner)


@extend_schema_view(list=extend_schema(parameters=_params(AgreementFilters), summary="Cooperation agreements"),
                    retrieve=extend_schema(summary="One cooperation agreement"),
                    create=extend_schema(request=AgreementInput, summary="Register an agreement (officers)"),
                    partial_update=extend_schema(request=AgreementInput, summary="Change an agreement (officers)"),
                    change_status=extend_schema(request=AgreementStatusInput, summary="Sign, bring into force, "
                                                "conclude or terminate an agreement (officers)"))
class AgreementViewSet(_Registry):
    serializer_class = AgreementOutput
    filters_class = AgreementFilters
    list_selector = staticmethod(selectors.agreement_list)
    get_selector = staticmethod(selectors.agreement_get)

    def create(self, request):
        agreement = services.agreement_create(actor=request.user, **self._input(AgreementInput))
        return self._answer(agreement, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        data = self._input(AgreementInput, partial=True)
        _only_on_create(data, "status")
        agreement = services.agreement_update(actor=request.user, agreement=self.get_object(), **data)
        return self._answer(agreement)

    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        agreement = services.agreement_change_status(actor=request.user, agreement=self.get_object(),
                                                     **self._input(AgreementStatusInput))
        return self._answer(agreement)


@extend_schema_view(list=extend_schema(parameters=_params(GiftFilters), summary="Intergovernmental sample gifts"),
                    retrieve=extend_schema(summary="One sample gift"),
                    create=extend_schema(request=GiftInput, summary="Record a gift: the mass leaves the collection "
                                         "(officers, curators)"))
class GiftViewSet(_Registry):
    """A recorded gift is not changed afterwards: its material has left the collection through the ledger."""

    serializer_class = GiftOutput
    filters_class = GiftFilters
    write_permission = "cooperation.record_gift"
    permission_rules = {"list": PUBLIC, "retrieve": PUBLIC, "create": write_permission}
    list_selector = staticmethod(selectors.gift_list)
    get_selector = staticmethod(selectors.gift_get)

    def create(self, request):
        data = self._input(GiftInput)
        items = [(item["sample"], item["mass_ug"]) for item in data.pop("items")]
        gift = services.gift_record(actor=request.user, items=items, **data)
        return self._answer(gift, status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=_params(PayloadFilters), summary="International payloads"),
                    retrieve=extend_schema(summary="One international payload"),
                    create=extend_schema(request=PayloadInput, summary="Register a payload (officers)"),
                    partial_update=extend_schema(request=PayloadInput, summary="Change a payload (officers)"),
                    change_status=extend_schema(request=PayloadStatusInput, summary="Move a payload on (officers)"))
class PayloadViewSet(_Registry):
    serializer_class = PayloadOutput
    filters_class = PayloadFilters
    list_selector = staticmethod(selectors.payload_list)
    get_selector = staticmethod(selectors.payload_get)

    def _datasets(self, ids):
        from lunarshare.science.selectors import datasets_visible_to

        found = list(datasets_visible_to(self.request.user).filter(pk__in=ids))
        missing = sorted(set(ids) - {d.pk for d in found})
        if missing:
            raise serializers.ValidationError({"data_products": [_("There is no dataset %(id)s.") % {"id": missing[0]}]})
        return found

    def create(self, request):
        data = self._input(PayloadInput)
        datasets = self._datasets(data.pop("data_products")) if "data_products" in data else None
        payload = services.payload_create(actor=request.user, **data)
        if datasets:
            payload = services.payload_link_datasets(actor=request.user, payload=payload, datasets=datasets)
        return self._answer(payload, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        payload = self.get_object()
        data = self._input(PayloadInput, partial=True)
        _only_on_create(data, "status")
        datasets = self._datasets(data.pop("data_products")) if "data_products" in data else None
        payload = services.payload_update(actor=request.user, payload=payload, **data)
        if datasets is not None:
            payload = services.payload_link_datasets(actor=request.user, payload=payload, datasets=datasets)
        return self._answer(payload)

    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        payload = services.payload_change_status(actor=request.user, payload=self.get_object(),
                                                 **self._input(PayloadStatusInput))
        return self._answer(payload)
