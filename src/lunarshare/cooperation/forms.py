"""Forms of the officer pages. They only parse input; the services decide and change."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lunarshare.catalog.models import Mission, Sample
from lunarshare.errors import DomainError
from lunarshare.mass import parse_mass

from .models import CooperationAgreement, DatePrecision, InternationalPayload, PartnerOrganisation

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class PartnerForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = PartnerOrganisation
        fields = ["name_en", "name_zh", "acronym", "kind", "country", "ror_id", "website", "description_en",
                  "description_zh", "source"]


class AgreementForm(forms.ModelForm):
    class Meta:
        model = CooperationAgreement
        fields = ["kind", "title_en", "title_zh", "parties", "missions", "signed_date", "date_precision", "scope_en",
                  "scope_zh", "source"]
        widgets = {"signed_date": DATE_INPUT, "parties": forms.CheckboxSelectMultiple,
                   "missions": forms.CheckboxSelectMultiple}


class AgreementCreateForm(AgreementForm):
    status = forms.ChoiceField(label=_("Status"), choices=CooperationAgreement.Status.choices,
                               initial=CooperationAgreement.Status.DRAFT)


def _next_statuses(model, current) -> list[tuple[str, str]]:
    """The statuses reachable from ``current`` under the model's one ``TRANSITIONS`` map."""
    allowed = model.TRANSITIONS.get(model.Status(current), set()) if current else set(model.Status)
    return [(value, label) for value, label in model.Status.choices if value in allowed]


class _StatusForm(forms.Form):
    model = None

    def __init__(self, *args, current: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None:
            self.fields["status"].choices = _next_statuses(self.model, current)

    @property
    def has_choices(self) -> bool:
        return bool(self.fields["status"].choices)


class AgreementStatusForm(_StatusForm):
    model = CooperationAgreement
    status = forms.ChoiceField(label=_("New status"), choices=CooperationAgreement.Status.choices)
    signed_date = forms.DateField(label=_("Signed on"), required=False, widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=300)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("or link"), required=False, max_length=500, assume_scheme="https")


class PayloadForm(forms.ModelForm):
    class Meta:
        model = InternationalPayload
        fields = ["mission", "acronym", "name_en", "name_zh", "partner", "collaborators", "country", "kind",
                  "purpose_en", "purpose_zh", "agreement", "source"]
        widgets = {"collaborators": forms.CheckboxSelectMultiple}


class PayloadCreateForm(PayloadForm):
    status = forms.ChoiceField(label=_("Status"), choices=InternationalPayload.Status.choices,
                               initial=InternationalPayload.Status.SELECTED)


class PayloadStatusForm(_StatusForm):
    model = InternationalPayload
    status = forms.ChoiceField(label=_("New status"), choices=InternationalPayload.Status.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class PayloadDatasetsForm(forms.Form):
    """Officers see every dataset (embargoed ones too); the public pages filter by visibility."""

    datasets = forms.ModelMultipleChoiceField(label=_("Data products"), required=False, queryset=None,
                                              widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, *args, **kwargs):
        from lunarshare.science.models import Dataset

        super().__init__(*args, **kwargs)
        self.fields["datasets"].queryset = Dataset.objects.order_by("title")


class GiftForm(forms.Form):
    """``items``: one line per sample, ``IDENTIFIER MASS UNIT`` (``CE5C0400YJFM00505 1.5 g``)."""

    recipient = forms.ModelChoiceField(label=_("Recipient"), queryset=PartnerOrganisation.objects.all())
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    date_precision = forms.ChoiceField(label=_("The source gives the date to the"), choices=DatePrecision.choices)
    occasion_en = forms.CharField(label=_("Occasion (English)"), max_length=300)
    occasion_zh = forms.CharField(label=_("Occasion (Chinese)"), max_length=300, required=False)
    items = forms.CharField(
        label=_("Samples and masses"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One line per sample: identifier, mass and unit, e.g. “CE5C0400YJFM00505 1.5 g”. "
                    "Part of a sample is split off first; a whole sample is given as it is."))
    note_en = forms.CharField(label=_("Note (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label=_("Source"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_items(self) -> list[tuple[Sample, int]]:
        items = []
        for number, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 3:
                raise forms.ValidationError(_("Line %(n)s: write the identifier, the mass and its unit.") % {"n": number})
            identifier, amount, unit = parts
            try:
                mass_ug = parse_mass(amount, unit.replace("μ", "µ"))
            except DomainError as exc:
                raise forms.ValidationError(_("Line %(n)s: %(error)s") % {"n": number, "error": exc.message}) from None
            sample = Sample.objects.filter(identifier=identifier).first()
            if sample is None:
                raise forms.ValidationError(_("Line %(n)s: there is no sample %(id)s.") % {"n": number, "id": identifier})
            items.append((sample, mass_ug))
        if not items:
            raise forms.ValidationError(_("Name at least one sample."))
        return items


class PayloadFilterForm(forms.Form):
    mission = forms.ModelChoiceField(label=_("Mission"), queryset=Mission.objects.all(), to_field_name="code",
                                     required=False, empty_label=_("All missions"))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *InternationalPayload.Kind.choices],
                             required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All statuses")), *InternationalPayload.Status.choices],
                               required=False)
    country = forms.CharField(label=_("Country code"), max_length=2, required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)


class PartnerFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *PartnerOrganisation.Kind.choices],
                             required=False)
    country = forms.CharField(label=_("Country code"), max_length=2, required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)


class AgreementFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *CooperationAgreement.Kind.choices],
                             required=False)
    status = forms.ChoiceField(label=_("Status"),
                               choices=[("", _("All statuses")), *CooperationAgreement.Status.choices], required=False)
    year = forms.IntegerField(label=_("Year signed"), min_value=1900, max_value=2999, required=False)


class GiftFilterForm(forms.Form):
    mission = forms.ModelChoiceField(label=_("Mission"), queryset=Mission.objects.all(), to_field_name="code",
                                     required=False, empty_label=_("All missions"))
    country = forms.CharField(label=_("Recipient country code"), max_length=2, required=False)
