"""REST API of science data. Every read starts from the visibility selectors; every write calls
one service. Errors are domain errors rendered by the project handler."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import parsers, renderers, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from lunarshare import csvio, uploads
from lunarshare.api import paginated, paginated_response
from lunarshare.catalog.models import Sample
from lunarshare.errors import NotFoundError, ValidationFailed
from lunarshare.permissions import PUBLIC, query_int

from . import csv_format, selectors, services
from .citation import citation_text, datacite_metadata
from .models import Licence


class CSVTextParser(parsers.BaseParser):
    """``Content-Type: text/csv``: the body is the file."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        """The body in a temporary file, copied in blocks up to the measurement file limit."""
        if stream is None:
            return b""
        return uploads.spool(stream, csv_format.MAX_BYTES)


def _plain(number) -> str | None:
    """A Decimal as the shortest plain string (3.840000000000 → 3.84)."""
    if number is None:
        return None
    text = format(number.normalize(), "f")
    return text


class AuthorSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    orcid = serializers.CharField(max_length=60, required=False, allow_blank=True)
    affiliation = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DatasetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    authors = AuthorSerializer(many=True)
    licence = serializers.CharField()
    licence_url = serializers.CharField()
    method = serializers.CharField()
    instrument = serializers.CharField()
    laboratory = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())
    doi = serializers.CharField()
    loan = serializers.IntegerField(source="loan_id", allow_null=True)
    samples = serializers.SerializerMethodField()
    status = serializers.CharField()
    embargo_until = serializers.DateField(allow_null=True)
    released_at = serializers.DateTimeField(allow_null=True)
    sources = serializers.CharField()
    measurement_count = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_samples(self, obj) -> list[str]:
        return [s.identifier for s in obj.samples.all()]

    def get_measurement_count(self, obj) -> int:
        count = getattr(obj, "measurement_count", None)
        return count if count is not None else obj.measurements.count()

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(obj.get_absolute_url()) if request else obj.get_absolute_url()


class DatasetDetailOutput(DatasetOutput):
    citation = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    def get_citation(self, obj) -> str:
        return citation_text(obj, landing_url=self.get_url(obj))

    def get_files(self, obj) -> list[dict]:
        return [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in obj.files.all()]


class MeasurementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    dataset = serializers.IntegerField(source="dataset_id")
    sample = serializers.CharField(source="sample.identifier")
    mission = serializers.CharField(source="mission.code")
    property = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.SerializerMethodField()
    unit = serializers.CharField()
    uncertainty = serializers.SerializerMethodField()
    uncertainty_type = serializers.CharField()
    value_canonical = serializers.FloatField()
    uncertainty_canonical = serializers.FloatField(allow_null=True)
    canonical_unit = serializers.SerializerMethodField()
    method = serializers.CharField()

    def get_value(self, obj) -> str:
        return _plain(obj.value)

    def get_uncertainty(self, obj) -> str | None:
        return _plain(obj.uncertainty)

    def get_canonical_unit(self, obj) -> str:
        from .units import KINDS

        return KINDS[obj.kind].canonical_unit if obj.kind in KINDS else ""


def _samples_from_identifiers(identifiers) -> list[Sample]:
    identifiers = list(dict.fromkeys(identifiers or []))
    found = {s.identifier: s for s in Sample.objects.filter(identifier__in=identifiers)}
    missing = [i for i in identifiers if i not in found]
    if missing:
        raise ValidationFailed(_("Unknown sample(s): %(ids)s.") % {"ids": ", ".join(missing[:20])}, samples=missing[:20])
    return [found[i] for i in identifiers]


class DatasetListCreateApi(APIView):
    """Datasets the caller may see (released ones for everyone); POST records a new one."""

    permission_rules = {"get": PUBLIC, "post": "science.add_dataset"}

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DatasetCreateInput"

        title = serializers.CharField(max_length=300)
        loan = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**31)
        samples = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=5000)
        description = serializers.CharField(required=False, allow_blank=True, max_length=20000)
        authors = AuthorSerializer(many=True, required=False)
        licence = serializers.ChoiceField(choices=Licence.choices, required=False, default=Licence.CC_BY_4)
        method = serializers.CharField(required=False, allow_blank=True, max_length=200)
        instrument = serializers.CharField(required=False, allow_blank=True, max_length=200)
        laboratory = serializers.CharField(required=False, allow_blank=True, max_length=200)
        keywords = serializers.ListField(child=serializers.CharField(max_length=80), required=False, max_length=50)
        doi = serializers.CharField(required=False, allow_blank=True, max_length=250)
        embargo_until = serializers.DateField(required=False, allow_null=True)
        sources = serializers.CharField(required=False, allow_blank=True, max_length=20000)

    @extend_schema(
        operation_id="datasets_list",
        parameters=[OpenApiParameter("q", str), OpenApiParameter("mission", str), OpenApiParameter("loan", int),
                    OpenApiParameter("status", str)],
        responses=paginated(DatasetOutput),
    )
    def get(self, request):
        loan = query_int(request.query_params, "loan")
        queryset = selectors.dataset_search(
            request.user, q=request.query_params.get("q", "")[:200], mission=request.query_params.get("mission", "")[:8],
            loan=loan, status=request.query_params.get("status", ""),
        ).prefetch_related("samples")
        return paginated_response(request, self, queryset, DatasetOutput, context={"request": request})

    @extend_schema(operation_id="datasets_create", request=InputSerializer, responses={201: DatasetDetailOutput})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        loan = None
        if values.pop("loan", None):
            from lunarshare.loans.selectors import loan_get_for_user

            loan = loan_get_for_user(request.user, data.validated_data["loan"])
        samples = _samples_from_identifiers(values.pop("samples", []))
        dataset = services.dataset_create(actor=request.user, loan=loan, samples=samples, **values)
        return Response(DatasetDetailOutput(dataset, context={"request": request}).data, status=201)


class DatasetDetailApi(APIView):
    permission_rules = {"get": PUBLIC}

    @extend_schema(operation_id="datasets_retrieve", responses=DatasetDetailOutput)
    def get(self, request, pk: int):
        dataset = selectors.dataset_get_for_user(request.user, pk)
        return Response(DatasetDetailOutput(dataset, context={"request": request}).data)


class DatasetDataciteApi(APIView):
    permission_rules = {"get": PUBLIC}

    @extend_schema(operation_id="datasets_datacite", responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        dataset = selectors.dataset_get_for_user(request.user, pk)
        return Response(datacite_metadata(dataset, landing_url=request.build_absolute_uri(dataset.get_absolute_url())))


class MeasurementUploadApi(APIView):
    """Upload measurements as CSV: multipart (field ``file``) or a ``text/csv`` body.

    Header: ``sample,property,value,unit,uncertainty,uncertainty_type,method``. All rows or none;
    400 lists every error with its line in ``extra.errors``.
    """

    permission_rules = {"post": "science.change_dataset"}
    parser_classes = [CSVTextParser, parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(
        operation_id="datasets_measurements_upload",
        request={"text/csv": OpenApiTypes.STR, "multipart/form-data": inline_serializer(
            "MeasurementUploadForm", {"file": serializers.FileField()})},
        responses=inline_serializer("MeasurementUploadResult", {
            "created": serializers.IntegerField(), "updated": serializers.IntegerField(),
            "unchanged": serializers.IntegerField()}),
    )
    def post(self, request, pk: int):
        dataset = selectors.dataset_get_for_user(request.user, pk)
        if isinstance(request.data, bytes | str) or hasattr(request.data, "readline"):  # a text/csv body
            content, filename = request.data, "upload.csv"
        else:
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationFailed(_("Send the CSV as the multipart field “file” or as a text/csv body."))
            content, filename = upload.file, upload.name
        result = services.measurements_upload(actor=request.user, dataset=dataset, content=content, filename=filename)
        return Response(result.as_dict(), status=200)


class MeasurementListApi(APIView):
    """Measurements the caller may see, filtered by ``mission`` (codes, comma-separated), ``property``
    (a property or ``age``), ``sample`` (identifier) and ``dataset``."""

    permission_rules = {"get": PUBLIC}

    @extend_schema(
        operation_id="measurements_list",
        parameters=[OpenApiParameter("mission", str), OpenApiParameter("property", str),
                    OpenApiParameter("sample", str), OpenApiParameter("dataset", int)],
        responses=paginated(MeasurementOutput),
    )
    def get(self, request):
        params = request.query_params
        dataset = query_int(params, "dataset")
        queryset = selectors.measurement_search(
            request.user, mission=params.get("mission", "")[:200], property=params.get("property", "")[:60],
            sample=params.get("sample", "")[:64], dataset=dataset,
        )
        return paginated_response(request, self, queryset, MeasurementOutput)


def comparison_payload(result) -> dict:
    return {
        "property": result.property, "properties": list(result.properties), "unit": result.unit, "kind": result.kind,
        "missions": [{
            "mission": s.code, "name": s.name, "count": s.count, "samples": s.samples, "min": s.min,
            "median": s.median, "max": s.max, "points_truncated": s.points_truncated,
            "points": s.points,
        } for s in result.series],
        "separations": result.separations(),
        "below_all_others": result.below_all_others(),
    }


def scatter_payload(result) -> dict:
    return {
        "property_x": result.property_x, "property_y": result.property_y, "unit_x": result.unit_x,
        "unit_y": result.unit_y,
        "missions": [{"mission": s.code, "name": s.name, "count": s.count,
                      "points": [{"sample": p.sample, "x": p.x, "y": p.y, "x_uncertainty": p.x_uncertainty,
                                  "y_uncertainty": p.y_uncertainty} for p in s.points]} for s in result.series],
    }


def run_comparison(user, params):
    """Parse a query (``missions`` + ``property``, or ``property_x`` + ``property_y``) and run it.
    Shared by the API and the web page, so both show exactly the same numbers."""
    limit = query_int(params, "points_limit", selectors.DEFAULT_POINTS, min_value=0, max_value=9_999_999)
    # ``missions=A12,A15,CE5`` or ``missions=A12&missions=A15`` (what the page's form sends)
    values = params.getlist("missions") if hasattr(params, "getlist") else [params.get("missions", "")]
    missions = selectors.parse_missions(",".join(values)[:200])
    if params.get("property_x") or params.get("property_y"):
        if not (params.get("property_x") and params.get("property_y")):
            raise ValidationFailed(_("A scatter plot needs both property_x and property_y."))
        return "scatter", selectors.scatter(user, missions=missions, property_x=params["property_x"][:60],
                                            property_y=params["property_y"][:60], points_limit=limit)
    if not params.get("property"):
        raise ValidationFailed(_("Choose a property (e.g. property=TiO2 or property=age)."))
    return "compare", selectors.compare(user, missions=missions, property=params["property"][:60],
                                        points_limit=limit)


def comparison_csv(kind: str, result) -> str:
    buffer = io.StringIO()
    writer = csvio.writer(buffer, lineterminator="\n")
    if kind == "scatter":
        writer.writerow(["mission", "sample", f"{result.property_x} ({result.unit_x or '-'})",
                         f"{result.property_x} uncertainty", f"{result.property_y} ({result.unit_y or '-'})",
                         f"{result.property_y} uncertainty"])
        for series in result.series:
            for p in series.points:
                writer.writerow([series.code, p.sample, p.x, "" if p.x_uncertainty is None else p.x_uncertainty, p.y,
                                 "" if p.y_uncertainty is None else p.y_uncertainty])
        return buffer.getvalue()
    writer.writerow(["mission", "sample", "property", f"value ({result.unit or '-'})", "uncertainty",
                     "uncertainty_type", "dataset"])
    for series in result.series:
        for p in series.points:
            writer.writerow([series.code, p["sample"], p["property"], p["value"],
                             "" if p["uncertainty"] is None else p["uncertainty"], p["uncertainty_type"], p["dataset"]])
    return buffer.getvalue()


class CSVRenderer(renderers.BaseRenderer):
    """``?format=csv``: views hand over CSV text; errors (dicts) are written as JSON text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str | bytes):
            return data
        import json

        return json.dumps(data, ensure_ascii=False)


