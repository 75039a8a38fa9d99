"""Web pages of the cooperation registry: public lists and details (filterable), and the
officer pages that maintain them. Views parse, call one service, and show the outcome."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lunarshare.errors import DomainError
from lunarshare.permissions import public, rule_required
from lunarshare.web_errors import refused_to

from . import forms, selectors, services
from .rules import can_maintain_registry, can_record_gift


def _filtered(form_class, request, selector, **extra):
    form = form_class(request.GET or None)
    params = {}
    if form.is_bound and form.is_valid():
        for key, value in form.cleaned_data.items():
            if value in (None, ""):
                continue
            params[key] = getattr(value, "code", value)
    return form, selector(**params, **extra)


def _show_error(request, form, exc: DomainError) -> None:
    field = exc.extra.get("field")
    if form is not None and field in form.fields:
        form.add_error(field, str(exc.message))
    else:
        messages.error(request, exc.message)


# --- public pages ----------------------------------------------------------------------------

@public
def home(request):
    context = {
        "summary": selectors.registry_summary(),
        "payloads": selectors.payload_list()[:12],
        "agreements": selectors.agreement_list()[:6],
        "gifts": selectors.gift_list()[:6],
        "can_maintain": can_maintain_registry(request.user),
        "can_record_gift": can_record_gift(request.user),
    }
    return render(request, "cooperation/home.html", context)


@public
def payload_list(request):
    form, payloads = _filtered(forms.PayloadFilterForm, request, selectors.payload_list)
    return render(request, "cooperation/payload_list.html", {
        "form": form, "payloads": payloads, "can_maintain": can_maintain_registry(request.user)})


@public
def payload_detail(request, pk):
    payload = selectors.payload_get(pk)
    return render(request, "cooperation/payload_detail.html", {
        "payload": payload, "datasets": selectors.payload_public_datasets(payload),
        "can_maintain": can_maintain_registry(request.user),
        "status_form": forms.PayloadStatusForm(current=payload.status),
        "datasets_form": forms.PayloadDatasetsForm(initial={"datasets": list(payload.data_products.all())})
        if can_maintain_registry(request.user) else None})


@public
def partner_list(request):
    form, partners = _filtered(forms.PartnerFilterForm, request, selectors.partner_list)
    return render(request, "cooperation/partner_list.html", {
        "form": form, "partners": partners, "can_maintain": can_maintain_registry(request.user)})


@public
def partner_detail(request, pk):
    partner = selectors.partner_get(pk)
    return render(request, "cooperation/partner_detail.html", {
        "partner": partner, "payloads": selectors.payload_list(partner=partner.pk),
        "agreements": selectors.agreement_list(partner=partner.pk), "gifts": selectors.gift_list(recipient=partner.pk),
        "can_maintain": can_maintain_registry(request.user)})


@public
def agreement_list(request):
    form, agreements = _filtered(forms.AgreementFilterForm, request, selectors.agreement_list)
    return render(request, "cooperation/agreement_list.html", {
        "form": form, "agreements": agreements, "can_maintain": can_maintain_registry(request.user)})


@public
def agreement_detail(request, pk):
    agreement = selectors.agreement_get(pk)
    return render(request, "cooperation/agreement_detail.html", {
        "agreement": agreement, "can_maintain": can_maintain_registry(request.user),
        "status_form": forms.AgreementStatusForm(current=agreement.status), "document_form": forms.DocumentForm()})


@public
def gift_list(request):
    form, gifts = _filtered(forms.GiftFilterForm, request, selectors.gift_list)
    return render(request, "cooperation/gift_list.html", {
        "form": form, "gifts": gifts, "can_record_gift": can_record_gift(request.user)})


@public
def gift_detail(request, pk):
    return render(request, "cooperation/gift_detail.html", {"gift": selectors.gift_get(pk)})


# --- officer pages ---------------------------------------------------------------------------

def _edit(request, *, form, template, title, on_valid, cancel_url):
    """Render ``form``; on a valid POST call ``on_valid(cleaned_data)`` and follow its object."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = on_valid(form.cleaned_data)
        except DomainError as exc:
            _show_error(request, form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(obj.get_absolute_url())
    return render(request, template, {"form": form, "title": title, "cancel_url": cancel_url})


# The edit views below hand the form its own copy of the object: a ModelForm writes the posted
# values into its instance while validating, and the service needs the unchanged one to record
# old and new values in the audit event.


def _split(data: dict, *names: str) -> dict:
    return {name: data.pop(name) for name in names if name in data}


def _post_action(request, obj, form, *, invalid_message, perform, success_message):
    """A small officer action posted from a detail page: validate ``form``, call ``perform(cleaned_data)``,
    report the outcome as a message and go back to ``obj``'s page."""
    if not form.is_valid():
        messages.error(request, invalid_message(form) if callable(invalid_message) else invalid_message)
    else:
        perform(form.cleaned_data)  # a refusal is shown by DomainErrorMiddleware on the page posted from
        messages.success(request, success_message)
    return redirect(obj.get_absolute_url())


@rule_required("cooperation.maintain")
def partner_create(request):
    form = forms.PartnerForm(request.POST or None)
    return _edit(request, form=form, template="cooperation/edit.html", title=_("New partner organisation"),
                 cancel_url="cooperation:partner-list",
                 on_valid=lambda data: services.partner_create(actor=request.user, **data))


@rule_required("cooperation.maintain")
def partner_edit(request, pk):
    partner = selectors.partner_get(pk)
    form = forms.PartnerForm(request.POST or None, instance=selectors.partner_get(pk))
    return _edit(request, form=form, template="cooperation/edit.html",
                 title=_("Edit %(name)s") % {"name": partner.name}, cancel_url="cooperation:partner-list",
                 on_valid=lambda data: services.partner_update(actor=request.user, partner=partner, **data))


@rule_required("cooperation.maintain")
def agreement_create(request):
    form = forms.AgreementCreateForm(request.POST or None)

    def create(data):
        many = _split(data, "parties", "missions")
        return services.agreement_create(actor=request.user, **many, **data)

    return _edit(request, form=form, template="cooperation/edit.html", title=_("New cooperation agreement"),
                 cancel_url="cooperation:agreement-list", on_valid=create)


@rule_required("cooperation.maintain")
def agreement_edit(request, pk):
    agreement = selectors.agreement_get(pk)
    form = forms.AgreementForm(request.POST or None, instance=selectors.agreement_get(pk))

    def update(data):
        many = _split(data, "parties", "missions")
        return services.agreement_update(actor=request.user, agreement=agreement, **many, **data)

    return _edit(request, form=form, template="cooperation/edit.html",
                 title=_("Edit %(title)s") % {"title": agreement.title}, cancel_url="cooperation:agreement-list",
                 on_valid=update)


@rule_required("cooperation.maintain")
@require_POST
@refused_to("cooperation:agreement-detail", "pk")
def agreement_status(request, pk):
    agreement = selectors.agreement_get(pk)
    return _post_action(
        request, agreement, forms.AgreementStatusForm(request.POST), invalid_message=_("Choose a status."),
        perform=lambda data: services.agreement_change_status(actor=request.user, agreement=agreement, **data),
        success_message=_("The agreement's status was changed."))


@rule_required("cooperation.maintain")
@require_POST
@refused_to("cooperation:agreement-detail", "pk")
def agreement_document(request, pk):
    agreement = selectors.agreement_get(pk)
    return _post_action(
        request, agreement, forms.DocumentForm(request.POST, request.FILES),
        invalid_message=_("Give the document a title and attach a file or a link."),
        perform=lambda data: services.agreement_add_document(actor=request.user, agreement=agreement, **data),
        success_message=_("The document was added."))


@rule_required("cooperation.maintain")
def payload_create(request):
    form = forms.PayloadCreateForm(request.POST or None)

    def create(data):
        many = _split(data, "collaborators")
        return services.payload_create(actor=request.user, **many, **data)

    return _edit(request, form=form, template="cooperation/edit.html", title=_("New international payload"),
                 cancel_url="cooperation:payload-list", on_valid=create)


@rule_required("cooperation.maintain")
def payload_edit(request, pk):
    payload = selectors.payload_get(pk)
    form = forms.PayloadForm(request.POST or None, instance=selectors.payload_get(pk))

    def update(data):
        many = _split(data, "collaborators")
        return services.payload_update(actor=request.user, payload=payload, **many, **data)

    return _edit(request, form=form, template="cooperation/edit.html",
                 title=_("Edit %(payload)s") % {"payload": payload}, cancel_url="cooperation:payload-list",
                 on_valid=update)


@rule_required("cooperation.maintain")
@require_POST
@refused_to("cooperation:payload-detail", "pk")
def payload_status(request, pk):
    payload = selectors.payload_get(pk)
    return _post_action(
        request, payload, forms.PayloadStatusForm(request.POST), invalid_message=_("Choose a status."),
        perform=lambda data: services.payload_change_status(actor=request.user, payload=payload, **data),
        success_message=_("The payload's status was changed."))


@rule_required("cooperation.maintain")
@require_POST
@refused_to("cooperation:payload-detail", "pk")
def payload_datasets(request, pk):
    payload = selectors.payload_get(pk)
    return _post_action(
        request, payload, forms.PayloadDatasetsForm(request.POST),
        invalid_message=lambda form: form.errors["datasets"][0],
        perform=lambda data: services.payload_link_datasets(actor=request.user, payload=payload, datasets=data["datasets"]),
        success_message=_("Saved."))


@rule_required("cooperation.record_gift")
def gift_create(request):
    form = forms.GiftForm(request.POST or None)
    return _edit(request, form=form, template="cooperation/edit.html", title=_("Record a sample gift"),
                 cancel_url="cooperation:gift-list",
                 on_valid=lambda data: services.gift_record(actor=request.user, **data))
