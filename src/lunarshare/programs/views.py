"""Web pages of the programs app. Views parse a form, call one service, and redirect; domain
errors become a message on the page they came from."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lunarshare import files
from lunarshare.confirm import confirmation_page
from lunarshare.errors import DomainError
from lunarshare.permissions import may, parse_id, public, rule_required

from . import compliance, forms, selectors, services
from .models import (
    Application,
    ApplicationStatus,
    ComplianceResult,
    ComplianceRule,
    ReviewStatus,
    Round,
    RoundStatus,
    RuleDocument,
    RuleVersion,
)
from .services._common import application_references, can_apply, name_list


def _run(request, call, success: str):
    """Call a service; show its refusal as a message. Returns the result or None."""
    try:
        result = call()
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return None
    messages.success(request, success)
    return result


def application_questions(application, reviews=None) -> dict:
    """What to ask before the irreversible steps on an application (the page's dialogs and the
    no-JavaScript confirmation page ask the same)."""
    ref = application.reference
    decide = _("Record this decision on %(ref)s? It cannot be changed afterwards.") % {"ref": ref}
    if reviews is not None and reviews[0] < reviews[1]:
        decide = _("Only %(scored)d of %(total)d reviews are in. %(question)s") % {
            "scored": reviews[0], "total": reviews[1], "question": decide}
    elif reviews is not None and not reviews[1]:
        decide = _("No review has been assigned. %(question)s") % {"question": decide}
    return {
        "submit": _("Submit application %(ref)s? You cannot edit it afterwards unless the programme office returns "
                    "it for correction.") % {"ref": ref},
        "withdraw": _("Withdraw application %(ref)s? This cannot be undone.") % {"ref": ref},
        "decide": decide,
    }


def round_questions(round_) -> dict:
    from django.utils import timezone

    title = round_.title
    if round_.status == RoundStatus.OPEN and round_.closes_at > timezone.now():
        close = _("Close “%(round)s” now, before its closing time? Drafts can then no longer be submitted.") % {
            "round": title}
    else:
        close = _("Close “%(round)s”? Drafts can then no longer be submitted.") % {"round": title}
    return {
        "open": _("Open “%(round)s” for applications? Its opening time, kind and limits can then no longer change.")
        % {"round": title},
        "close": close,
        "publish": _("Publish the results of “%(round)s”? Everyone will see them; they cannot be withdrawn.")
        % {"round": title},
    }


# --- Public: rules, rounds, results -----------------------------------------------------------

@public
def rule_list(request):
    documents = RuleDocument.objects.prefetch_related(
        Prefetch("versions", queryset=RuleVersion.objects.filter(published_at__isnull=False)))
    return render(request, "programs/rule_list.html", {"documents": documents})


@public
def rule_detail(request, slug):
    document = get_object_or_404(RuleDocument, slug=slug)
    versions = document.versions.filter(published_at__isnull=False).order_by("-effective_date", "-id")
    if not versions:
        raise Http404
    chosen = versions[0]
    if request.GET.get("version"):
        chosen = next((v for v in versions if v.version == request.GET["version"]), chosen)
    return render(request, "programs/rule_detail.html", {"document": document, "versions": versions, "version": chosen})


@public
def round_list(request):
    rounds = selectors.rounds_visible_to(request.user).prefetch_related("missions")
    return render(request, "programs/round_list.html", {"rounds": rounds})


@public
def round_detail(request, pk):
    round_ = selectors.round_get_for_user(request.user, pk)
    return render(request, "programs/round_detail.html", {
        "round": round_, "sample_sets": round_.sample_sets.prefetch_related("samples"),
        "criteria": round_.criteria.all(), "rule_versions": round_.rule_versions.select_related("document"),
        "may_apply": can_apply(request.user) and round_.window_is_open(), "window_open": round_.window_is_open(),
    })


@public
def results_list(request):
    rows = [selectors.round_results(r) for r in selectors.published_rounds()]
    return render(request, "programs/results_list.html", {"results": rows})


@public
def results_detail(request, pk):
    round_ = get_object_or_404(selectors.published_rounds(), pk=pk)
    return render(request, "programs/results_detail.html", {"round": round_, "results": selectors.round_results(round_)})


# --- Applicants -------------------------------------------------------------------------------

@rule_required("accounts.signed_in")
def my_applications(request):
    applications = (Application.objects.filter(Q(applicant=request.user) | Q(team__user=request.user))
                    .select_related("round").distinct())
    open_rounds = [r for r in Round.objects.filter(status=RoundStatus.OPEN) if r.window_is_open()]
    return render(request, "programs/my_applications.html", {
        "applications": applications, "open_rounds": open_rounds, "may_apply": can_apply(request.user)})


@rule_required("accounts.signed_in")
def application_new(request, round_pk):
    round_ = selectors.round_get_for_user(request.user, round_pk)
    form = forms.ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        application = _run(request, lambda: services.application_create(actor=request.user, round_=round_,
                                                                        **form.cleaned_data),
                           _("Draft saved. Add your team, funding, methods and the material you request."))
        if application:
            return redirect("programs:application-edit", pk=application.pk)
    return render(request, "programs/application_new.html", {"round": round_, "form": form})


def _initial_formsets(application):
    team = [{"name": m.name, "orcid": m.orcid, "institution_name": m.institution_name, "role": m.role}
            for m in application.team.all()]
    funding = [{"agency": f.agency, "country": f.country, "grant_id": f.grant_id} for f in application.funding.all()]
    methods = [{"name": m.name, "destructive": m.destructive, "plan": m.plan, "video_consent": m.video_consent}
               for m in application.methods.all()]
    items = [{"sample_set": i.sample_set_id, "mass": str(i.requested_mass_ug / 1000), "purpose": i.purpose}
             for i in application.items.all()]
    return team, funding, methods, items


def error_summary(*forms_or_formsets) -> list[dict]:
    """Every error of the page, each with the id of its field, for the summary at the top."""
    found = []

    def add(form):
        for name, errors in form.errors.items():
            field = form[name] if name in form.fields else None
            label = field.label if field is not None else ""
            for error in errors:
                found.append({"id": field.auto_id if field is not None else "", "label": label, "message": error})

    for item in forms_or_formsets:
        if hasattr(item, "forms"):
            for message in item.non_form_errors():
                found.append({"id": "", "label": "", "message": message})
            for row, form in enumerate(item.forms, start=1):
                before = len(found)
                add(form)
                for entry in found[before:]:
                    entry["row"] = row
        else:
            add(item)
    return found


def _rows(formset, convert=lambda row: row):
    return [convert(f.cleaned_data) for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")]


@rule_required("accounts.signed_in")
def application_edit(request, pk):
    application = selectors.application_get_for_user(request.user, pk)
    if application.applicant_id != request.user.pk:
        raise PermissionDenied
    sample_sets = list(application.round.sample_sets.all())
    team, funding, methods, items = _initial_formsets(application)
    data = request.POST if request.method == "POST" else None
    more = data.get("more") if data else None
    if more in ("team", "funding", "methods", "items"):  # no JavaScript: "More rows" re-renders with empty rows
        data = data.copy()
        total = f"{more}-TOTAL_FORMS"
        data[total] = str(min(int(data.get(total) or 0) + 2, 50)) if (data.get(total) or "0").isdigit() else data[total]
    form = forms.ApplicationForm(data, initial={k: getattr(application, k) for k in forms.ApplicationForm.base_fields})
    formsets = {
        "team": forms.TeamFormSet(data, initial=team, prefix="team"),
        "funding": forms.FundingFormSet(data, initial=funding, prefix="funding"),
        "methods": forms.MethodFormSet(data, initial=methods, prefix="methods"),
        "items": forms.ItemFormSet(data, initial=items, prefix="items", form_kwargs={"sample_sets": sample_sets}),
    }
    if request.method == "POST" and not more and form.is_valid() and all(f.is_valid() for f in formsets.values()):
        def item_row(row):
            return {"sample_set": row["sample_set"], "requested_mass_ug": row["mass"], "purpose": row.get("purpose", "")}

        def strip(row):
            return {k: v for k, v in row.items() if k != "DELETE"}

        updated = _run(request, lambda: services.application_update(
            actor=request.user, application=application, **form.cleaned_data,
            team=[strip(r) for r in _rows(formsets["team"])], funding=[strip(r) for r in _rows(formsets["funding"])],
            methods=[strip(r) for r in _rows(formsets["methods"])], items=_rows(formsets["items"], item_row)),
            _("Application saved."))
        if updated:
            return redirect("programs:application-detail", pk=application.pk)
    errors = error_summary(form, *formsets.values()) if request.method == "POST" and not more else []
    return render(request, "programs/application_edit.html", {"application": application, "form": form,
                                                              "errors": errors, **formsets})


@rule_required("accounts.signed_in")
def application_detail(request, pk):
    application = selectors.application_get_for_user(request.user, pk)
    user = request.user
    is_owner = application.applicant_id == user.pk
    is_staff = may(user, "programs.read_all_applications")
    items = list(application.items.select_related("sample_set"))
    context = {
        "application": application, "is_owner": is_owner, "is_staff": is_staff,
        "items": items, "compliance": application.compliance_results.select_related("rule", "resolved_by"),
        "history": application.history.select_related("actor"),
        "attachment_form": forms.AttachmentForm() if is_owner and application.is_editable else None,
        "my_review": application.reviews.filter(reviewer=user).first(),
    }
    if is_staff:
        z = selectors.review_z_scores(application.round)
        reviews = list(application.reviews.select_related("reviewer"))
        for review in reviews:
            review.z = z.get(review.pk)
        context["reviews"] = reviews
    if may(user, "programs.manage_round"):
        if application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.SCREENING):
            context["screen_form"] = forms.ScreenForm(checklist=application.round.screening_checklist or [])
        context["resolve_form"] = forms.ResolveFlagForm()
        if application.status == ApplicationStatus.UNDER_REVIEW:
            taken = set(application.reviews.values_list("reviewer_id", flat=True))
            pool = [r for r in selectors.reviewer_pool() if r.pk not in taken]
            check = selectors.conflict_checker(application.round, [application], pool)
            context["reviewer_choices"] = [(r, check(application.pk, r.pk)) for r in pool]
    if may(user, "programs.decide_application", application):
        context["decide_form"] = forms.DecideForm(items=items)
        context["reviews_in"] = selectors.review_counts([application.pk]).get(application.pk, (0, 0))
    context["confirm"] = application_questions(application, context.get("reviews_in"))
    return render(request, "programs/application_detail.html", context)


@rule_required("accounts.signed_in")
@require_POST
def application_action(request, pk):
    application = selectors.application_get_for_user(request.user, pk)
    action = request.POST.get("action")
    actor = request.user
    if action in ("submit", "withdraw", "decide"):
        reviews = selectors.review_counts([application.pk]).get(application.pk, (0, 0)) if action == "decide" else None
        page = confirmation_page(request, application_questions(application, reviews)[action],
                                 cancel_url=application.get_absolute_url())
        if page is not None:
            return page
    if action == "submit":
        _run(request, lambda: services.application_submit(actor=actor, application=application),
             _("Application submitted. The programme office will screen it."))
    elif action == "withdraw":
        _run(request, lambda: services.application_withdraw(actor=actor, application=application,
                                                            reason=request.POST.get("reason", "")),
             _("Application withdrawn."))
    elif action == "attach":
        form = forms.AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            _run(request, lambda: services.attachment_add(actor=actor, application=application,
                                                          upload=form.cleaned_data["file"], kind=form.cleaned_data["kind"]),
                 _("Attachment uploaded."))
        else:
            messages.error(request, _("Choose a PDF file and its kind."))
    elif action == "screen":
        form = forms.ScreenForm(request.POST, checklist=application.round.screening_checklist or [])
        if form.is_valid():
            _run(request, lambda: services.application_screen(
                actor=actor, application=application, result=form.cleaned_data["result"],
                note=form.cleaned_data["note"], checklist=form.checklist()), _("Screening recorded."))
        else:
            messages.error(request, _("Choose pass or return."))
    elif action == "assign_reviewer":
        from lunarshare.accounts.models import User

        reviewer = User.objects.filter(pk=parse_id(request.POST.get("reviewer")) or 0).first()
        if reviewer is None:
            messages.error(request, _("Choose a reviewer."))
        else:
            _run(request, lambda: services.review_assign(actor=actor, application=application, reviewer=reviewer),
                 _("Reviewer assigned."))
    elif action == "start_screening":
        _run(request, lambda: services.application_screening_start(actor=actor, application=application),
             _("Screening started."))
    elif action == "resolve":
        form = forms.ResolveFlagForm(request.POST)
        result = application.compliance_results.filter(pk=parse_id(request.POST.get("result")) or 0).first()
        if form.is_valid() and result is not None:
            _run(request, lambda: services.compliance_resolve(actor=actor, result=result,
                                                              resolution=form.cleaned_data["resolution"]),
                 _("Resolution recorded."))
        else:
            messages.error(request, _("Write the resolution."))
    elif action == "decide":
        form = forms.DecideForm(request.POST, items=application.items.select_related("sample_set"))
        if form.is_valid():
            _run(request, lambda: services.application_decide(
                actor=actor, application=application, decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"], items=form.item_masses() or None), _("Decision recorded."))
        else:
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        messages.error(request, _("Unknown action."))
    return redirect("programs:application-detail", pk=application.pk)


# --- Reviewers --------------------------------------------------------------------------------

@rule_required("programs.review")
def my_reviews(request):
    form = forms.StandingConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _run(request, lambda: services.conflict_declare(
                actor=request.user, kind=data["kind"], with_name=data["with_name"], with_orcid=data["with_orcid"],
                with_institution=data["with_institution"], note=data["note"]),
                _("Conflict recorded: you will not be assigned applications it concerns.")):
            return redirect("programs:my-reviews")
    reviews = selectors.reviews_visible_to(request.user).filter(reviewer=request.user).order_by("-assigned_at")
    return render(request, "programs/my_reviews.html", {
        "reviews": reviews, "conflict_form": form,
        "declarations": request.user.declared_conflicts.select_related("with_institution", "with_user")})


@rule_required("accounts.signed_in")
def attachment_download(request, pk, attachment_pk):
    """Attachments are not public: only people who may see the application may read them."""
    application = selectors.application_get_for_user(request.user, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_pk)
    return files.attachment(attachment.file, attachment.original_name or "attachment.pdf", "application/pdf")


@rule_required("programs.view_reviews")
def review_detail(request, pk):
    review = selectors.review_get_for_user(request.user, pk)
    application = review.application
    criteria = list(application.round.criteria.all())
    is_mine = review.reviewer_id == request.user.pk
    score_form = forms.ScoreForm(criteria=criteria, initial={
        "comment": review.comment, **{f"score_{k}": v for k, v in (review.scores or {}).items()}})
    conflict_form = forms.ConflictForm()
    if request.method == "POST" and is_mine:
        if request.POST.get("action") == "conflict":
            conflict_form = forms.ConflictForm(request.POST)
            if conflict_form.is_valid() and _run(request, lambda: services.review_declare_conflict(
                    actor=request.user, review=review, reason=conflict_form.cleaned_data["reason"]),
                    _("Conflict declared. The application has been reassigned.")):
                return redirect("programs:my-reviews")
        else:
            score_form = forms.ScoreForm(request.POST, criteria=criteria)
            if score_form.is_valid() and _run(request, lambda: services.review_score(
                    actor=request.user, review=review, scores=score_form.scores(),
                    comment=score_form.cleaned_data["comment"]), _("Scores saved.")):
                return redirect("programs:my-reviews")
    return render(request, "programs/review_detail.html", {
        "review": review, "application": application, "is_mine": is_mine, "score_form": score_form,
        "conflict_form": conflict_form, "items": application.items.select_related("sample_set"),
        "can_act": is_mine and review.is_active and application.status == ApplicationStatus.UNDER_REVIEW,
    })


# --- Officer and committee desk ---------------------------------------------------------------

@rule_required("programs.use_desk")
def officer_home(request):
    rounds = Round.objects.annotate(
        n_applications=Count("applications", filter=~Q(applications__status=ApplicationStatus.DRAFT), distinct=True),
        n_screening=Count("applications", filter=Q(applications__status__in=[ApplicationStatus.SUBMITTED,
                                                                            ApplicationStatus.SCREENING]), distinct=True),
        n_review=Count("applications", filter=Q(applications__status=ApplicationStatus.UNDER_REVIEW), distinct=True),
    )
    flags = (ComplianceResult.objects.filter(outcome=ComplianceResult.Outcome.FLAG, resolved_at__isnull=True)
             .exclude(application__status__in=[ApplicationStatus.WITHDRAWN, ApplicationStatus.DRAFT])
             .select_related("application", "rule"))
    return render(request, "programs/officer_home.html", {"rounds": rounds, "flags": flags,
                                                          "is_officer": may(request.user, "programs.manage_round")})


@rule_required("programs.create_round")
def round_new(request):
    import zoneinfo

    from django.utils import timezone as tz

    form = forms.RoundForm(request.POST or None)
    try:
        zone = zoneinfo.ZoneInfo(request.POST.get("timezone") or "Asia/Shanghai")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    with tz.override(zone):  # the times typed in are local to the round's time zone
        valid = request.method == "POST" and form.is_valid()
    if valid:
        data = dict(form.cleaned_data)
        standard, wolf = data.pop("standard_rules"), data.pop("wolf_rule")
        powder = data.pop("max_powder_mass")
        data["max_total_mass_ug"] = data.pop("max_total_mass")
        data["form_limits_ug"] = {"powder": powder} if powder else {}
        missions = data.pop("missions")

        def create():
            from django.db import transaction

            with transaction.atomic():
                round_ = services.round_create(actor=request.user, missions=missions, **data)
                if standard:
                    services.compliance_rules_add_standard(actor=request.user, round_=round_, legal_review=wolf)
                elif wolf:
                    services.compliance_rule_create(actor=request.user, round_=round_,
                                                    type=ComplianceRule.Type.LEGAL_REVIEW,
                                                    params=compliance.preset_params("wolf_amendment"))
            return round_

        round_ = _run(request, create, _("Round created as a draft. Add sample sets, then open it."))
        if round_:
            return redirect("programs:round-desk", pk=round_.pk)
    return render(request, "programs/round_new.html", {"form": form})


@rule_required("programs.read_all_applications")
def round_desk(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    applications = (round_.applications.exclude(status=ApplicationStatus.DRAFT).select_related("institution", "applicant")
                    .annotate(n_reviews=Count("reviews", filter=Q(reviews__status__in=[ReviewStatus.ASSIGNED,
                                                                                        ReviewStatus.SUBMITTED]), distinct=True),
                              n_scored=Count("reviews", filter=Q(reviews__status=ReviewStatus.SUBMITTED), distinct=True),
                              n_flags=Count("compliance_results", filter=Q(compliance_results__outcome="flag",
                                                                           compliance_results__resolved_at__isnull=True),
                                            distinct=True)))
    sample_sets = list(round_.sample_sets.prefetch_related("samples"))
    for sample_set in sample_sets:
        sample_set.approved_ug = selectors.sample_set_approved_mass_ug(sample_set)
    is_officer = may(request.user, "programs.manage_round")
    return render(request, "programs/round_desk.html", {
        "round": round_, "applications": applications, "sample_sets": sample_sets,
        "criteria": round_.criteria.all(), "rules": round_.compliance_rules.all(),
        "ranking": selectors.round_ranking(round_), "loads": sorted(selectors.round_review_loads(round_).values()),
        "is_officer": is_officer, "may_publish": may(request.user, "programs.publish_results"),
        "confirm": round_questions(round_),
        "set_form": forms.SampleSetForm(round_=round_, prefix="set"), "criterion_form": forms.CriterionForm(prefix="crit"),
        "rule_form": forms.ComplianceRuleForm(prefix="rule"),
        "assign_form": forms.AssignForm(initial={"per_application": round_.reviewers_per_application}),
        "closing_form": forms.ClosingTimeForm(),
        "checklist_form": forms.ChecklistForm(initial={"lines": "\n".join(
            f"{line['label_en']} | {line.get('label_zh', '')}" for line in round_.screening_checklist or [])}),
    })


@rule_required("programs.use_desk")
@require_POST
def round_action(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    action, actor = request.POST.get("action"), request.user
    if action in ("open", "close", "publish"):
        page = confirmation_page(request, round_questions(round_)[action],
                                 cancel_url=reverse("programs:round-desk", args=[round_.pk]))
        if page is not None:
            return page
    if action == "open":
        _run(request, lambda: services.round_open(actor=actor, round_=round_), _("The round is open."))
    elif action == "close":
        _run(request, lambda: services.round_close(actor=actor, round_=round_), _("The round is closed."))
    elif action == "publish":
        _run(request, lambda: services.round_publish_results(actor=actor, round_=round_), _("Results published."))
    elif action == "assign":
        form = forms.AssignForm(request.POST)
        if form.is_valid():
            summary = _run(request, lambda: services.round_assign_reviewers(
                actor=actor, round_=round_, per_application=form.cleaned_data["per_application"]),
                _("Reviewers assigned."))
            if summary and summary["shortfall"]:
                messages.warning(request, _("%(refs)s could not get enough conflict-free reviewers.")
                                 % {"refs": name_list(application_references(sorted(summary["shortfall"])))})
    elif action == "add_set":
        form = forms.SampleSetForm(request.POST, round_=round_, prefix="set")
        if form.is_valid():
            data = form.cleaned_data
            _run(request, lambda: services.sample_set_create(
                actor=actor, round_=round_, name_en=data["name_en"], name_zh=data["name_zh"], form=data["form"],
                offered_mass_ug=data["offered_mass"], samples=data["samples"]), _("Sample set added."))
        else:
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    elif action == "closing_time":
        import zoneinfo

        from django.utils import timezone as tz

        form = forms.ClosingTimeForm(request.POST)
        with tz.override(zoneinfo.ZoneInfo(round_.timezone)):
            valid = form.is_valid()
        if valid:
            _run(request, lambda: services.round_update(actor=actor, round_=round_,
                                                        closes_at=form.cleaned_data["closes_at"]),
                 _("Closing time changed."))
        else:
            messages.error(request, _("Give the new closing time."))
    elif action == "checklist":
        form = forms.ChecklistForm(request.POST)
        if form.is_valid():
            _run(request, lambda: services.round_update(actor=actor, round_=round_,
                                                        screening_checklist=form.checklist()),
                 _("Screening checklist saved."))
        else:
            messages.error(request, _("Write at least one checklist line."))
    elif action == "add_criterion":
        form = forms.CriterionForm(request.POST, prefix="crit")
        if form.is_valid():
            _run(request, lambda: services.criterion_create(actor=actor, round_=round_, **form.cleaned_data),
                 _("Criterion added."))
        else:
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    elif action == "add_rule":
        form = forms.ComplianceRuleForm(request.POST, prefix="rule")
        if form.is_valid():
            _run(request, lambda: services.compliance_rule_create(
                actor=actor, round_=round_, type=form.cleaned_data["type"], params=form.cleaned_data["params"] or {},
                label=form.cleaned_data["label"]), _("Compliance rule added."))
        else:
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        messages.error(request, _("Unknown action."))
    return redirect("programs:round-desk", pk=round_.pk)


@rule_required("programs.publish_rules")
def rule_new(request):
    form = forms.RuleVersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create():
            from django.db import transaction

            with transaction.atomic():
                document = data["document"] or services.rule_document_create(
                    actor=request.user, title_en=data["title_en"], title_zh=data["title_zh"])
                return services.rule_version_create(
                    actor=request.user, document=document, version=data["version"],
                    effective_date=data["effective_date"], title_en=data["title_en"], title_zh=data["title_zh"],
                    body_en=data["body_en"], body_zh=data["body_zh"], changes_en=data["changes_en"],
                    changes_zh=data["changes_zh"], pdf=data["pdf"], publish=data["publish"])

        version = _run(request, create, _("Rule version saved."))
        if version:
            return redirect(version.document.get_absolute_url())
    return render(request, "programs/rule_new.html", {"form": form})
