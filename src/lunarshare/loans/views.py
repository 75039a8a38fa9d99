"""Web pages of the loans app: parse the form, call one service, show the result or the refusal."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lunarshare import csvio, files
from lunarshare.audit.services import events_for
from lunarshare.confirm import confirmation_page
from lunarshare.errors import ValidationFailed
from lunarshare.mass import format_mass, parse_mass
from lunarshare.permissions import rule_required
from lunarshare.web_errors import refused_to

from . import forms, rules, services
from .documents import form_label, label_text, qr_svg, render_certificate
from .models import OUT_STATUSES, ExtensionRequest, Incident, LoanItem, LoanStatus, UseReport
from .selectors import (
    allocation_candidates,
    incident_get_for_user,
    incidents_visible_to,
    loan_get_for_user,
    loan_items,
    loan_mass_summary,
    loan_report,
    loans_visible_to,
    parse_id,
)


def _mass_mg(value: str | None):
    value = (value or "").strip()
    if not value:
        return None
    parts = value.split()
    return parse_mass(parts[0], parts[1] if len(parts) > 1 else "mg")


@rule_required("accounts.signed_in")
def my_loans(request):
    loans = loans_visible_to(request.user).filter(responsible=request.user) | loans_visible_to(request.user).filter(team=request.user)
    return render(request, "loans/loan_list.html", {"loans": loans.distinct().order_by("-id"), "mine": True})


@rule_required("loans.view_report")
def loan_list(request):
    queryset = loans_visible_to(request.user).order_by("-id")
    status = request.GET.get("status")
    if status in LoanStatus.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "loans/loan_list.html", {"loans": page, "page": page, "mine": False,
                                                     "statuses": LoanStatus.choices, "status": status,
                                                     "can_create": rules.can_create.test(request.user)})


@rule_required("loans.view_loan")
def loan_detail(request, pk):
    loan = loan_get_for_user(request.user, pk)
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
            "declare_return": rules.can_declare_return.test(user, loan) and loan.status in OUT_STATUSES,
            "transfer": rules.can_return.test(user, loan) and loan.status in (LoanStatus.IN_USE, LoanStatus.PARTLY_RETURNED, LoanStatus.RECALLED),
            "inventory": rules.can_confirm_inventory.test(user, loan) and loan.status in (LoanStatus.SHIPPED, LoanStatus.IN_USE, LoanStatus.PARTLY_RETURNED, LoanStatus.RECALLED),
        },
        "note_form": forms.NoteForm(), "reason_form": forms.ReasonForm(), "incident_form": forms.IncidentForm(),
        "confirm": loan_questions(loan),
    }
    return render(request, "loans/loan_detail.html", context)


@rule_required("loans.view_loan")
def sign(request, pk):
    loan = loan_get_for_user(request.user, pk)
    form = forms.SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.loan_sign(actor=request.user, loan=loan, typed_name=form.cleaned_data["typed_name"])
        messages.success(request, _("Signed."))
        return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/sign.html", {"loan": loan, "form": form, "signatures": loan.signatures.select_related("signer")})


@rule_required("loans.view_loan")
def agreement_pdf(request, pk):
    loan = loan_get_for_user(request.user, pk)
    agreement = getattr(loan, "agreement", None)
    if agreement is None:
        raise Http404
    document = agreement.signed_file if agreement.signed_file else agreement.file
    return files.attachment(document, f"{loan}-agreement.pdf", "application/pdf")


@rule_required("loans.view_loan")
def certificate_pdf(request, pk):
    loan = loan_get_for_user(request.user, pk)
    response = HttpResponse(render_certificate(loan), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{loan}-certificate.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@rule_required("loans.allocate")
def allocate(request, pk):
    loan = loan_get_for_user(request.user, pk)
    if request.method == "POST":
        form = forms.AllocateForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        else:
            item = loan.items.filter(pk=parse_id(form.cleaned_data["item"]) or 0).first()
            if item is None:
                raise ValidationFailed(_("No such item."))
            pick = services.Pick(form.cleaned_data["identifier"], _mass_mg(form.cleaned_data["mass"]))
            services.loan_allocate(actor=request.user, loan=loan, item=item, picks=[pick])
            messages.success(request, _("Allocated and reserved."))
        return redirect("loans:allocate", pk=loan.pk)
    pending = loan.items.filter(status=LoanItem.Status.PENDING).select_related("application_item__sample_set")
    rows, by_set = [], {}
    for item in pending[:200]:
        candidates = []
        if item.application_item_id:
            set_id = item.application_item.sample_set_id
            if set_id not in by_set:  # one query per sample set, not per item
                by_set[set_id] = allocation_candidates(item.application_item.sample_set)
            candidates = by_set[set_id]
        rows.append({"item": item, "candidates": candidates})
    allocated = loan.items.exclude(status=LoanItem.Status.PENDING).select_related("sample")[:500]
    return render(request, "loans/allocate.html", {"loan": loan, "rows": rows, "allocated": allocated})


@rule_required("loans.ship")
def ship(request, pk):
    loan = loan_get_for_user(request.user, pk)
    form = forms.ShipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.loan_ship(actor=request.user, loan=loan, **form.cleaned_data)
        messages.success(request, _("Shipped. Print the labels for the package."))
        return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/ship.html", {"loan": loan, "form": form,
                                               "items": loan.items.select_related("sample").exclude(sample=None)[:500]})


LABEL_LAYOUTS = {"a4": gettext_lazy("A4 sheet (2 × 7 labels, 99 × 38 mm)"), "roll": gettext_lazy("Label roll, 62 mm wide")}


@rule_required("loans.ship")
def labels(request, pk):
    """Printable labels; the QR carries the identifier and, on its second line, the sample page's URL."""
    loan = loan_get_for_user(request.user, pk)
    layout = request.GET.get("layout") if request.GET.get("layout") in LABEL_LAYOUTS else "a4"
    items = loan.items.select_related("sample").exclude(sample=None).order_by("id")[:2000]
    labels = [{"item": item, "form": form_label(item.form) if item.form else "",
               "qr": qr_svg(label_text(item.sample, request))} for item in items]
    return render(request, "loans/labels.html", {"loan": loan, "labels": labels, "layout": layout,
                                                 "layouts": LABEL_LAYOUTS.items()})


