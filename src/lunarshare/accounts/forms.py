"""Forms of the accounts pages. They parse input; services decide and change."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import POWER_ROLES, Institution, Role
from .validators import normalize_orcid, normalize_ror


class AffiliationForm(forms.Form):
    """Choose a confirmed institution, or propose a new one (name, country, optional ROR id)."""

    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.filter(confirmed=True).order_by("name_en"),
        required=False, empty_label=_("— my institution is not in the list —"),
    )
    proposed_name = forms.CharField(label=_("Name of the institution you propose"), max_length=255, required=False)
    # A callable, so the list is translated and sorted in the language of each request; a list
    # built at import time froze some names (those django-countries resolves eagerly) in English.
    proposed_country = forms.ChoiceField(label=_("Country"), choices=lambda: [("", "—"), *countries], required=False)
    proposed_ror_id = forms.CharField(
        label=_("ROR id (optional)"), max_length=40, required=False,
        help_text=_("The institution's identifier at ror.org, e.g. https://ror.org/0abcdef23."),
    )

    def clean_proposed_ror_id(self):
        value = self.cleaned_data["proposed_ror_id"].strip()
        if not value:
            return ""
        return normalize_ror(value)

    def clean(self):
        data = super().clean()
        if not data.get("institution") and not (data.get("proposed_name") or "").strip():
            raise ValidationError(_("Choose your institution from the list, or propose a new one."))
        if data.get("institution") and (data.get("proposed_name") or "").strip():
            raise ValidationError(_("Choose an institution or propose a new one, not both."))
        if (data.get("proposed_name") or "").strip() and not data.get("proposed_country"):
            self.add_error("proposed_country", _("Say in which country the institution is."))
        return data


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Name shown to others"), max_length=200, required=False)
    orcid = forms.CharField(label=_("ORCID iD"), max_length=40, required=False,
                            help_text=_("Such as 0000-0002-1825-0097; the check digit is verified."))
    expertise = forms.CharField(label=_("Expertise"), max_length=1000, required=False,
                                help_text=_("Comma-separated tags, e.g. geochronology, spectroscopy."))
    preferred_language = forms.ChoiceField(label=_("Preferred language"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].choices = [("", _("Same as the site")), *settings.LANGUAGES]

    def clean_orcid(self):
        value = self.cleaned_data["orcid"].strip()
        return normalize_orcid(value) if value else ""

    def clean_expertise(self):
        return [tag.strip() for tag in self.cleaned_data["expertise"].split(",") if tag.strip()]


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=2000)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    action = forms.ChoiceField(choices=[("grant", _("Grant")), ("revoke", _("Revoke"))])


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100,
                           help_text=_("What you will recognise it by, e.g. “laptop” or “lab cluster”."))


class RoleRequestForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in Role if r in POWER_ROLES])
    reason = forms.CharField(label=_("Why this person needs it"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
