"""REST API of the programs app: parse, authorize, call one service, answer.

Each viewset declares the rule of each action in ``permission_rules`` (``PUBLIC``: anyone);
objects are fetched through the ``*_get_for_user`` selectors (404 for what the caller may not see)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from lunarshare.api import paginated, paginated_response
from lunarshare.catalog.models import Mission, Sample
from lunarshare.errors import NotFoundError, ValidationFailed
from lunarshare.permissions import PUBLIC, may, query_int

from . import selectors, services
from .models import Application, Attachment, Review, Round, RuleDocument, SampleForm

# --- Serializers --------------------------------------------------------------------------------

class SampleSetOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name_en = serializers.CharField()
    name_zh = serializers.CharField()
    form = serializers.CharField()
    offered_mass_ug = serializers.IntegerField()
    samples = serializers.SerializerMethodField()

    def get_samples(self, obj) -> list[str]:
        return [s.identifier for s in obj.samples.all()]


class CriterionOut(serializers.Serializer):
    key = serializers.CharField()
    name_en = serializers.CharField()
    name_zh = serializers.CharField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)
    scale_min = serializers.IntegerField()
    scale_max = serializers.IntegerField()


class ComplianceRuleOut(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    params = serializers.JSONField()
    label = serializers.CharField()
    active = serializers.BooleanField()


class RoundOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    kind = serializers.CharField()
    title_en = serializers.CharField()
    title_zh = serializers.CharField()
    description_en = serializers.CharField()
    description_zh = serializers.CharField()
    missions = serializers.SerializerMethodField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    timezone = serializers.CharField()
    status = serializers.CharField()
    rule_versions = serializers.SerializerMethodField()
    max_total_mass_ug = serializers.IntegerField(allow_null=True)
    form_limits_ug = serializers.JSONField()
    required_attachments = serializers.JSONField()
    reviewers_per_application = serializers.IntegerField()
    same_country_conflict = serializers.BooleanField()
    embargo_months = serializers.IntegerField()
    loan_period_months = serializers.IntegerField()
    publication_report_months = serializers.IntegerField()
    acknowledgement_en = serializers.CharField()
    acknowledgement_zh = serializers.CharField()
    results_published_at = serializers.DateTimeField(allow_null=True)
    sample_sets = SampleSetOut(many=True)
    criteria = CriterionOut(many=True)
    compliance_rules = ComplianceRuleOut(many=True)

    def get_missions(self, obj) -> list[str]:
        return [m.code for m in obj.missions.all()]

    def get_rule_versions(self, obj) -> list[dict]:
        return [{"id": v.pk, "document": v.document.slug, "version": v.version, "effective_date": v.effective_date}
                for v in obj.rule_versions.select_related("document")]


class SampleSetIn(serializers.Serializer):
    name_en = serializers.CharField(max_length=255)
    name_zh = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    code = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    form = serializers.ChoiceField(choices=SampleForm.choices)
    offered_mass_ug = serializers.IntegerField(min_value=1, max_value=10**16)
    samples = serializers.ListField(child=serializers.CharField(max_length=64), required=False, default=list)


class CriterionIn(serializers.Serializer):
    key = serializers.SlugField(max_length=40)
    name_en = serializers.CharField(max_length=200)
    name_zh = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    scale_min = serializers.IntegerField(min_value=-100, max_value=100, default=1)
    scale_max = serializers.IntegerField(min_value=-100, max_value=100, default=5)


class ComplianceRuleIn(serializers.Serializer):
    type = serializers.CharField(max_length=30)
    params = serializers.JSONField(required=False, default=dict)
    label = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class RoundIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Round.Kind.choices, default=Round.Kind.DOMESTIC)
    code = serializers.SlugField(max_length=40, required=False, default="")
    title_en = serializers.CharField(max_length=300)
    title_zh = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    description_en = serializers.CharField(required=False, default="", allow_blank=True)
    description_zh = serializers.CharField(required=False, default="", allow_blank=True)
    missions = serializers.ListField(child=serializers.CharField(max_length=8), required=False, default=list)
    timezone = serializers.CharField(max_length=64, required=False)
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    max_total_mass_ug = serializers.IntegerField(min_value=1, max_value=10**16, required=False, allow_null=True)
    form_limits_ug = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=10**16), required=False)
    required_attachments = serializers.ListField(child=serializers.CharField(max_length=30), required=False)
    reviewers_per_application = serializers.IntegerField(min_value=1, max_value=20, required=False)
    same_country_conflict = serializers.BooleanField(required=False)
    embargo_months = serializers.IntegerField(min_value=0, max_value=240, required=False)
    loan_period_months = serializers.IntegerField(min_value=1, max_value=240, required=False)
    publication_report_months = serializers.IntegerField(min_value=1, max_value=240, required=False)
    acknowledgement_en = serializers.CharField(required=False, allow_blank=True)
    acknowledgement_zh = serializers.CharField(required=False, allow_blank=True)
    sample_sets = SampleSetIn(many=True, required=False)
    criteria = CriterionIn(many=True, required=False)
    compliance_rules = ComplianceRuleIn(many=True, required=False)


class RoundPatchIn(RoundIn):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


def _missions(codes) -> list[Mission]:
    found = {m.code: m for m in Mission.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationFailed(_("Unknown missions: %(codes)s.") % {"codes": ", ".join(unknown)})
    return [found[c] for c in codes]


def _samples(identifiers) -> list[Sample]:
    found = {s.identifier: s for s in Sample.objects.filter(identifier__in=identifiers)}
    unknown = [i for i in identifiers if i not in found]
    if unknown:
        raise ValidationFailed(_("Unknown samples: %(ids)s.") % {"ids": ", ".join(unknown)})
    return [found[i] for i in identifiers]


class AwardOut(serializers.Serializer):
    institution = serializers.CharField(source="institution.name_en")
    institution_zh = serializers.CharField(source="institution.name_zh")
    institution_id = serializers.IntegerField(source="institution.pk")
    country = serializers.CharField()
    mass_ug = serializers.IntegerField()
    applications = serializers.IntegerField()


class ResultsOut(serializers.Serializer):
    round = serializers.IntegerField(source="round.pk")
    title_en = serializers.CharField(source="round.title_en")
    title_zh = serializers.CharField(source="round.title_zh")
    published = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(source="round.results_published_at", allow_null=True)
    institutions_count = serializers.IntegerField()
    countries_count = serializers.IntegerField()
    total_mass_ug = serializers.IntegerField()
    awards = AwardOut(many=True)

    def get_published(self, obj) -> bool:
        return obj.round.results_published_at is not None


class RankingOut(serializers.Serializer):
    rank = serializers.IntegerField(allow_null=True)
    application = serializers.IntegerField(source="application.pk")
    reference = serializers.CharField(source="application.reference")
    title = serializers.CharField(source="application.title")
    status = serializers.CharField(source="application.status")
    reviews = serializers.IntegerField()
    weighted_mean = serializers.DecimalField(max_digits=7, decimal_places=3, allow_null=True)
    normalised_mean = serializers.FloatField(allow_null=True)


class AssignIn(serializers.Serializer):
    per_application = serializers.IntegerField(min_value=1, max_value=20, required=False)


# --- Rules (public, read only) -----------------------------------------------------------------

class RuleVersionOut(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.CharField()
    title_en = serializers.CharField()
    title_zh = serializers.CharField()
    effective_date = serializers.DateField()
    body_en = serializers.CharField()
    body_zh = serializers.CharField()
    changes_en = serializers.CharField()
    changes_zh = serializers.CharField()
    source_url = serializers.CharField()
    published_at = serializers.DateTimeField()


class RuleDocumentOut(serializers.Serializer):
    slug = serializers.CharField()
    title_en = serializers.CharField()
    title_zh = serializers.CharField()
    reference = serializers.CharField()
    versions = serializers.SerializerMethodField()

    @extend_schema_field(RuleVersionOut(many=True))
    def get_versions(self, obj):
        return RuleVersionOut(obj.versions.filter(published_at__isnull=False), many=True).data


class RuleViewSet(viewsets.ViewSet):
    """Published rules and their versions (drafts are not shown)."""

    queryset = RuleDocument.objects.none()  # tells the schema the type of the path parameter
    permission_rules = {"list": PUBLIC, "retrieve": PUBLIC}
    lookup_field = "slug"

    @extend_schema(responses=RuleDocumentOut(many=True))
    def list(self, request):
        documents = RuleDocument.objects.filter(versions__published_at__isnull=False).distinct()
        return Response(RuleDocumentOut(documents, many=True).data)

    @extend_schema(responses=RuleDocumentOut)
    def retrieve(self, request, slug=None):
        document = RuleDocument.objects.filter(slug=slug, versions__published_at__isnull=False).distinct().first()
        if document is None:
            raise NotFoundError(_("No such rule."))
        return Response(RuleDocumentOut(document).data)


# --- Rounds -----------------------------------------------------------------------------------

class RoundViewSet(viewsets.ViewSet):
    queryset = Round.objects.none()  # tells the schema the type of the path parameter
    lookup_value_regex = "[0-9]+"
    permission_rules = {
        "list": PUBLIC, "retrieve": PUBLIC, "results": PUBLIC,
        "create": "programs.create_round", "partial_update": "programs.manage_round", "open": "programs.manage_round",
        "close": "programs.manage_round", "assign_reviewers": "programs.assign_reviewers",
        "publish_results": "programs.publish_results", "ranking": "programs.read_all_applications",
    }

    def _round(self, request, pk) -> Round:
        return selectors.round_get_for_user(request.user, pk)

    def _out(self, round_: Round, code=status.HTTP_200_OK) -> Response:
        return Response(RoundOut(round_).data, status=code)

    @extend_schema(responses=paginated(RoundOut))
    def list(self, request):
        queryset = selectors.rounds_visible_to(request.user).prefetch_related(
            "missions", "sample_sets__samples", "criteria", "compliance_rules")
        if request.query_params.get("status"):
            queryset = queryset.filter(status=request.query_params["status"])
        return paginated_response(request, self, queryset, RoundOut)

    @extend_schema(responses=RoundOut)
    def retrieve(self, request, pk=None):
        return self._out(self._round(request, pk))

    @extend_schema(request=RoundIn, responses={201: RoundOut})
    def create(self, request):
        data = RoundIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        sample_sets = values.pop("sample_sets", [])
        criteria = values.pop("criteria", [])
        rules = values.pop("compliance_rules", [])
        missions = _missions(values.pop("missions", []))
        with transaction.atomic():
            round_ = services.round_create(actor=request.user, missions=missions, default_rubric=not criteria, **values)
            for row in sample_sets:
                row = dict(row)
                services.sample_set_create(actor=request.user, round_=round_, samples=_samples(row.pop("samples")), **row)
            for row in criteria:
                services.criterion_create(actor=request.user, round_=round_, **row)
            for row in rules:
                services.compliance_rule_create(actor=request.user, round_=round_, **row)
        return self._out(round_, status.HTTP_201_CREATED)

    @extend_schema(request=RoundPatchIn, responses=RoundOut)
    def partial_update(self, request, pk=None):
        round_ = self._round(request, pk)
        data = RoundPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        for nested in ("sample_sets", "criteria", "compliance_rules", "code"):
            if nested in values:
                raise ValidationFailed(_("“%(field)s” cannot be changed here.") % {"field": nested})
        missions = _missions(values.pop("missions")) if "missions" in values else None
        return self._out(services.round_update(actor=request.user, round_=round_, missions=missions, **values))

    @extend_schema(request=None, responses=RoundOut)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        return self._out(services.round_open(actor=request.user, round_=self._round(request, pk)))

    @extend_schema(request=None, responses=RoundOut)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._out(services.round_close(actor=request.user, round_=self._round(request, pk)))

    @extend_schema(request=AssignIn, responses=inline_serializer("AssignOut", {"created": serializers.IntegerField(),
                                                            "per_application": serializers.IntegerField(),
                                                            "min_load": serializers.IntegerField(),
                                                            "max_load": serializers.IntegerField(),
                                                            "shortfall": serializers.DictField()}))
    @action(detail=True, methods=["post"], url_path="assign-reviewers")
    def assign_reviewers(self, request, pk=None):
        data = AssignIn(data=request.data)
        data.is_valid(raise_exception=True)
        summary = services.round_assign_reviewers(actor=request.user, round_=self._round(request, pk),
                                                  per_application=data.validated_data.get("per_application"))
        return Response({**summary, "shortfall": {str(k): v for k, v in summary["shortfall"].items()}})

    @extend_schema(request=None, responses=ResultsOut)
    @action(detail=True, methods=["post"], url_path="publish-results")
    def publish_results(self, request, pk=None):
        round_ = services.round_publish_results(actor=request.user, round_=self._round(request, pk))
        return Response(ResultsOut(selectors.round_results(round_)).data)

    @extend_schema(responses=ResultsOut)
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        round_ = self._round(request, pk)
        published = round_.results_published_at is not None
        if not published and not may(request.user, "programs.read_all_applications"):
            raise NotFoundError(_("The results of this round are not published."))
        return Response(ResultsOut(selectors.round_results(round_)).data)

    @extend_schema(responses=RankingOut(many=True))
    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        return Response(RankingOut(selectors.round_ranking(self._round(request, pk)), many=True).data)


# --- Reviews ------------------------------------------------------------------------------------

class ReviewOut(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    reference = serializers.CharField(source="application.reference")
    title = serializers.CharField(source="application.title")
    round = serializers.IntegerField(source="application.round_id")
    reviewer = serializers.SerializerMethodField()
    status = serializers.CharField()
    scores = serializers.JSONField()
    weighted_score = serializers.DecimalField(max_digits=7, decimal_places=3, allow_null=True)
    comment = serializers.CharField()
    conflict_reason = serializers.CharField()
    automatic = serializers.BooleanField()
    assigned_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)

    def get_reviewer(self, obj) -> dict:
        return {"id": obj.reviewer_id, "name": str(obj.reviewer)}


class ConflictIn(serializers.Serializer):
    reason = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")


class ScoreIn(serializers.Serializer):
    scores = serializers.DictField(child=serializers.JSONField())
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)


# --- Applications -------------------------------------------------------------------------------

class TeamMemberIO(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    orcid = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    institution_name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    role = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class FundingIO(serializers.Serializer):
    agency = serializers.CharField(max_length=200)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    grant_id = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class MethodIO(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    destructive = serializers.BooleanField(default=False)
    plan = serializers.CharField(required=False, allow_blank=True, default="")
    video_consent = serializers.BooleanField(default=False)


class ItemIn(serializers.Serializer):
    sample_set = serializers.IntegerField(min_value=1, max_value=2**62)
    form = serializers.ChoiceField(choices=SampleForm.choices, required=False)
    requested_mass_ug = serializers.IntegerField(min_value=1, max_value=10**16)
    purpose = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    sample_set = serializers.IntegerField(source="sample_set_id")
    sample_set_name = serializers.CharField(source="sample_set.name_en")
    form = serializers.CharField()
    requested_mass_ug = serializers.IntegerField()
    approved_mass_ug = serializers.IntegerField(allow_null=True)
    purpose = serializers.CharField()


class ComplianceOut(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.IntegerField(source="rule_id")
    type = serializers.CharField(source="rule.type")
    outcome = serializers.CharField()
    explanation = serializers.CharField()
    blocks_decision = serializers.BooleanField()
    resolution = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)


class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class ApplicationOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    round = serializers.IntegerField(source="round_id")
    applicant = serializers.SerializerMethodField()
    institution = serializers.SerializerMethodField()
    title = serializers.CharField()
    abstract = serializers.CharField()
    research_plan = serializers.CharField()
    expected_outputs = serializers.CharField()
    status = serializers.CharField()
    is_approved = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    screening_note = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_reason = serializers.CharField()
    team = TeamMemberIO(many=True)
    funding = FundingIO(many=True)
    methods = MethodIO(many=True)
    items = ItemOut(many=True)
    attachments = AttachmentOut(many=True)
    compliance = ComplianceOut(many=True, source="compliance_results")

    def get_applicant(self, obj) -> dict:
        return {"id": obj.applicant_id, "name": str(obj.applicant)}

    def get_institution(self, obj) -> dict:
        return {"id": obj.institution_id, "name": obj.institution.name_en, "country": str(obj.institution.country)}


class ApplicationIn(serializers.Serializer):
    round = serializers.IntegerField(min_value=1, max_value=2**62)
    title = serializers.CharField(max_length=300)
    abstract = serializers.CharField(required=False, allow_blank=True, max_length=5_000)
    research_plan = serializers.CharField(required=False, allow_blank=True, max_length=50_000)
    expected_outputs = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    team = TeamMemberIO(many=True, required=False)
    funding = FundingIO(many=True, required=False)
    methods = MethodIO(many=True, required=False)
    items = ItemIn(many=True, required=False)


class ApplicationPatchIn(ApplicationIn):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class ScreenIn(serializers.Serializer):
    result = serializers.ChoiceField(choices=["pass", "return"])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
    checklist = serializers.DictField(child=serializers.BooleanField(), required=False)


class DecideItemIn(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=2**62)
    mass_ug = serializers.IntegerField(min_value=0, max_value=10**16)


class DecideIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reduce", "reject"])
    items = DecideItemIn(many=True, required=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)


class ResolveIn(serializers.Serializer):
    result = serializers.IntegerField(min_value=1, max_value=2**62)
    resolution = serializers.CharField(max_length=10_000)


class AssignReviewerIn(serializers.Serializer):
    reviewer = serializers.IntegerField(min_value=1, max_value=2**62)


class WithdrawIn(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)


class AttachmentIn(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=Attachment.Kind.choices, default=Attachment.Kind.OTHER)


def _nested(values: dict) -> dict:
    for key in ("team", "funding", "methods", "items"):
        if key in values:
            values[key] = [dict(row) for row in values[key]]
    return values


class ApplicationViewSet(viewsets.ViewSet):
    queryset = Application.objects.none()  # tells the schema the type of the path parameter
    lookup_value_regex = "[0-9]+"
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    permission_rules = {
        "list": "accounts.signed_in", "retrieve": "accounts.signed_in", "create": "programs.apply",
        "partial_update": "programs.edit_application", "submit": "programs.submit_application",
        "withdraw": "programs.withdraw_application", "attachments": "programs.edit_application",
        "screen": "programs.screen_application", "resolve_flag": "programs.resolve_flag",
        "decide": "programs.decide_application", "assign_reviewer": "programs.assign_reviewers",
    }

    def _application(self, request, pk) -> Application:
        return selectors.application_get_for_user(request.user, pk)

    def _out(self, application: Application, code=status.HTTP_200_OK) -> Response:
        application = Application.objects.select_related("institution", "applicant").prefetch_related(
            "team", "funding", "methods", "items__sample_set", "attachments", "compliance_results__rule").get(
            pk=application.pk)
        return Response(ApplicationOut(application).data, status=code)

    @extend_schema(responses=paginated(ApplicationOut))
    def list(self, request):
        queryset = selectors.applications_visible_to(request.user).prefetch_related(
            "team", "funding", "methods", "items__sample_set", "attachments", "compliance_results__rule")
        round_id = query_int(request.query_params, "round")
        if round_id is not None:
            queryset = queryset.filter(round=round_id)
        if request.query_params.get("status"):
            queryset = queryset.filter(status=request.query_params["status"])
        return paginated_response(request, self, queryset.order_by("-created_at", "-id"), ApplicationOut)

    @extend_schema(responses=ApplicationOut)
    def retrieve(self, request, pk=None):
        return self._out(self._application(request, pk))

    @extend_schema(request=ApplicationIn, responses={201: ApplicationOut})
    def create(self, request):
        data = ApplicationIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = _nested(dict(data.validated_data))
        round_ = selectors.round_get_for_user(request.user, values.pop("round"))
        application = services.application_create(actor=request.user, round_=round_, **values)
        return self._out(application, status.HTTP_201_CREATED)

    @extend_schema(request=ApplicationPatchIn, responses=ApplicationOut)
    def partial_update(self, request, pk=None):
        application = self._application(request, pk)
        data = ApplicationPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = _nested(dict(data.validated_data))
        if "round" in values and values.pop("round") != application.round_id:
            raise ValidationFailed(_("An application cannot move to another round."))
        return self._out(services.application_update(actor=request.user, application=application, **values))

    @extend_schema(request=None, responses=ApplicationOut)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._out(services.application_submit(actor=request.user, application=self._application(request, pk)))

    @extend_schema(request=WithdrawIn, responses=ApplicationOut)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        data = WithdrawIn(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(services.application_withdraw(actor=request.user, application=self._application(request, pk),
                                                       reason=data.validated_data["reason"]))

    @extend_schema(request=ScreenIn, responses=ApplicationOut)
    @action(detail=True, methods=["post"])
    def screen(self, request, pk=None):
        data = ScreenIn(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(services.application_screen(actor=request.user, application=self._application(request, pk),
                                                     **data.validated_data))

    @extend_schema(request=DecideIn, responses=ApplicationOut)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        data = DecideIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        items = [dict(row) for row in values.get("items", [])]
        return self._out(services.application_decide(actor=request.user, application=self._application(request, pk),
                                                     decision=values["decision"], reason=values["reason"],
                                                     items=items or None))

    @extend_schema(request=ResolveIn, responses=ApplicationOut)
    @action(detail=True, methods=["post"], url_path="resolve-flag")
    def resolve_flag(self, request, pk=None):
        application = self._application(request, pk)
        data = ResolveIn(data=request.data)
        data.is_valid(raise_exception=True)
        result = application.compliance_results.filter(pk=data.validated_data["result"]).first()
        if result is None:
            raise NotFoundError(_("No such compliance result on this application."))
        services.compliance_resolve(actor=request.user, result=result, resolution=data.validated_data["resolution"])
        return self._out(application)

    @extend_schema(request=AssignReviewerIn, responses={201: ReviewOut})
    @action(detail=True, methods=["post"], url_path="assign-reviewer")
    def assign_reviewer(self, request, pk=None):
        from lunarshare.accounts.models import User

        application = self._application(request, pk)
        data = AssignReviewerIn(data=request.data)
        data.is_valid(raise_exception=True)
        reviewer = User.objects.filter(pk=data.validated_data["reviewer"]).first()
        if reviewer is None:
            raise ValidationFailed(_("No such reviewer."))
        review = services.review_assign(actor=request.user, application=application, reviewer=reviewer)
        return Response(ReviewOut(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": AttachmentIn}, responses={201: AttachmentOut})
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        application = self._application(request, pk)
        data = AttachmentIn(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(actor=request.user, application=application,
                                             upload=data.validated_data["file"], kind=data.validated_data["kind"])
        return Response(AttachmentOut(attachment).data, status=status.HTTP_201_CREATED)


class ReviewViewSet(viewsets.ViewSet):
    queryset = Review.objects.none()  # tells the schema the type of the path parameter
    lookup_value_regex = "[0-9]+"
    permission_rules = {
        "list": "programs.view_reviews", "retrieve": "programs.view_reviews",
        "conflict": "programs.review", "score": "programs.score_review",
    }

    @extend_schema(responses=paginated(ReviewOut))
    def list(self, request):
        queryset = selectors.reviews_visible_to(request.user)
        if request.query_params.get("status"):
            queryset = queryset.filter(status=request.query_params["status"])
        return paginated_response(request, self, queryset.order_by("-assigned_at", "-id"), ReviewOut)

    @extend_schema(responses=ReviewOut)
    def retrieve(self, request, pk=None):
        return Response(ReviewOut(selectors.review_get_for_user(request.user, pk)).data)

    @extend_schema(request=ConflictIn, responses=ReviewOut)
    @action(detail=True, methods=["post"])
    def conflict(self, request, pk=None):
        review = selectors.review_get_for_user(request.user, pk)
        data = ConflictIn(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data["reason"] or _("Conflict of interest declared by the reviewer.")
        review = services.review_declare_conflict(actor=request.user, review=review, reason=reason)
        return Response(ReviewOut(review).data)

    @extend_schema(request=ScoreIn, responses=ReviewOut)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        review = selectors.review_get_for_user(request.user, pk)
        data = ScoreIn(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_score(actor=request.user, review=review, **data.validated_data)
        return Response(ReviewOut(review).data)

