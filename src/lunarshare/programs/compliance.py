"""Compliance rules as data: each :class:`ComplianceRule` type has one evaluator here.

An evaluator takes the rule and the application and answers ``(outcome, explanation)``;
``programs.services.applications.compliance_evaluate`` stores the answers. Parameters:

``funding_declared``     ``{"min_sources": 1}`` (and ``"grant_id_required": false``)
``team_orcid``           ``{"min_members": 1}`` every member needs a valid ORCID iD
``mass_limits``          ``{"max_total_ug": int|null, "per_form_ug": {"powder": int, ...}}``;
                         missing values fall back to the round's ``max_total_mass_ug`` and
                         ``form_limits_ug``
``destructive_methods``  ``{}``: every destructive method needs a plan and video consent
``legal_review``         ``{"countries": ["US"], "funders": ["NASA"], "reason": "..."}``: flag when
                         the institution's country is listed and a funder matches (case-insensitive,
                         whole words or the agency's full name)
``attachments``          ``{"kinds": ["research_plan"]}`` (default: the round's required attachments)
"""

from __future__ import annotations

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django_countries import countries as country_names

from lunarshare.accounts.validators import normalize_orcid
from lunarshare.mass import format_mass

from .models import Attachment, ComplianceResult, ComplianceRule, SampleForm

PASS, FAIL, FLAG = ComplianceResult.Outcome.PASS, ComplianceResult.Outcome.FAIL, ComplianceResult.Outcome.FLAG

# Common spellings of funders a legal-review rule names; a rule may add its own in "aliases".
FUNDER_ALIASES = {
    "NASA": ["NASA", "National Aeronautics and Space Administration"],
}

# Named rule settings offered to officers. A rule made from a preset stores ``{"preset": key}``
# beside its parameters, not a title or reason in the language of whoever created it, so that
# every page names it in the reader's language.
PRESETS = {
    "wolf_amendment": {
        "type": "legal_review",
        "params": {"countries": ["US"], "funders": ["NASA"]},
        "title": gettext_lazy("Wolf Amendment legal review"),
        "reason": gettext_lazy("US appropriations law (the Wolf Amendment) restricts NASA-funded bilateral work "
                               "with China; an officer records how the work is funded before a decision"),
    },
}
STANDARD_RULE_TYPES = ("funding_declared", "team_orcid", "mass_limits", "destructive_methods")


def preset_params(key: str) -> dict:
    return {**PRESETS[key]["params"], "preset": key}


def _preset(rule: ComplianceRule) -> dict | None:
    return PRESETS.get(rule.params.get("preset")) if isinstance(rule.params, dict) else None


def rule_title(rule: ComplianceRule) -> str:
    """The rule's name in the reader's language: its preset's title, else the officer's label,
    else the name of its type."""
    preset = _preset(rule)
    return str(preset["title"]) if preset else (rule.label or str(rule.get_type_display()))


def _rule_reason(rule: ComplianceRule) -> str:
    preset = _preset(rule)
    if preset:
        return str(preset["reason"])
    return rule.params.get("reason") or _("the funding conditions for this country need legal review")


def _names(values) -> str:
    return pgettext("separator in a list of names", ", ").join(str(v) for v in values)


