"""Forms of the science pages: they parse input; services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lunarshare.catalog.models import Mission, Sample

from .models import Licence
from .units import property_choices


class DatasetForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    loan = forms.ModelChoiceField(label=_("Loan"), queryset=None, required=False,
                                  help_text=_("Leave empty for the agency's own curation data."))
    samples = forms.CharField(label=_("Samples"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Catalogue identifiers, separated by commas or new lines."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    authors = forms.CharField(label=_("Authors"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One per line: name; ORCID iD (optional); affiliation (optional)."))
    licence = forms.ChoiceField(label=_("Licence"), choices=Licence.choices, initial=Licence.CC_BY_4)
    method = forms.CharField(label=_("Method"), max_length=200, required=False)
    instrument = forms.CharField(label=_("Instrument"), max_length=200, required=False)
    laboratory = forms.CharField(label=_("Laboratory"), max_length=200, required=False)
    keywords = forms.CharField(label=_("Keywords"), max_length=1000, required=False,
                               help_text=_("Separated by commas."))
    doi = forms.CharField(label=_("DOI"), max_length=250, required=False,
                          help_text=_("Only if the dataset already has a DOI; LunarShare does not mint DOIs."))
    embargo_until = forms.DateField(label=_("Embargoed until"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}),
                                    help_text=_("Empty: the round's rule (receipt plus the embargo period)."))

    def __init__(self, *args, loans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loan"].queryset = loans

    def clean_samples(self):
        identifiers = [s.strip() for s in self.cleaned_data["samples"].replace("\n", ",").split(",") if s.strip()]
        found = {s.identifier: s for s in Sample.objects.filter(identifier__in=identifiers)}
        missing = [i for i in identifiers if i not in found]
        if missing:
            raise ValidationError(_("Unknown sample(s): %(ids)s.") % {"ids": ", ".join(missing[:20])})
        return [found[i] for i in dict.fromkeys(identifiers)]

    def clean_authors(self):
        return _parse_authors(self.cleaned_data["authors"])


def _parse_authors(text: str) -> list[dict]:
    authors = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.split(";")]
        if not parts or not parts[0]:
            continue
        author = {"name": parts[0]}
        if len(parts) > 1 and parts[1]:
            author["orcid"] = parts[1]
        if len(parts) > 2 and parts[2]:
            author["affiliation"] = parts[2]
        authors.append(author)
    return authors


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"),
                           help_text=_("Header: sample,property,value,unit,uncertainty,uncertainty_type,method"))


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class EmbargoForm(forms.Form):
    embargo_until = forms.DateField(label=_("Embargoed until"), widget=forms.DateInput(attrs={"type": "date"}))


class CompareForm(forms.Form):
    """The comparison query; also works as a plain GET form without JavaScript."""

    missions = forms.MultipleChoiceField(label=_("Missions"), widget=forms.CheckboxSelectMultiple, choices=())
    property = forms.ChoiceField(label=_("Property"), choices=())
    property_y = forms.ChoiceField(label=_("Second property (scatter plot, optional)"), required=False, choices=())

    def __init__(self, *args, properties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missions"].choices = [(m.code, m.name) for m in Mission.objects.order_by("sort_order", "code")]
        choices = [(p["property"], f"{p['label']} ({p['unit']})" if p["unit"] else p["label"]) for p in properties]
        if not choices:
            choices = property_choices()
        self.fields["property"].choices = choices
        self.fields["property_y"].choices = [("", _("— none: histogram —")), *choices]


class PublicationForm(forms.Form):
    doi = forms.CharField(label=_("DOI"), max_length=250, required=False)
    title = forms.CharField(label=_("Title"), max_length=500)
    authors = forms.CharField(label=_("Authors"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("One per line: name; ORCID iD (optional)."))
    journal = forms.CharField(label=_("Journal"), max_length=300, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1969, max_value=2200)
    loans = forms.ModelMultipleChoiceField(label=_("Loans"), queryset=None, required=False)
    datasets = forms.ModelMultipleChoiceField(label=_("Datasets"), queryset=None, required=False)
    samples = forms.CharField(label=_("Samples"), required=False, help_text=_("Identifiers, separated by commas."))

    def __init__(self, *args, loans=None, datasets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loans"].queryset = loans
        self.fields["datasets"].queryset = datasets

    clean_samples = DatasetForm.clean_samples

    def clean_authors(self):
        return _parse_authors(self.cleaned_data["authors"])

