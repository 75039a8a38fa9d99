"""Forms of the catalogue pages. Masses are typed in mg and parsed exactly with ``parse_mass``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lunarshare.errors import ValidationFailed
from lunarshare.mass import parse_mass

from .models import LedgerEntry, Mission, SampleCategory, SampleStatus, SampleType, StorageLocation


class MassField(forms.CharField):
    """A mass typed in milligrams (up to three decimals), cleaned to integer µg."""

    def __init__(self, *, allow_zero: bool = False, **kwargs):
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 24)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        try:
            return parse_mass(value, "mg", allow_zero=self.allow_zero)
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from None


class LocationChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=StorageLocation.objects.select_related("parent__parent__parent"), to_field_name="code",
                         **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.full_path} ({obj.get_environment_display()})"


def _blank(choices):
    return [("", _("Any"))] + list(choices)


class CatalogueFilterForm(forms.Form):
    search = forms.CharField(label=_("Identifier or word"), required=False, max_length=64,
                             widget=forms.TextInput(attrs={"type": "search"}))
    mission = forms.ChoiceField(label=_("Mission"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=_blank(SampleType.choices))
    category = forms.ChoiceField(label=_("Category"), required=False, choices=_blank(SampleCategory.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_blank(SampleStatus.choices))
    min_mass = MassField(label=_("Mass from (mg)"), required=False, allow_zero=True)
    max_mass = MassField(label=_("Mass up to (mg)"), required=False, allow_zero=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission"].choices = _blank((m.code, m.name) for m in Mission.objects.all())

    def search_arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {key: data.get(key) or None for key in ("search", "mission", "type", "category", "status")}
        arguments["min_mass_ug"] = data.get("min_mass")
        arguments["max_mass_ug"] = data.get("max_mass")
        return arguments


class SampleRegisterForm(forms.Form):
    identifier = forms.CharField(label=_("Identifier"), max_length=64,
                                 help_text=_("Follow the mission's convention, e.g. 10084 or CE5C0400."))
    mission = forms.ModelChoiceField(label=_("Mission"), queryset=Mission.objects.all(), to_field_name="code")
    type = forms.ChoiceField(label=_("Type"), choices=SampleType.choices)
    category = forms.ChoiceField(label=_("Category"), choices=SampleCategory.choices, initial=SampleCategory.RESEARCH)
    mass = MassField(label=_("Mass (mg)"), allow_zero=True)
    location = LocationChoiceField(label=_("Storage location"), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SplitChildForm(forms.Form):
    mass = MassField(label=_("Mass (mg)"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Same as parent"))] + list(SampleType.choices))
    identifier = forms.CharField(label=_("Identifier (optional)"), required=False, max_length=64)

    def clean(self):
        data = super().clean()
        if not data.get("mass") and (data.get("type") or data.get("identifier")):
            raise forms.ValidationError(_("Give this child a mass, or leave the row empty."))
        return data


SplitChildFormSet = forms.formset_factory(SplitChildForm, extra=0, min_num=1, max_num=200, absolute_max=200)


class SplitReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             help_text=_("For example the allocation or preparation this split is for."))


class ReweighForm(forms.Form):
    mass = MassField(label=_("Measured mass (mg)"), allow_zero=True)
    kind = forms.ChoiceField(label=_("Kind"), choices=[(LedgerEntry.Kind.REWEIGH, _("Routine reweigh")),
                                                       (LedgerEntry.Kind.RETURN, _("Reweigh on return"))])
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class MoveForm(forms.Form):
    location = LocationChoiceField(label=_("New location"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"),
                           help_text=_("Columns: identifier, mission, parent, type, category, mass_mg, description, location."))
    dry_run = forms.BooleanField(label=_("Only check the file, import nothing"), required=False)