def describe(rule: ComplianceRule) -> str:
    """What the rule checks, as a sentence (officers read this, never the JSON parameters)."""
    params = rule.params or {}
    kind = rule.type
    if kind == ComplianceRule.Type.FUNDING_DECLARED:
        text = _("At least %(n)d funding source must be declared.") % {"n": max(1, _int_param(params, "min_sources", 1))}
        return text + (" " + _("Every source needs its grant id.") if params.get("grant_id_required") else "")
    if kind == ComplianceRule.Type.TEAM_ORCID:
        return _("At least %(n)d team member must be named, each with a valid ORCID iD.") % {
            "n": max(1, _int_param(params, "min_members", 1))}
    if kind == ComplianceRule.Type.MASS_LIMITS:
        limits = [_("at most %(mass)s of %(form)s") % {"mass": format_mass(v), "form": SampleForm(k).label}
                  for k, v in sorted((params.get("per_form_ug") or {}).items()) if k in SampleForm.values]
        if isinstance(params.get("max_total_ug"), int):
            limits.insert(0, _("at most %(mass)s in all") % {"mass": format_mass(params["max_total_ug"])})
        if not limits:
            return _("Requests must stay within the round's mass limits.")
        return _("Requests must stay within the round's mass limits: %(limits)s.") % {"limits": _names(limits)}
    if kind == ComplianceRule.Type.DESTRUCTIVE_METHODS:
        return _("Every destructive method needs a written plan and consent to record it on video.")
    if kind == ComplianceRule.Type.LEGAL_REVIEW:
        return _("Applications from institutions in %(countries)s funded by %(funders)s are flagged for legal "
                 "review before a decision: %(reason)s.") % {
            "countries": _names(country_names.name(str(c).upper()) or c for c in params.get("countries", [])),
            "funders": _names(params.get("funders", [])), "reason": _rule_reason(rule)}
    if kind == ComplianceRule.Type.ATTACHMENTS:
        kinds = params.get("kinds")
        if not kinds:
            return _("The round's required attachments must be present.")
        labels = [Attachment.Kind(k).label if k in Attachment.Kind.values else k for k in kinds]
        return _("These attachments must be present: %(kinds)s.") % {"kinds": _names(labels)}
    return str(rule.get_type_display())


def _int_param(params: dict, key: str, default: int) -> int:
    value = params.get(key, default)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def funding_declared(rule: ComplianceRule, application) -> tuple[str, str]:
    minimum = max(1, _int_param(rule.params, "min_sources", 1))
    sources = list(application.funding.all())
    if len(sources) < minimum:
        return FAIL, _("Declare at least %(n)d funding source(s); %(have)d declared.") % {"n": minimum, "have": len(sources)}
    if rule.params.get("grant_id_required"):
        missing = [f.agency for f in sources if not f.grant_id.strip()]
        if missing:
            return FAIL, _("Give the grant id for: %(agencies)s.") % {"agencies": ", ".join(missing)}
    return PASS, _("%(n)d funding source(s) declared.") % {"n": len(sources)}


def team_orcid(rule: ComplianceRule, application) -> tuple[str, str]:
    minimum = max(1, _int_param(rule.params, "min_members", 1))
    members = list(application.team.all())
    if len(members) < minimum:
        return FAIL, _("Name at least %(n)d team member(s); %(have)d named.") % {"n": minimum, "have": len(members)}
    bad = []
    for member in members:
        try:
            normalize_orcid(member.orcid)
        except ValidationError:
            bad.append(member.name)
    if bad:
        return FAIL, _("These team members need a valid ORCID iD: %(names)s.") % {"names": ", ".join(bad)}
    return PASS, _("All %(n)d team members have ORCID iDs.") % {"n": len(members)}


def mass_limits(rule: ComplianceRule, application) -> tuple[str, str]:
    round_ = application.round
    max_total = rule.params.get("max_total_ug", round_.max_total_mass_ug)
    per_form = {**(round_.form_limits_ug or {}), **(rule.params.get("per_form_ug") or {})}
    items = list(application.items.all())
    if not items:
        return FAIL, _("Request at least one sample set.")
    by_form: dict[str, int] = defaultdict(int)
    for item in items:
        by_form[item.form] += item.requested_mass_ug
    problems = []
    total = sum(by_form.values())
    if isinstance(max_total, int) and total > max_total:
        problems.append(_("the total request of %(total)s is above the limit of %(limit)s")
                        % {"total": format_mass(total), "limit": format_mass(max_total)})
    for form, mass in sorted(by_form.items()):
        limit = per_form.get(form)
        if isinstance(limit, int) and mass > limit:
            problems.append(_("%(form)s: %(mass)s requested, at most %(limit)s allowed")
                            % {"form": SampleForm(form).label if form in SampleForm.values else form,
                               "mass": format_mass(mass), "limit": format_mass(limit)})
    if problems:
        return FAIL, _("Mass limits exceeded: %(problems)s.") % {"problems": "; ".join(str(p) for p in problems)}
    return PASS, _("%(total)s requested, within the round's limits.") % {"total": format_mass(total)}