class CompareApi(APIView):
    """Measurements of several missions side by side.

    ``?missions=A12,A15,CE5&property=TiO2`` (or ``property=age`` for every dated age): per
    mission ``count``, ``samples``, ``min``, ``median``, ``max`` (canonical unit) and ``points``
    ``(sample, value, uncertainty)``. ``?missions=...&property_x=TiO2&property_y=age``: one point
    per sample with both. ``format=csv`` returns the points as CSV. Only data the caller may see.
    """

    permission_rules = {"get": PUBLIC}
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]

    @extend_schema(
        operation_id="compare",
        parameters=[OpenApiParameter("missions", str, required=True), OpenApiParameter("property", str),
                    OpenApiParameter("property_x", str), OpenApiParameter("property_y", str),
                    OpenApiParameter("points_limit", int), OpenApiParameter("format", str, enum=["json", "csv"])],
        responses={(200, "application/json"): OpenApiTypes.OBJECT, (200, "text/csv"): OpenApiTypes.STR},
    )
    def get(self, request):
        kind, result = run_comparison(request.user, request.query_params)
        if request.accepted_renderer.format == "csv":
            response = HttpResponse(comparison_csv(kind, result), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="lunarshare-compare.csv"'
            return response
        return Response(comparison_payload(result) if kind == "compare" else scatter_payload(result))


class PublicationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    doi = serializers.CharField()
    doi_url = serializers.CharField()
    title = serializers.CharField()
    authors = AuthorSerializer(many=True)
    journal = serializers.CharField()
    year = serializers.IntegerField()
    samples = serializers.SerializerMethodField()
    loans = serializers.SerializerMethodField()
    datasets = serializers.SerializerMethodField()

    def get_samples(self, obj) -> list[str]:
        return [s.identifier for s in obj.samples.all()]

    def get_loans(self, obj) -> list[int]:
        return [loan.pk for loan in obj.loans.all()]

    def get_datasets(self, obj) -> list[int]:
        visible = self.context.get("visible_datasets")
        return [d.pk for d in obj.datasets.all() if visible is None or d.pk in visible]


class PublicationListCreateApi(APIView):
    permission_rules = {"get": PUBLIC, "post": "science.report_publication"}

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "PublicationCreateInput"

        doi = serializers.CharField(required=False, allow_blank=True, max_length=250)
        title = serializers.CharField(max_length=500)
        authors = AuthorSerializer(many=True, required=False)
        journal = serializers.CharField(required=False, allow_blank=True, max_length=300)
        year = serializers.IntegerField(min_value=1900, max_value=2200)
        samples = serializers.ListField(child=serializers.CharField(max_length=64), required=False, max_length=1000)
        loans = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31), required=False,
                                      max_length=100)
        datasets = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31), required=False,
                                         max_length=100)

    def _context(self, request) -> dict:
        return {"visible_datasets": set(selectors.datasets_visible_to(request.user).values_list("pk", flat=True))}

    @extend_schema(operation_id="publications_list",
                   parameters=[OpenApiParameter("q", str), OpenApiParameter("loan", int), OpenApiParameter("sample", str)],
                   responses=paginated(PublicationOutput))
    def get(self, request):
        loan = query_int(request.query_params, "loan")
        queryset = selectors.publications_list(q=request.query_params.get("q", "")[:200], loan=loan,
                                               sample=request.query_params.get("sample", "")[:64])
        return paginated_response(request, self, queryset, PublicationOutput, context=self._context(request))

    @extend_schema(operation_id="publications_create", request=InputSerializer, responses={201: PublicationOutput})
    def post(self, request):
        from lunarshare.loans.selectors import loan_get_for_user

        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        loans = [loan_get_for_user(request.user, pk) for pk in dict.fromkeys(values.pop("loans", []))]
        datasets = []
        for pk in dict.fromkeys(values.pop("datasets", [])):
            try:
                datasets.append(selectors.dataset_get_for_user(request.user, pk))
            except NotFoundError:
                raise NotFoundError(_("No such dataset: %(id)s.") % {"id": pk}) from None
        samples = _samples_from_identifiers(values.pop("samples", []))
        publication = services.publication_create(actor=request.user, loans=loans, datasets=datasets, samples=samples,
                                                  **values)
        return Response(PublicationOutput(publication, context=self._context(request)).data, status=201)


class PropertyListApi(APIView):
    permission_rules = {"get": PUBLIC}

    @extend_schema(operation_id="science_properties", responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response({"results": selectors.available_properties(request.user)})