@rule_required("loans.receive")
def receive(request, pk):
    loan = loan_get_for_user(request.user, pk)
    form = forms.ReceiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.loan_receive(actor=request.user, loan=loan, condition_report=form.cleaned_data["condition_report"],
                              scanned=form.cleaned_data["scanned"])
        messages.success(request, _("Receipt confirmed. The material is now in your custody."))
        return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/receive.html", {"loan": loan, "form": form,
                                                  "items": loan.items.select_related("sample").exclude(sample=None)[:500]})


@rule_required("loans.report_use")
def use(request, pk):
    loan = loan_get_for_user(request.user, pk)
    identifiers = list(loan.items.filter(status=LoanItem.Status.WITH_BORROWER).values_list("sample__identifier", flat=True)[:2000])
    form = forms.UseForm(request.POST or None, identifiers=identifiers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        destructive = data["kind"] == UseReport.Kind.DESTRUCTIVE
        services.loan_report_use(actor=request.user, loan=loan, identifier=data["identifier"], kind=data["kind"],
                                 method=data["method"], performed_on=data["performed_on"],
                                 mass_ug=(_mass_mg(data["mass"]) or 0) if destructive else 0,
                                 video_url=data["video_url"] or "", notes=data["notes"])
        messages.success(request, _("Use recorded."))
        return redirect("loans:loan-detail", pk=loan.pk)
    items = loan.items.filter(status=LoanItem.Status.WITH_BORROWER).select_related("sample")[:500]
    return render(request, "loans/use.html", {"loan": loan, "form": form, "items": items})


@rule_required("loans.record_return")
def bulk_return(request, pk):
    loan = loan_get_for_user(request.user, pk)
    from .models import ReturnShipment

    declared = list(loan.return_shipments.filter(status=ReturnShipment.Status.DECLARED)
                    .prefetch_related("items__sample").order_by("declared_at"))
    expected = [item.sample.identifier for shipment in declared for item in shipment.items.all()
                if item.closed_at is None and item.sample_id]
    form = forms.ReturnForm(request.POST or None, initial={"lines": "".join(f"{i} \n" for i in expected)})
    result = None
    if request.method == "POST" and form.is_valid():
        lines = services.parse_return_lines(form.cleaned_data["lines"])
        result = services.loan_return(actor=request.user, loan=loan, lines=lines, note=form.cleaned_data["note"])
        messages.success(request, _("%(n)s item(s) returned.") % {"n": result.returned})
        for incident in result.incidents:
            messages.warning(request, _("Incident %(incident)s opened: %(text)s") % {"incident": incident, "text": incident.description})
        loan.refresh_from_db()
        form = forms.ReturnForm()
        declared = list(loan.return_shipments.filter(status=ReturnShipment.Status.DECLARED)
                        .prefetch_related("items__sample").order_by("declared_at"))
    open_items = loan.items.filter(status__in=[LoanItem.Status.WITH_BORROWER, LoanItem.Status.SHIPPED]).select_related("sample")[:500]
    return render(request, "loans/return.html", {"loan": loan, "form": form, "result": result, "open_items": open_items,
                                                 "declared": declared,
                                                 "tolerance_example": format_mass(services.return_tolerance_ug(10_000))})


def _declarable_items(loan):
    """Items with the borrower that are not already on a return shipment under way."""
    from .models import ReturnShipment

    under_way = ReturnShipment.items.through.objects.filter(
        returnshipment__loan=loan, returnshipment__status=ReturnShipment.Status.DECLARED).values("loanitem_id")
    return (loan.items.filter(status__in=[LoanItem.Status.WITH_BORROWER, LoanItem.Status.SHIPPED])
            .exclude(pk__in=under_way).select_related("sample").order_by("sample__identifier"))


@rule_required("loans.declare_return")
@refused_to("loans:declare-return", "pk")
def declare_return(request, pk):
    """The borrower declares a return shipment: which items, carrier, tracking number."""
    loan = loan_get_for_user(request.user, pk)
    items = _declarable_items(loan)
    form = forms.DeclareReturnForm(request.POST or None, items=items)
    question = _("Declare this return shipment? The curator is told at once.")
    if request.method == "POST" and form.is_valid():
        page = confirmation_page(request, question, cancel_url=loan.get_absolute_url())
        if page is not None:
            return page
        data = form.cleaned_data
        services.loan_declare_return(actor=request.user, loan=loan, items=list(data["items"]),
                                     carrier=data["carrier"], tracking_number=data["tracking_number"],
                                     note=data["note"])
        messages.success(request, _("Return shipment declared. The curator will receive and reweigh it."))
        return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/declare_return.html", {
        "loan": loan, "form": form, "has_items": items.exists(), "question": question,
        "shipments": loan.return_shipments.prefetch_related("items__sample").order_by("-declared_at")})


