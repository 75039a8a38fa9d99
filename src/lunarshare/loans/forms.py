"""Web forms of the loans app. Masses are typed in mg and parsed exactly (``parse_mass``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lunarshare.errors import ValidationFailed

from .models import Incident, LoanItem, Shipment


class SignForm(forms.Form):
    typed_name = forms.CharField(label=_("Type your full name to sign"), max_length=200)
    agree = forms.BooleanField(label=_("I have read the agreement and sign it on behalf of my party"))


class AllocateForm(forms.Form):
    """The curator picks one of the candidate pieces (``pick``) or types any identifier."""

    item = forms.IntegerField(widget=forms.HiddenInput)
    pick = forms.CharField(max_length=64, required=False)
    identifier = forms.CharField(label=_("Sample identifier"), max_length=64, required=False)
    mass = forms.CharField(label=_("Mass (mg); empty for the whole sample"), max_length=30, required=False)

    def clean(self):
        data = super().clean()
        typed, picked = (data.get("identifier") or "").strip(), (data.get("pick") or "").strip()
        if typed and picked and typed != picked:
            raise forms.ValidationError(_("Either pick a sample from the list or type an identifier, not both."))
        if not (typed or picked):
            raise forms.ValidationError(_("Pick a sample from the list or type its identifier."))
        data["identifier"] = typed or picked
        return data


class ShipForm(forms.Form):
    courier = forms.CharField(label=_("Courier"), max_length=120)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=120, required=False)
    packaging = forms.CharField(label=_("Packaging"), max_length=255)
    atmosphere = forms.ChoiceField(label=_("Atmosphere"), choices=Shipment.Atmosphere.choices, initial="nitrogen")
    condition_report = forms.CharField(label=_("Condition at dispatch"), widget=forms.Textarea(attrs={"rows": 3}))
    handed_over_to = forms.CharField(label=_("Handed over to"), max_length=200)


SCANNER_ATTRS = {"rows": 6, "spellcheck": "false", "autocapitalize": "off", "autocomplete": "off",
                 "class": "scanner-input"}


class ReceiveForm(forms.Form):
    scanned = forms.CharField(
        label=_("Scanned identifiers (optional): scan each label with a barcode scanner, or type one identifier per line"),
        required=False, widget=forms.Textarea(attrs=SCANNER_ATTRS))
    condition_report = forms.CharField(label=_("Your condition report on receipt"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_scanned(self):
        from .services import scanned_identifiers

        try:
            return scanned_identifiers(self.cleaned_data["scanned"])
        except ValidationFailed as error:
            raise forms.ValidationError(error.message) from None


class UseForm(forms.Form):
    KIND_CHOICES = [("non_destructive", _("Non-destructive analysis")), ("destructive", _("Destructive analysis"))]
    identifier = forms.ChoiceField(label=_("Sample"))
    kind = forms.ChoiceField(label=_("Kind of use"), choices=KIND_CHOICES)
    method = forms.CharField(label=_("Method"), max_length=200)
    performed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    mass = forms.CharField(label=_("Mass consumed (mg)"), max_length=30, required=False)
    video_url = forms.URLField(label=_("Link to the video record"), required=False, max_length=500, assume_scheme="https")
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, identifiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["identifier"].choices = [(i, i) for i in identifiers]


class ReturnForm(forms.Form):
    lines = forms.CharField(
        label=_("Returned items: one identifier and its reweighed mass per line (mg unless a unit is given)"),
        widget=forms.Textarea(attrs={**SCANNER_ATTRS, "rows": 10}))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ReturnItemsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, item):
        from lunarshare.mass import format_mass

        return f"{item.sample.identifier} ({format_mass(item.sample.mass_ug)})"


class DeclareReturnForm(forms.Form):
    items = ReturnItemsField(label=_("Items you send back"), queryset=LoanItem.objects.none(),
                             widget=forms.CheckboxSelectMultiple,
                             error_messages={"required": _("Choose at least one item to send back.")})
    carrier = forms.CharField(label=_("Carrier"), max_length=120)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=120)
    note = forms.CharField(label=_("Note for the curator"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        if items is not None:
            self.fields["items"].queryset = items


class ExtensionRequestForm(forms.Form):
    due_date = forms.DateField(label=_("New due date"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("grant", _("Grant")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("Note to the borrower"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RecallForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the recall"), widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(label=_("Return by"), widget=forms.DateInput(attrs={"type": "date"}))


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Incident.Kind.choices)
    identifier = forms.CharField(label=_("Sample identifier (if one item)"), required=False, max_length=64)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))
    write_off = forms.BooleanField(label=_("Write the item's mass off the ledger"), required=False)
    mass = forms.CharField(label=_("Mass to write off (mg); empty for all that remains"), required=False, max_length=30)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)