def destructive_methods(rule: ComplianceRule, application) -> tuple[str, str]:
    destructive = [m for m in application.methods.all() if m.destructive]
    missing_plan = [m.name for m in destructive if not m.plan.strip()]
    missing_consent = [m.name for m in destructive if not m.video_consent]
    problems = []
    if missing_plan:
        problems.append(_("a plan for %(names)s") % {"names": ", ".join(missing_plan)})
    if missing_consent:
        problems.append(_("consent to record %(names)s on video") % {"names": ", ".join(missing_consent)})
    if problems:
        return FAIL, _("Destructive methods need %(problems)s.") % {"problems": " and ".join(str(p) for p in problems)}
    if not destructive:
        return PASS, _("No destructive methods declared.")
    return PASS, _("%(n)d destructive method(s) with plan and video consent.") % {"n": len(destructive)}


def _funder_matches(agency: str, funder: str, aliases: dict) -> bool:
    for spelling in aliases.get(funder.upper(), [funder]):
        if re.search(rf"(?<![\w]){re.escape(spelling)}(?![\w])", agency, flags=re.IGNORECASE):
            return True
    return False


def legal_review(rule: ComplianceRule, application) -> tuple[str, str]:
    countries = {str(c).upper() for c in rule.params.get("countries", [])}
    funders = [str(f) for f in rule.params.get("funders", [])]
    aliases = {**FUNDER_ALIASES, **{k.upper(): v for k, v in (rule.params.get("aliases") or {}).items()}}
    country = str(application.institution.country).upper()
    if country not in countries:
        return PASS, _("The applicant's country (%(country)s) is not subject to this rule.") % {"country": country}
    matched = sorted({f for source in application.funding.all() for f in funders
                      if _funder_matches(source.agency, f, aliases)})
    if not matched:
        return PASS, _("No listed funder (%(funders)s) declared.") % {"funders": ", ".join(funders)}
    reason = _rule_reason(rule)
    return FLAG, _("Legal review: institution in %(country)s with funding from %(funders)s — %(reason)s.") % {
        "country": country, "funders": ", ".join(matched), "reason": reason}


def attachments(rule: ComplianceRule, application) -> tuple[str, str]:
    kinds = rule.params.get("kinds") or application.round.required_attachments or []
    present = set(application.attachments.values_list("kind", flat=True))
    missing = [k for k in kinds if k not in present]
    if missing:
        labels = [str(Attachment.Kind(k).label) if k in Attachment.Kind.values else k for k in missing]
        return FAIL, _("Missing attachments: %(kinds)s.") % {"kinds": ", ".join(labels)}
    return PASS, _("All required attachments are present.")


EVALUATORS = {
    ComplianceRule.Type.FUNDING_DECLARED: funding_declared,
    ComplianceRule.Type.TEAM_ORCID: team_orcid,
    ComplianceRule.Type.MASS_LIMITS: mass_limits,
    ComplianceRule.Type.DESTRUCTIVE_METHODS: destructive_methods,
    ComplianceRule.Type.LEGAL_REVIEW: legal_review,
    ComplianceRule.Type.ATTACHMENTS: attachments,
}


def evaluate(rule: ComplianceRule, application) -> tuple[str, str]:
    return EVALUATORS[rule.type](rule, application)


def validate_params(rule_type: str, params) -> dict:
    """Refuse parameters an evaluator could not use (officers type them in)."""
    from lunarshare.errors import ValidationFailed

    if rule_type not in EVALUATORS:
        raise ValidationFailed(_("Unknown compliance rule type “%(type)s”.") % {"type": rule_type})
    if not isinstance(params, dict):
        raise ValidationFailed(_("Rule parameters must be a JSON object."))
    if rule_type == ComplianceRule.Type.LEGAL_REVIEW:
        if not params.get("countries") or not params.get("funders"):
            raise ValidationFailed(_("A legal-review rule needs “countries” and “funders” lists."))
        if not all(isinstance(v, str) for v in [*params["countries"], *params["funders"]]):
            raise ValidationFailed(_("Countries and funders must be text."))
    if rule_type == ComplianceRule.Type.MASS_LIMITS:
        per_form = params.get("per_form_ug", {})
        if not isinstance(per_form, dict) or any(
                k not in SampleForm.values or not isinstance(v, int) or isinstance(v, bool) or v <= 0
                for k, v in per_form.items()):
            raise ValidationFailed(_("Per-form limits must map a sample form to a positive number of µg."))
        total = params.get("max_total_ug")
        if total is not None and (not isinstance(total, int) or isinstance(total, bool) or total <= 0):
            raise ValidationFailed(_("The total limit must be a positive number of µg."))
    return params
