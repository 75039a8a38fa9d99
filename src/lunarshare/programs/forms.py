"""Web forms of the programs app. Forms parse and validate input; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lunarshare.accounts.models import Institution
from lunarshare.catalog.models import Mission
from lunarshare.language import pick
from lunarshare.mass import format_mass, parse_mass

from .models import Attachment, ComplianceRule, ConflictDeclaration, Round, RuleDocument, SampleForm


class MassField(forms.CharField):
    """A mass typed in milligrams ("12.5"), cleaned to integer micrograms."""

    def __init__(self, *args, unit: str = "mg", **kwargs):
        self.unit = unit
        kwargs.setdefault("help_text", _("in milligrams"))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        from lunarshare.errors import ValidationFailed

        try:
            return parse_mass(value, self.unit)
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from None


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ApplicationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    abstract = forms.CharField(label=_("Abstract"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                               max_length=5_000)
    research_plan = forms.CharField(label=_("Research plan"), widget=forms.Textarea(attrs={"rows": 8}), required=False,
                                    max_length=50_000)
    expected_outputs = forms.CharField(label=_("Expected outputs"), widget=forms.Textarea(attrs={"rows": 3}),
                                       required=False, max_length=10_000)


class TeamMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    orcid = forms.CharField(label=_("ORCID iD"), max_length=40, required=False)
    institution_name = forms.CharField(label=_("Institution"), max_length=255, required=False)
    role = forms.CharField(label=_("Role"), max_length=120, required=False)


class FundingForm(forms.Form):
    agency = forms.CharField(label=_("Funding agency"), max_length=200)
    country = forms.CharField(label=_("Country code"), max_length=2, required=False)
    grant_id = forms.CharField(label=_("Grant id"), max_length=100, required=False)


class MethodForm(forms.Form):
    name = forms.CharField(label=_("Method"), max_length=200)
    destructive = forms.BooleanField(label=_("Destructive or consumptive"), required=False)
    plan = forms.CharField(label=_("Plan for the destructive use"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    video_consent = forms.BooleanField(label=_("I agree to record destructive experiments on video"), required=False)


class ItemForm(forms.Form):
    sample_set = forms.TypedChoiceField(label=_("Sample set"), coerce=int)
    mass = MassField(label=_("Requested mass (mg)"))
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)

    def __init__(self, *args, sample_sets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sample_set"].choices = [(s.pk, f"{s.name} · {s.get_form_display()}") for s in sample_sets]


TeamFormSet = forms.formset_factory(TeamMemberForm, extra=2, max_num=50, can_delete=True)
FundingFormSet = forms.formset_factory(FundingForm, extra=1, max_num=50, can_delete=True)
MethodFormSet = forms.formset_factory(MethodForm, extra=1, max_num=50, can_delete=True)
ItemFormSet = forms.formset_factory(ItemForm, extra=1, max_num=50, can_delete=True)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices)
    file = forms.FileField(label=_("PDF file"))


class ScreenForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=[("pass", _("Pass to review")), ("return", _("Return for correction"))],
                               widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note to the applicant"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        for line in checklist:
            label = pick(line, "label")
            self.fields[f"check_{line['key']}"] = forms.BooleanField(label=label, required=False)
        self.checklist_keys = [line["key"] for line in checklist]

    def checklist(self) -> dict:
        return {key: bool(self.cleaned_data.get(f"check_{key}")) for key in self.checklist_keys}


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve")), ("reduce", _("Approve with reduced mass")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = MassField(
                label=_("Approved mass for %(set)s (mg)") % {"set": item.sample_set.name}, required=False,
                help_text=_("requested: %(mass)s; only used for a reduced approval") % {"mass": format_mass(item.requested_mass_ug)})

    def item_masses(self) -> list[dict]:
        rows = []
        for item in self.items:
            value = self.cleaned_data.get(f"item_{item.pk}")
            if value is not None:
                rows.append({"id": item.pk, "mass_ug": value})
        return rows


class ScoreForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.key}"] = forms.DecimalField(
                label=f"{criterion.name} ({criterion.scale_min}–{criterion.scale_max})",
                min_value=criterion.scale_min, max_value=criterion.scale_max, decimal_places=2,
                help_text=_("weight %(w)s") % {"w": criterion.weight})

    def scores(self) -> dict:
        return {c.key: str(self.cleaned_data[f"score_{c.key}"]) for c in self.criteria}


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("What is the conflict?"), widget=forms.Textarea(attrs={"rows": 2}))


class StandingConflictForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ConflictDeclaration.Kind.choices)
    with_name = forms.CharField(label=_("Name of the person"), max_length=200, required=False)
    with_orcid = forms.CharField(label=_("Their ORCID iD"), max_length=19, required=False)
    with_institution = forms.ModelChoiceField(label=_("Or an institution"), queryset=Institution.objects.all(),
                                              required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveFlagForm(forms.Form):
    result = forms.IntegerField(widget=forms.HiddenInput)
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 2}))


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Round.Kind.choices)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=300, required=False)
    description_en = forms.CharField(label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    description_zh = forms.CharField(label=_("Description (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    missions = forms.ModelMultipleChoiceField(label=_("Missions"), queryset=Mission.objects.all(), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    timezone = forms.CharField(label=_("Time zone of the window"), max_length=64, initial="Asia/Shanghai",
                               help_text=_("Opening and closing times are read in this time zone, e.g. Asia/Shanghai."))
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeLocalInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeLocalInput())
    max_total_mass = MassField(label=_("Most mass per application (mg)"), required=False)
    max_powder_mass = MassField(label=_("Most powder per application (mg)"), required=False)
    reviewers_per_application = forms.IntegerField(label=_("Reviewers per application"), min_value=1, max_value=20, initial=3)
    same_country_conflict = forms.BooleanField(label=_("Reviewers from the applicant's country are conflicted"),
                                               required=False)
    embargo_months = forms.IntegerField(label=_("Data embargo after receipt (months)"), min_value=0, max_value=240, initial=12)
    loan_period_months = forms.IntegerField(label=_("Loan period (months)"), min_value=1, max_value=240, initial=24)
    publication_report_months = forms.IntegerField(label=_("Results report due (months)"), min_value=1, max_value=240,
                                                   initial=24)
    acknowledgement_en = forms.CharField(label=_("Acknowledgement (English)"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))
    acknowledgement_zh = forms.CharField(label=_("Acknowledgement (Chinese)"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))
    standard_rules = forms.BooleanField(
        label=_("Add the standard compliance rules (funding, ORCID iDs, mass limits, destructive methods)"),
        required=False, initial=True)
    wolf_rule = forms.BooleanField(
        label=_("Flag US institutions funded by NASA for legal review (Wolf Amendment)"), required=False, initial=True)

    def clean_timezone(self):
        import zoneinfo

        value = self.cleaned_data["timezone"].strip()
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise forms.ValidationError(_("Unknown time zone.")) from None
        return value

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            raise forms.ValidationError(_("A round must close after it opens."))
        return data


class SampleSetForm(forms.Form):
    name_en = forms.CharField(label=_("Name (English)"), max_length=255)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=255, required=False)
    form = forms.ChoiceField(label=_("Form"), choices=SampleForm.choices)
    offered_mass = MassField(label=_("Offered mass (mg)"))
    samples = forms.ModelMultipleChoiceField(label=_("Samples"), queryset=None, required=False,
                                             widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, *args, round_=None, **kwargs):
        super().__init__(*args, **kwargs)
        from lunarshare.catalog.models import Sample

        queryset = Sample.objects.all()
        if round_ is not None and round_.missions.exists():
            queryset = queryset.filter(mission__in=round_.missions.all())
        self.fields["samples"].queryset = queryset.order_by("identifier")


class CriterionForm(forms.Form):
    key = forms.SlugField(label=_("Key"), max_length=40)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200, required=False)
    weight = forms.DecimalField(label=_("Weight"), min_value=0.01, max_value=1000, initial=1)
    scale_min = forms.IntegerField(label=_("Lowest score"), initial=1)
    scale_max = forms.IntegerField(label=_("Highest score"), initial=5)


class ComplianceRuleForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=ComplianceRule.Type.choices)
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    params = forms.JSONField(label=_("Parameters (JSON)"), required=False, initial=dict,
                             help_text=_('e.g. {"countries": ["US"], "funders": ["NASA"]} for a legal-review rule'))


class ClosingTimeForm(forms.Form):
    closes_at = forms.DateTimeField(label=_("New closing time"), widget=DateTimeLocalInput(),
                                    help_text=_("In the round's time zone."))


class ChecklistForm(forms.Form):
    lines = forms.CharField(label=_("Checklist lines"), widget=forms.Textarea(attrs={"rows": 5}),
                            help_text=_("One line per item: English | Chinese"))

    def checklist(self) -> list[dict]:
        from django.utils.text import slugify

        items = []
        for number, line in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            if not line.strip():
                continue
            english, _sep, chinese = line.partition("|")
            key = slugify(english)[:40] or f"item-{number}"
            items.append({"key": key, "label_en": english.strip(), "label_zh": chinese.strip()})
        return items


class AssignForm(forms.Form):
    per_application = forms.IntegerField(label=_("Reviewers per application"), min_value=1, max_value=20, initial=3)


class RuleVersionForm(forms.Form):
    document = forms.ModelChoiceField(label=_("Existing rule"), queryset=RuleDocument.objects.all(), required=False,
                                      help_text=_("Leave empty to start a new rule"))
    title_en = forms.CharField(label=_("Title (English)"), max_length=300)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=300, required=False)
    version = forms.CharField(label=_("Version"), max_length=40)
    effective_date = forms.DateField(label=_("Effective date"), widget=forms.DateInput(attrs={"type": "date"}))
    body_en = forms.CharField(label=_("Text (English, Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    body_zh = forms.CharField(label=_("Text (Chinese, Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    changes_en = forms.CharField(label=_("What changed (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    changes_zh = forms.CharField(label=_("What changed (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    pdf = forms.FileField(label=_("PDF"), required=False)
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)
