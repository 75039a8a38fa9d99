"""Web pages of science data (namespace ``science``). Reads go through the visibility selectors,
writes through one service each; domain errors become form errors or messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lunarshare import files
from lunarshare.accounts.rules import is_curator
from lunarshare.catalog.models import Mission, Sample
from lunarshare.errors import DomainError
from lunarshare.permissions import public, rule_required
from lunarshare.redirects import redirect_next
from lunarshare.web_errors import refused_to, run_in_form

from . import csv_format, selectors, services
from . import rules as science_rules
from .api import comparison_csv, comparison_payload, run_comparison, scatter_payload
from .citation import citation_text, datacite_metadata
from .forms import CompareForm, DatasetForm, EmbargoForm, FileForm, PublicationForm, UploadForm
from .models import DatasetStatus

DEFAULT_MISSIONS = ["A11", "A12", "A15", "A17", "CE5"]


def _team_loans(user):
    from lunarshare.loans.models import Loan

    if not user.is_authenticated:
        return Loan.objects.none()
    if science_rules.handles_all_science(user):
        return Loan.objects.order_by("-pk")
    return Loan.objects.filter(Q(responsible=user) | Q(team=user)).distinct().order_by("-pk")


@public
@require_GET
def dataset_list(request):
    q = request.GET.get("q", "")[:200]
    mission = request.GET.get("mission", "")[:8]
    status = request.GET.get("status", "")
    queryset = selectors.dataset_search(request.user, q=q, mission=mission, status=status).prefetch_related("samples")
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(request, "science/dataset_list.html", {
        "page": page, "q": q, "mission": mission, "status": status, "statuses": DatasetStatus.choices,
        "missions": Mission.objects.order_by("sort_order", "code"),
        "can_create": request.user.is_authenticated and (is_curator(request.user) or _team_loans(request.user).exists()),
    })


@public
def dataset_detail(request, pk: int, *, upload_errors=None, upload_form=None):
    dataset = selectors.dataset_get_for_user(request.user, pk)
    measurements = selectors.dataset_measurements(request.user, dataset)
    page = Paginator(measurements, 200).get_page(request.GET.get("page"))
    landing = request.build_absolute_uri(dataset.get_absolute_url())
    user = request.user
    watching = user.is_authenticated and dataset.watches.filter(user=user).exists()
    return render(request, "science/dataset_detail.html", {
        "dataset": dataset, "page": page, "citation": citation_text(dataset, landing_url=landing),
        "samples": dataset.samples.select_related("mission").order_by("identifier"),
        "files": dataset.files.all(), "publications": dataset.publications.all(),
        "can_edit": science_rules.can_edit_dataset(user, dataset),
        "can_release": dataset.status == DatasetStatus.EMBARGOED and science_rules.can_release_early(user, dataset),
        "can_set_embargo": dataset.status == DatasetStatus.EMBARGOED and (
            science_rules.can_set_any_embargo(user, dataset) or science_rules.can_edit_dataset(user, dataset)),
        "upload_form": upload_form or UploadForm(), "file_form": FileForm(),
        "embargo_form": EmbargoForm(initial={"embargo_until": dataset.embargo_until}),
        "upload_errors": upload_errors, "watching": watching, "header": ",".join(csv_format.HEADER),
    }, status=400 if upload_errors else 200)


@public
@require_GET
def dataset_datacite(request, pk: int):
    dataset = selectors.dataset_get_for_user(request.user, pk)
    data = datacite_metadata(dataset, landing_url=request.build_absolute_uri(dataset.get_absolute_url()))
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="dataset-{dataset.pk}-datacite.json"'
    return response


@public
@require_GET
def dataset_measurements_csv(request, pk: int):
    """The dataset's visible measurements in the upload format (so a download can be re-uploaded)."""
    dataset = selectors.dataset_get_for_user(request.user, pk)
    rows = [{"sample": m.sample.identifier, "property": m.property, "value": _plain(m.value), "unit": m.unit,
             "uncertainty": _plain(m.uncertainty), "uncertainty_type": m.uncertainty_type, "method": m.method}
            for m in selectors.dataset_measurements(request.user, dataset)]
    response = HttpResponse(csv_format.render(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dataset-{dataset.pk}-measurements.csv"'
    return response


def _plain(number):
    return None if number is None else format(number.normalize(), "f")


@public
@require_GET
def dataset_file(request, pk: int, file_pk: int):
    dataset = selectors.dataset_get_for_user(request.user, pk)
    stored = dataset.files.filter(pk=file_pk).first()
    if stored is None:
        raise Http404(_("No such file."))
    return files.attachment(stored.file, stored.name)


@rule_required("science.add_dataset")
def dataset_create(request):
    loans = _team_loans(request.user)
    form = DatasetForm(request.POST or None, loans=loans)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dataset = run_in_form(form, lambda: services.dataset_create(
            actor=request.user, title=data["title"], loan=data["loan"], samples=data["samples"],
            description=data["description"], authors=data["authors"], licence=data["licence"],
            method=data["method"], instrument=data["instrument"], laboratory=data["laboratory"],
            keywords=data["keywords"], doi=data["doi"], embargo_until=data["embargo_until"],
        ))
        if form.is_valid():
            messages.success(request, _("Dataset recorded. It stays embargoed until %(date)s.")
                             % {"date": dataset.embargo_until})
            return redirect(dataset)
    return render(request, "science/dataset_form.html", {"form": form}, status=400 if form.errors else 200)


@rule_required("science.change_dataset")
@require_POST
def dataset_upload(request, pk: int):
    dataset = selectors.dataset_get_for_user(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return dataset_detail(request, pk, upload_form=form,
                              upload_errors=[{"line": 0, "column": "", "message": _("Choose a CSV file.")}])
    upload = form.cleaned_data["file"]
    try:
        result = services.measurements_upload(actor=request.user, dataset=dataset, content=upload.file,
                                              filename=upload.name)
    except DomainError as exc:
        return dataset_detail(request, pk, upload_form=form,
                              upload_errors=exc.extra.get("errors") or [{"line": 0, "column": "", "message": exc.message}])
    messages.success(request, _("Imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
                     % result.as_dict())
    return redirect(dataset)


@rule_required("science.change_dataset")
@require_POST
@refused_to("science:dataset-detail", "pk")
def dataset_add_file(request, pk: int):
    dataset = selectors.dataset_get_for_user(request.user, pk)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        services.dataset_attach_file(actor=request.user, dataset=dataset, upload=form.cleaned_data["file"])
        messages.success(request, _("File stored."))
    else:
        messages.error(request, _("Choose a file."))
    return redirect(dataset)


@rule_required("science.release_dataset")
@require_POST
@refused_to("science:dataset-detail", "pk")
def dataset_release(request, pk: int):
    dataset = selectors.dataset_get_for_user(request.user, pk)
    services.dataset_release(actor=request.user, dataset=dataset)
    messages.success(request, _("The dataset is released and open to everyone."))
    return redirect(dataset)


@rule_required("science.change_dataset")
@require_POST
@refused_to("science:dataset-detail", "pk")
def dataset_set_embargo(request, pk: int):
    dataset = selectors.dataset_get_for_user(request.user, pk)
    form = EmbargoForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a date."))
        return redirect(dataset)
    services.dataset_set_embargo(actor=request.user, dataset=dataset, embargo_until=form.cleaned_data["embargo_until"])
    messages.success(request, _("Embargo date changed."))
    return redirect(dataset)


@rule_required("accounts.signed_in")
@require_POST
@refused_to("science:dataset-detail", "pk")
def dataset_watch(request, pk: int):
    dataset = selectors.dataset_get_for_user(request.user, pk)
    existing = dataset.watches.filter(user=request.user).first()
    if existing:
        services.watch_stop(actor=request.user, watch=existing)
        messages.success(request, _("You will no longer be told about this dataset."))
    else:
        services.watch_start(actor=request.user, dataset=dataset)
        messages.success(request, _("You will be told when this dataset is released."))
    return redirect(dataset)


@rule_required("accounts.signed_in")
@require_POST
@refused_to("science:dataset-list")
def mission_watch(request, code: str):
    mission = Mission.objects.filter(code=code).first()
    if mission is None:
        raise Http404(_("No such mission."))
    services.watch_start(actor=request.user, mission=mission)
    messages.success(request, _("You will be told when new %(mission)s data are released.") % {"mission": mission})
    return redirect_next(request, "science:dataset-list")


# --- Compare ----------------------------------------------------------------------------------

def _compare(request, *, points_limit: int | None = None):
    properties = selectors.available_properties(request.user)
    params = request.GET.copy()
    # ``missions=A12,A15,CE5`` (the API's form) as well as one ``missions=`` per checkbox.
    # Local until the shared list-parameter parser lands (authz area).
    if "missions" in params:
        params.setlist("missions", [code.strip() for value in params.getlist("missions")
                                    for code in value.split(",") if code.strip()])
    if "missions" not in params and "property" not in params:
        params.setlist("missions", [m for m in DEFAULT_MISSIONS if Mission.objects.filter(code=m).exists()])
        params["property"] = "age" if any(p["property"] == "age" for p in properties) else (
            properties[0]["property"] if properties else "TiO2")
    form = CompareForm(params, properties=properties)
    if not form.is_valid():
        return form, None, None, properties
    query = {"missions": ",".join(form.cleaned_data["missions"]), "property": form.cleaned_data["property"]}
    if form.cleaned_data.get("property_y"):
        query = {"missions": query["missions"], "property_x": form.cleaned_data["property"],
                 "property_y": form.cleaned_data["property_y"]}
    if points_limit is not None:
        query["points_limit"] = str(points_limit)
    try:
        kind, result = run_comparison(request.user, query)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return form, None, None, properties
    return form, kind, result, properties


@public
@require_GET
def compare(request):
    """Public comparison page. Without JavaScript: the form, the numbers and the table, the CSV.
    With it: a Chart.js histogram/strip plot or scatter with error bars, and a PNG download."""
    form, kind, result, properties = _compare(request)
    payload = None
    if result is not None:
        payload = comparison_payload(result) if kind == "compare" else scatter_payload(result)
    return render(request, "science/compare.html", {
        "form": form, "kind": kind, "result": result, "payload": payload,
        "query": request.GET.urlencode() or _default_query(form), "properties": properties,
        "labels": {"missions": _("Mission"), "value": _("Value"), "sample": _("Sample"), "none": _("no unit"),
                   "uncertainty": _("uncertainty"), "unstated": _("level not stated"), "figure": _("LunarShare comparison")},
    }, status=400 if form.errors else 200)


def _default_query(form) -> str:
    from urllib.parse import urlencode

    if not form.is_bound or not form.is_valid():
        return ""
    return urlencode({"missions": form.cleaned_data["missions"], "property": form.cleaned_data["property"]}, doseq=True)


@public
@require_GET
def compare_csv(request):
    form, kind, result, _properties = _compare(request, points_limit=selectors.MAX_POINTS)
    if result is None:
        return HttpResponse(" ".join(str(e) for e in form.non_field_errors()) or _("Invalid comparison."),
                            status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(comparison_csv(kind, result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lunarshare-compare.csv"'
    return response


# --- Publications and reports -----------------------------------------------------------------

@public
@require_GET
def publication_list(request):
    q = request.GET.get("q", "")[:200]
    page = Paginator(selectors.publications_list(q=q), 25).get_page(request.GET.get("page"))
    visible = set(selectors.datasets_visible_to(request.user).values_list("pk", flat=True))
    return render(request, "science/publication_list.html", {"page": page, "q": q, "visible": visible})


@rule_required("science.report_publication")
def publication_create(request):
    loans = _team_loans(request.user)
    datasets = selectors.datasets_visible_to(request.user).order_by("title")
    form = PublicationForm(request.POST or None, loans=loans, datasets=datasets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run_in_form(form, lambda: services.publication_create(
            actor=request.user, doi=data["doi"], title=data["title"], year=data["year"], authors=data["authors"],
            journal=data["journal"], samples=data["samples"], loans=list(data["loans"]), datasets=list(data["datasets"])))
        if form.is_valid():
            messages.success(request, _("Publication recorded. Thank you for reporting it."))
            return redirect("science:publication-list")
    return render(request, "science/publication_form.html", {"form": form}, status=400 if form.errors else 200)


@rule_required("science.view_overdue_reports")
@require_GET
def reports_overdue(request):
    today = timezone.localdate()
    return render(request, "science/reports_overdue.html", {"rows": selectors.overdue_reports(today=today),
                                                            "today": today})


@public
@require_GET
def sample_measurements(request, identifier: str):
    sample = Sample.objects.filter(identifier=identifier).first()
    if sample is None:
        raise Http404(_("No such sample."))
    rows = selectors.measurement_search(request.user, sample=identifier)[:500]
    return render(request, "science/sample_measurements.html", {"sample": sample, "rows": rows})