@rule_required("loans.view_loan")
def extend(request, pk):
    loan = loan_get_for_user(request.user, pk)
    pending = loan.extensions.filter(status=ExtensionRequest.Status.REQUESTED).first()
    officer = rules.can_decide_extension.test(request.user, loan)
    form = (forms.DecisionForm if officer and pending else forms.ExtensionRequestForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if officer and pending:
            if data["decision"] == "grant":
                services.extension_grant(actor=request.user, request=pending, note=data["note"])
            else:
                services.extension_refuse(actor=request.user, request=pending, note=data["note"])
        elif officer:
            services.loan_extend(actor=request.user, loan=loan, new_due_date=data["due_date"], reason=data["reason"])
        else:
            services.extension_request(actor=request.user, loan=loan, requested_due_date=data["due_date"], reason=data["reason"])
        messages.success(request, _("Done."))
        return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/extend.html", {"loan": loan, "form": form, "pending": pending, "officer": officer})


@rule_required("loans.recall")
def recall(request, pk):
    loan = loan_get_for_user(request.user, pk)
    form = forms.RecallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.loan_recall(actor=request.user, loan=loan, reason=form.cleaned_data["reason"],
                             new_due_date=form.cleaned_data["due_date"])
        messages.success(request, _("Loan recalled; the borrower has been told."))
        return redirect("loans:loan-detail", pk=loan.pk)
    return render(request, "loans/recall.html", {"loan": loan, "form": form})


FINAL_ACTIONS = ("close", "cancel")


def loan_questions(loan) -> dict:
    """What to ask before the final steps on a loan (the dialogs and the confirmation page)."""
    return {
        "close": _("Close loan %(loan)s? A closed loan cannot be reopened.") % {"loan": loan},
        "cancel": _("Cancel loan %(loan)s? Its reserved samples go back to the store; this cannot be undone.")
        % {"loan": loan},
    }


@rule_required("loans.view_loan")
@require_POST
@refused_to("loans:loan-detail", "pk")
def simple_action(request, pk, action):
    """Close, cancel, confirm the inventory, report an incident: small forms on the detail page.
    Closing and cancelling are final: they are confirmed first."""
    loan = loan_get_for_user(request.user, pk)
    if action in FINAL_ACTIONS:
        page = confirmation_page(request, loan_questions(loan)[action], cancel_url=loan.get_absolute_url())
        if page is not None:
            return page
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
            raise ValidationFailed(_("Give an open item of this loan and the number of the loan in use it goes to."))
        services.loan_item_transfer(actor=request.user, item=item, to_loan=target, note=request.POST.get("note", ""))
    elif action == "incident":
        form = forms.IncidentForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Describe the incident and choose its kind."))
            return redirect("loans:loan-detail", pk=loan.pk)
        services.incident_report(actor=request.user, loan=loan, **form.cleaned_data)
    else:
        raise Http404
    messages.success(request, _("Done."))
    return redirect("loans:loan-detail", pk=loan.pk)


@rule_required("accounts.signed_in")
def incident_list(request):
    queryset = incidents_visible_to(request.user).order_by("-id")
    status = request.GET.get("status")
    if status in Incident.Status.values:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(request, "loans/incident_list.html", {"incidents": page, "page": page, "statuses": Incident.Status.choices,
                                                        "status": status})


@rule_required("accounts.signed_in")
def incident_detail(request, pk):
    incident = incident_get_for_user(request.user, pk)
    form = forms.ResolveForm(request.POST or None) if request.POST.get("action") == "resolve" else forms.ResolveForm()
    if request.method == "POST":
        if request.POST.get("action") == "investigate":
            services.incident_investigate(actor=request.user, incident=incident, note=request.POST.get("note", ""))
        elif form.is_valid():
            services.incident_resolve(actor=request.user, incident=incident, resolution=form.cleaned_data["resolution"],
                                      write_off=form.cleaned_data["write_off"], mass_ug=_mass_mg(form.cleaned_data["mass"]))
        else:
            raise ValidationFailed(_("Give the resolution."))
        messages.success(request, _("Done."))
        return redirect("loans:incident-detail", pk=incident.pk)
    return render(request, "loans/incident_detail.html", {
        "incident": incident, "form": form, "timeline": events_for(incident).order_by("seq"),
        "can_manage": rules.can_manage_incident.test(request.user, incident.loan)})


@rule_required("loans.view_report")
def report(request):
    return render(request, "loans/report.html", {"report": loan_report()})


@rule_required("loans.view_report")
def report_csv(request):
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


@rule_required("loans.create_loan")
def new_loan(request):
    """Officers: approved applications that have no loan yet, each with a button to create it."""
    from lunarshare.programs.models import APPROVED_STATUSES, Application

    if request.method == "POST":
        application = Application.objects.filter(pk=parse_id(request.POST.get("application")) or 0).first()
        if application is None:
            raise Http404
        loan = services.loan_create_from_application(actor=request.user, application=application)
        messages.success(request, _("Loan %(loan)s created; the borrower has been asked to sign.") % {"loan": loan})
        return redirect("loans:loan-detail", pk=loan.pk)
    applications = (Application.objects.filter(status__in=APPROVED_STATUSES, loan__isnull=True)
                    .select_related("institution", "applicant").order_by("-decided_at", "-id")[:200])
    return render(request, "loans/new.html", {"applications": applications})
