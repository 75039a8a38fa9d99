"""Web pages of the loans app: parse the form, call one service, show the result or the refusal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lunarshare import csvio, files
from lunarshare.audit.services import events_for
from lunarshare.errors import DomainError, NotFoundError, PermissionDeniedError
from lunarshare.mass import format_mass, parse_mass

from . import forms, rules, services
from .documents import qr_svg, render_certificate
from .models import ExtensionRequest, Incident, LoanItem, LoanStatus, UseReport
from .selectors import (
    incident_get_for_user,
    incidents_visible_to,
    loan_get_for_user,
    loan_items,
    loan_mass_summary,
    loan_report,
    loans_visible_to,
    parse_id,
)


def _loan(request, pk):
    try:
        return loan_get_for_user(request.user, pk)
    except NotFoundError:
        raise Http404(_("No such loan.")) from None
    except PermissionDeniedError as error:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(error.message) from None


def _refused(request, error: DomainError) -> None:
    messages.error(request, error.message)


def _mass_mg(value: str | None):
    value = (value or "").strip()
    if not value:
        return None
    parts = value.split()
    return parse_mass(parts[0], parts[1] if len(parts) > 1 else "mg")


@login_required
def my_loans(request):
    loans = loans_visible_to(request.user).filter(responsible=request.user) | loans_visible_to(request.user).filter(team=request.user)
    return render(request, "loans/loan_list.html", {"loans": loans.distinct().order_by("-id"), "mine": True})


@login_required
def loan_list(request):
    if not rules.can_view_report.test(request.user):
        raise Http404
    queryset = loans_visible_to(request.user).order_by("-id")
    status = request.GET.get("status")
    if status in LoanStatus.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "loans/loan_list.html", {"loans": page, "page": page, "mine": False,
                                                     "statuses": LoanStatus.choices, "status": status,
                                                     "can_create": rules.can_create.test(request.user)})


@login_required
def loan_detail(request, pk):
    loan = _loan(request, pk)
    user = request.user
    items = loan_items(loan)
    context = {
        "loan": loan,
        "items": items[:500],
        "item_total": items.count(),
        "summary": loan_mass_summary(loan),
        "timeline": events_for(loan).order_by("seq")[:200],
        "signatures": loan.signatures.select_related("signer"),
        "shipments": loan.shipments.all(),
        "use_reports": loan.use_reports.select_related("item__sample").order_by("-id")[:100],
        "extensions": loan.extensions.all(),
        "incidents": loan.incidents.all(),
        "can": {
            "sign": (loan.status == LoanStatus.DRAFT and rules.can_sign_for_borrower.test(user, loan))
            or (loan.status == LoanStatus.BORROWER_SIGNED and rules.can_sign_for_agency.test(user, loan)),
            "allocate": rules.can_allocate.test(user, loan) and loan.status in (LoanStatus.DRAFT, LoanStatus.BORROWER_SIGNED, LoanStatus.SIGNED),
            "ship": rules.can_ship.test(user, loan) and loan.status == LoanStatus.SIGNED,
            "receive": rules.can_receive.test(user, loan) and loan.status == LoanStatus.SHIPPED,
            "use": rules.can_report_use.test(user, loan) and loan.status in (LoanStatus.IN_USE, LoanStatus.PARTLY_RETURNED, LoanStatus.RECALLED),
            "return": rules.can_return.test(user, loan) and loan.status in (LoanStatus.SHIPPED, LoanStatus.IN_USE, LoanStatus.PARTLY_RETURNED, LoanStatus.RECALLED),
            "extend": (rules.can_request_extension.test(user, loan) or rules.can_decide_extension.test(user, loan))
            and loan.status in (LoanStatus.SIGNED, LoanStatus.SHIPPED, LoanStatus.IN_USE, LoanStatus.PARTLY_RETURNED),
            "recall": rules.can_recall.test(user, loan) and loan.status in (LoanStatus.SHIPPED, LoanStatus.IN_USE, LoanStatus.PARTLY_RETURNED),
            "close": rules.can_close.test(user, loan) and loan.status == LoanStatus.RETURNED,
            "cancel": rules.can_cancel.test(user, loan) and loan.status in (LoanStatus.DRAFT, LoanStatus.BORROWER_SIGNED, LoanStatus.SIGNED),
            "incident": rules.can_report_incident.test(user, loan),
            "transfer": rules.can_return.test(user, loan) and loan.status in (LoanStatus.IN_USE, LoanStatus.PARTLY_RETURNED, LoanStatus.RECALLED),
            "inventory": rules.can_confirm_inventory.test(user, loan) and loan.status in (LoanStatus.SHIPPED, LoanStatus.IN_USE, LoanStatus.PARTLY_RETURNED, LoanStatus.RECALLED),
        },
        "note_form": forms.NoteForm(), "reason_form": forms.ReasonForm(), "incident_form": forms.IncidentForm(),
    }
    return render(request, "loans/loan_detail.html", context)


@login_required
def sign(request, pk):
    loan = _loan(request, pk)
    form = forms.SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_sign(actor=request.user, loan=loan, typed_name=form.cleaned_data["typed_name"])
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Signed."))
            return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/sign.html", {"loan": loan, "form": form, "signatures": loan.signatures.select_related("signer")})


@login_required
def agreement_pdf(request, pk):
    loan = _loan(request, pk)
    agreement = getattr(loan, "agreement", None)
    if agreement is None:
        raise Http404
    document = agreement.signed_file if agreement.signed_file else agreement.file
    return files.attachment(document, f"{loan}-agreement.pdf", "application/pdf")


@login_required
def certificate_pdf(request, pk):
    loan = _loan(request, pk)
    response = HttpResponse(render_certificate(loan), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{loan}-certificate.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def allocate(request, pk):
    loan = _loan(request, pk)
    if not rules.can_allocate.test(request.user, loan):
        raise Http404
    if request.method == "POST":
        form = forms.AllocateForm(request.POST)
        if form.is_valid():
            try:
                item = loan.items.filter(pk=parse_id(form.cleaned_data["item"]) or 0).first()
                if item is None:
                    raise NotFoundError(_("No such item."))
                pick = services.Pick(form.cleaned_data["identifier"], _mass_mg(form.cleaned_data["mass"]))
                services.loan_allocate(actor=request.user, loan=loan, item=item, picks=[pick])
            except DomainError as error:
                _refused(request, error)
            else:
                messages.success(request, _("Allocated and reserved."))
            return redirect("loans:allocate", pk=loan.pk)
    pending = loan.items.filter(status=LoanItem.Status.PENDING).select_related("application_item__sample_set")
    rows = []
    for item in pending[:200]:
        candidates = []
        if item.application_item_id:
            from lunarshare.catalog.selectors import samples_with_availability

            generics = item.application_item.sample_set.samples.values_list("generic", flat=True)
            candidates = samples_with_availability().filter(generic__in=list(generics), status="available").order_by("identifier")[:20]
        rows.append({"item": item, "form": forms.AllocateForm(initial={"item": item.pk}, prefix=f"i{item.pk}"),
                     "candidates": candidates})
    allocated = loan.items.exclude(status=LoanItem.Status.PENDING).select_related("sample")[:500]
    return render(request, "loans/allocate.html", {"loan": loan, "rows": rows, "allocated": allocated})


@login_required
def ship(request, pk):
    loan = _loan(request, pk)
    if not rules.can_ship.test(request.user, loan):
        raise Http404
    form = forms.ShipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_ship(actor=request.user, loan=loan, **form.cleaned_data)
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Shipped. Print the labels for the package."))
            return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/ship.html", {"loan": loan, "form": form,
                                               "items": loan.items.select_related("sample").exclude(sample=None)[:500]})


@login_required
def labels(request, pk):
    loan = _loan(request, pk)
    items = loan.items.select_related("sample").exclude(sample=None).order_by("id")[:2000]
    labels = [{"item": item, "qr": qr_svg(item.sample.identifier)} for item in items]
    return render(request, "loans/labels.html", {"loan": loan, "labels": labels})


@login_required
def receive(request, pk):
    loan = _loan(request, pk)
    form = forms.ReceiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_receive(actor=request.user, loan=loan, condition_report=form.cleaned_data["condition_report"])
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Receipt confirmed. The material is now in your custody."))
            return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/receive.html", {"loan": loan, "form": form,
                                                  "items": loan.items.select_related("sample").exclude(sample=None)[:500]})


@login_required
def use(request, pk):
    loan = _loan(request, pk)
    identifiers = list(loan.items.filter(status=LoanItem.Status.WITH_BORROWER).values_list("sample__identifier", flat=True)[:2000])
    form = forms.UseForm(request.POST or None, identifiers=identifiers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            destructive = data["kind"] == UseReport.Kind.DESTRUCTIVE
            services.loan_report_use(actor=request.user, loan=loan, identifier=data["identifier"], kind=data["kind"],
                                     method=data["method"], performed_on=data["performed_on"],
                                     mass_ug=(_mass_mg(data["mass"]) or 0) if destructive else 0,
                                     video_url=data["video_url"] or "", notes=data["notes"])
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Use recorded."))
            return redirect("loans:loan-detail", pk=loan.pk)
    items = loan.items.filter(status=LoanItem.Status.WITH_BORROWER).select_related("sample")[:500]
    return render(request, "loans/use.html", {"loan": loan, "form": form, "items": items})


@login_required
def bulk_return(request, pk):
    loan = _loan(request, pk)
    if not rules.can_return.test(request.user, loan):
        raise Http404
    form = forms.ReturnForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            lines = services.parse_return_lines(form.cleaned_data["lines"])
            result = services.loan_return(actor=request.user, loan=loan, lines=lines, note=form.cleaned_data["note"])
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(request, _("%(n)s item(s) returned.") % {"n": result.returned})
            for incident in result.incidents:
                messages.warning(request, _("Incident %(incident)s opened: %(text)s") % {"incident": incident, "text": incident.description})
            loan.refresh_from_db()
            form = forms.ReturnForm()
    open_items = loan.items.filter(status__in=[LoanItem.Status.WITH_BORROWER, LoanItem.Status.SHIPPED]).select_related("sample")[:500]
    return render(request, "loans/return.html", {"loan": loan, "form": form, "result": result, "open_items": open_items,
                                                 "tolerance_example": format_mass(services.return_tolerance_ug(10_000))})


@login_required
def extend(request, pk):
    loan = _loan(request, pk)
    pending = loan.extensions.filter(status=ExtensionRequest.Status.REQUESTED).first()
    officer = rules.can_decide_extension.test(request.user, loan)
    form = (forms.DecisionForm if officer and pending else forms.ExtensionRequestForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if officer and pending:
                if data["decision"] == "grant":
                    services.extension_grant(actor=request.user, request=pending, note=data["note"])
                else:
                    services.extension_refuse(actor=request.user, request=pending, note=data["note"])
            elif officer:
                services.loan_extend(actor=request.user, loan=loan, new_due_date=data["due_date"], reason=data["reason"])
            else:
                services.extension_request(actor=request.user, loan=loan, requested_due_date=data["due_date"], reason=data["reason"])
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Done."))
            return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/extend.html", {"loan": loan, "form": form, "pending": pending, "officer": officer})


@login_required
def recall(request, pk):
    loan = _loan(request, pk)
    form = forms.RecallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_recall(actor=request.user, loan=loan, reason=form.cleaned_data["reason"],
                                 new_due_date=form.cleaned_data["due_date"])
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Loan recalled; the borrower has been told."))
            return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/recall.html", {"loan": loan, "form": form})


@login_required
@require_POST
def simple_action(request, pk, action):
    """Close, cancel, confirm the inventory, report an incident: small forms on the detail page."""
    loan = _loan(request, pk)
    try:
        if action == "close":
            services.loan_close(actor=request.user, loan=loan, note=request.POST.get("note", ""))
        elif action == "cancel":
            services.loan_cancel(actor=request.user, loan=loan, reason=request.POST.get("reason", ""))
        elif action == "inventory":
            services.inventory_confirm(actor=request.user, loan=loan, note=request.POST.get("note", ""))
        elif action == "transfer":
            identifier = (request.POST.get("identifier") or "").strip()
            item = loan.items.filter(sample__identifier=identifier, closed_at__isnull=True).first()
            target_id = parse_id((request.POST.get("to_loan") or "").strip().upper().removeprefix("LN-"))
            target = loans_visible_to(request.user).filter(pk=target_id or 0).first()
            if item is None or target is None:
                raise NotFoundError(_("Give an open item of this loan and the number of the loan in use it goes to."))
            services.loan_item_transfer(actor=request.user, item=item, to_loan=target, note=request.POST.get("note", ""))
        elif action == "incident":
            form = forms.IncidentForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Describe the incident and choose its kind."))
                return redirect("loans:loan-detail", pk=loan.pk)
            services.incident_report(actor=request.user, loan=loan, **form.cleaned_data)
        else:
            raise Http404
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect("loans:loan-detail", pk=loan.pk)


@login_required
def incident_list(request):
    queryset = incidents_visible_to(request.user).order_by("-id")
    status = request.GET.get("status")
    if status in Incident.Status.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "loans/incident_list.html", {"incidents": page, "page": page, "statuses": Incident.Status.choices,
                                                        "status": status})


@login_required
def incident_detail(request, pk):
    try:
        incident = incident_get_for_user(request.user, pk)
    except (NotFoundError, PermissionDeniedError):
        raise Http404 from None
    form = forms.ResolveForm(request.POST or None) if request.POST.get("action") == "resolve" else forms.ResolveForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "investigate":
                services.incident_investigate(actor=request.user, incident=incident, note=request.POST.get("note", ""))
            elif form.is_valid():
                services.incident_resolve(actor=request.user, incident=incident, resolution=form.cleaned_data["resolution"],
                                          write_off=form.cleaned_data["write_off"], mass_ug=_mass_mg(form.cleaned_data["mass"]))
            else:
                raise NotFoundError(_("Give the resolution."))
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Done."))
            return redirect("loans:incident-detail", pk=incident.pk)
    return render(request, "loans/incident_detail.html", {
        "incident": incident, "form": form, "timeline": events_for(incident).order_by("seq"),
        "can_manage": rules.can_manage_incident.test(request.user, incident.loan)})


@login_required
def report(request):
    if not rules.can_view_report.test(request.user):
        raise Http404
    return render(request, "loans/report.html", {"report": loan_report()})


@login_required
def report_csv(request):
    if not rules.can_view_report.test(request.user):
        raise Http404
    data = loan_report()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="loan-report-{data["date"]}.csv"'
    writer = csvio.writer(response)
    writer.writerow(["section", "loan", "institution", "country", "status", "due_date", "items", "mass_ug"])
    for loan in data["open_loans"]:
        writer.writerow(["open_loan", str(loan), loan.borrower_institution.name_en, str(loan.borrower_institution.country),
                         loan.status, loan.due_date, loan.item_count, ""])
    for row in data["by_institution"]:
        writer.writerow(["mass_out_by_institution", "", row["institution"], row["country"], "", "", row["items"], row["mass_ug"]])
    for row in data["by_country"]:
        writer.writerow(["mass_out_by_country", "", "", row["country"], "", "", row["items"], row["mass_ug"]])
    for loan in data["overdue"]:
        writer.writerow(["overdue", str(loan), loan.borrower_institution.name_en, str(loan.borrower_institution.country),
                         loan.status, loan.due_date, "", ""])
    for incident in data["incidents"]:
        writer.writerow(["incident", str(incident.loan or ""), "", "", incident.status, "", incident.kind,
                         incident.difference_ug if incident.difference_ug is not None else ""])
    for loan in data["uninventoried"]:
        writer.writerow(["inventory_unconfirmed", str(loan), loan.borrower_institution.name_en,
                         str(loan.borrower_institution.country), loan.status, loan.due_date, "", ""])
    return response


@login_required
def new_loan(request):
    """Officers: approved applications that have no loan yet, each with a button to create it."""
    from lunarshare.programs.models import APPROVED_STATUSES, Application

    if not rules.can_create.test(request.user):
        raise Http404
    if request.method == "POST":
        application = Application.objects.filter(pk=parse_id(request.POST.get("application")) or 0).first()
        if application is None:
            raise Http404
        try:
            loan = services.loan_create_from_application(actor=request.user, application=application)
        except DomainError as error:
            _refused(request, error)
        else:
            messages.success(request, _("Loan %(loan)s created; the borrower has been asked to sign.") % {"loan": loan})
            return redirect("loans:loan-detail", pk=loan.pk)
    applications = (Application.objects.filter(status__in=APPROVED_STATUSES, loan__isnull=True)
                    .select_related("institution", "applicant").order_by("-decided_at", "-id")[:200])
    return render(request, "loans/new.html", {"applications": applications})
