"""Catalogue pages: the public catalogue, sample and mission pages, and the curator's desk.

Views parse a form, call one service and redirect; a refusal (a domain error) becomes a form
error and nothing has changed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lunarshare.audit.models import Event
from lunarshare.audit.services import events_for
from lunarshare.errors import DomainError
from lunarshare.permissions import public, query_int, rule_required
from lunarshare.web_errors import run_in_form

from . import services
from .api import CappedCountPaginator
from .forms import (
    CatalogueFilterForm,
    ImportForm,
    MoveForm,
    ReweighForm,
    SampleRegisterForm,
    SplitChildFormSet,
    SplitReasonForm,
)
from .importer import ImportRejected, samples_import
from .models import Mission, Sample
from .selectors import custody_for, genealogy, ledger_for, sample_get_for_user, sample_search

PAGE_SIZE = 50
# Uploads above this size (about 50,000 rows) are imported by a Celery task and the curator is
# notified of the outcome; smaller ones are checked and imported while the curator waits.
SYNC_IMPORT_MAX_BYTES = 5 * 1024 * 1024
PAGE_GENEALOGY_LIMIT = 500


@public
def sample_list(request):
    form = CatalogueFilterForm(request.GET or None)
    arguments = form.search_arguments() if form.is_bound and form.is_valid() else {}
    queryset = sample_search(**arguments) if not form.is_bound or form.is_valid() else Sample.objects.none()
    paginator = CappedCountPaginator(queryset, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):  # a page that is not a number or past the end shows the first
        page = paginator.page(1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "catalog/sample_list.html", {
        "form": form, "page": page, "paginator": paginator, "query": query.urlencode(),
        "count_is_estimate": getattr(paginator, "count_is_estimate", False),
    })


@public
def sample_detail(request, identifier):
    sample = sample_get_for_user(request.user, identifier)
    tree = genealogy(sample, limit=PAGE_GENEALOGY_LIMIT)
    can_see_storage = request.user.has_perm("catalog.view_storage")
    return render(request, "catalog/sample_detail.html", {
        "sample": sample, "tree": tree, "ledger": ledger_for(sample)[:500], "custody": custody_for(sample)[:200],
        "events": events_for(sample).order_by("-seq")[:50] if can_see_storage else None,
        "can_see_storage": can_see_storage,
        "can_manage": request.user.has_perm("catalog.manage_samples"),
    })


@public
def mission_list(request):
    return render(request, "catalog/mission_list.html", {"missions": Mission.objects.all()})


@public
def mission_detail(request, code):
    mission = get_object_or_404(Mission, code=code)
    roots = sample_search(mission=mission.code).filter(parent__isnull=True)
    paginator = CappedCountPaginator(roots, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):  # a page that is not a number or past the end shows the first
        page = paginator.page(1)
    return render(request, "catalog/mission_detail.html", {"mission": mission, "page": page})


# --- Curator pages -----------------------------------------------------------------------------


@rule_required("catalog.manage_samples")
def curator_home(request):
    imports = Event.objects.filter(verb="lunarshare.sample.imported").order_by("-seq")[:10]
    return render(request, "catalog/curator_home.html", {"imports": imports})


@rule_required("catalog.manage_samples")
@require_http_methods(["GET", "POST"])
def sample_register(request):
    form = SampleRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sample = run_in_form(form, lambda: services.sample_register(
            actor=request.user, identifier=data["identifier"], mission=data["mission"], type=data["type"],
            category=data["category"], mass_ug=data["mass"], location=data["location"],
            description=data["description"]))
        if form.is_valid():
            messages.success(request, _("%(sample)s registered.") % {"sample": sample.identifier})
            return redirect(sample)
    return render(request, "catalog/sample_form.html", {
        "form": form, "title": _("Register a sample"), "submit": _("Register")})


@rule_required("catalog.manage_samples")
@require_http_methods(["GET", "POST"])
def sample_split(request, identifier):
    parent = sample_get_for_user(request.user, identifier)
    rows = min(query_int(request.GET, "rows", 3, max_value=None), 50)
    if request.method == "POST":
        formset = SplitChildFormSet(request.POST, prefix="child")
        reason_form = SplitReasonForm(request.POST)
        if formset.is_valid() and reason_form.is_valid():
            specs = [services.ChildSpec(mass_ug=row["mass"], type=row.get("type") or None,
                                        identifier=(row.get("identifier") or "").strip() or None)
                     for row in formset.cleaned_data if row.get("mass")]
            children = run_in_form(reason_form, lambda: services.sample_split(
                actor=request.user, parent=parent, children=specs, reason=reason_form.cleaned_data["reason"]))
            if reason_form.is_valid():
                messages.success(request, _("%(parent)s split into %(children)s.") % {
                    "parent": parent.identifier, "children": ", ".join(c.identifier for c in children)})
                return redirect(parent)
    else:
        formset = SplitChildFormSet(prefix="child", initial=[{} for _ in range(rows)])
        reason_form = SplitReasonForm()
    return render(request, "catalog/sample_split.html", {
        "sample": parent, "formset": formset, "reason_form": reason_form, "more_rows": rows + 3})


@rule_required("catalog.manage_samples")
@require_http_methods(["GET", "POST"])
def sample_reweigh(request, identifier):
    sample = sample_get_for_user(request.user, identifier)
    form = ReweighForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run_in_form(form, lambda: services.sample_reweigh(
            actor=request.user, sample=sample, measured_mass_ug=data["mass"], reason=data["reason"], kind=data["kind"]))
        if form.is_valid():
            messages.success(request, _("New weight of %(sample)s recorded.") % {"sample": sample.identifier})
            return redirect(sample)
    return render(request, "catalog/sample_form.html", {
        "form": form, "sample": sample, "title": _("Reweigh %(sample)s") % {"sample": sample.identifier},
        "submit": _("Record the weight")})


@rule_required("catalog.manage_samples")
@require_http_methods(["GET", "POST"])
def sample_move(request, identifier):
    sample = sample_get_for_user(request.user, identifier)
    form = MoveForm(request.POST or None, initial={"location": sample.location.code if sample.location else None})
    if request.method == "POST" and form.is_valid():
        run_in_form(form, lambda: services.sample_move(
            actor=request.user, sample=sample, location=form.cleaned_data["location"], note=form.cleaned_data["note"]))
        if form.is_valid():
            messages.success(request, _("%(sample)s moved.") % {"sample": sample.identifier})
            return redirect(sample)
    return render(request, "catalog/sample_form.html", {
        "form": form, "sample": sample, "title": _("Move %(sample)s") % {"sample": sample.identifier},
        "submit": _("Move")})


@rule_required("catalog.import_samples")
@require_http_methods(["GET", "POST"])
def sample_import(request):
    """The same importer as ``lunarshare import_samples``: every error listed, nothing imported on error."""
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, error_count, result = [], 0, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > SYNC_IMPORT_MAX_BYTES and not form.cleaned_data["dry_run"]:
            return _import_in_background(request, upload)
        try:
            result = samples_import(actor=request.user, source=upload.file, filename=upload.name,
                                    dry_run=form.cleaned_data["dry_run"])
        except ImportRejected as exc:
            errors, error_count = exc.errors[:500], len(exc.errors)
            form.add_error(None, str(exc.message))
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            if not form.cleaned_data["dry_run"]:
                messages.success(request, result.summary())
                return redirect("catalog:curator-home")
    return render(request, "catalog/import.html", {
        "form": form, "errors": errors, "error_count": error_count, "result": result})


def _import_in_background(request, upload):
    from .import_jobs import import_job_queue

    import_job_queue(actor=request.user, upload=upload)
    messages.info(request, _("%(file)s is large: it is being imported in the background. You will get a notification "
                             "with the result (nothing is imported if any row is wrong).") % {"file": upload.name})
    return redirect("catalog:curator-home")
