"""Rounds: create, configure (sample sets, rubric, compliance rules), open, close, publish results."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.accounts.models import Role
from lunarshare.accounts.notify import notify_on_commit
from lunarshare.errors import ConflictError, InvalidTransition, ValidationFailed, check_transition
from lunarshare.mass import MAX_MASS_UG

from .. import compliance
from ..models import (
    OPEN_APPLICATION_STATUSES,
    Application,
    ApplicationStatus,
    Attachment,
    ComplianceRule,
    Review,
    Round,
    RoundStatus,
    RubricCriterion,
    RuleVersion,
    SampleForm,
    SampleSet,
)
from ._common import require_officer, require_role

ROUND_FIELDS = ("title_en", "title_zh", "description_en", "description_zh", "opens_at", "closes_at",
                "max_total_mass_ug", "form_limits_ug", "required_attachments", "screening_checklist",
                "reviewers_per_application", "same_country_conflict", "embargo_months", "loan_period_months",
                "publication_report_months", "acknowledgement_en", "acknowledgement_zh", "results_note_en",
                "results_note_zh", "kind", "timezone")

DEFAULT_CHECKLIST = [
    {"key": "complete", "label_en": "All sections are complete", "label_zh": "申请内容完整"},
    {"key": "institution", "label_en": "The institution and responsible applicant are identified",
     "label_zh": "借用单位和使用责任人信息明确"},
    {"key": "plan", "label_en": "The research plan matches the requested material", "label_zh": "研究方案与申请样品相符"},
]

# key, English, Chinese, weight: the programme reviews scientific merit apart from the
# preciousness of the material (see programme-facts takeaway 12).
DEFAULT_RUBRIC = [
    ("merit", "Scientific merit", "科学价值", 4),
    ("feasibility", "Feasibility and methods", "可行性与方法", 3),
    ("team", "Team and facilities", "团队与条件", 2),
    ("sample-use", "Economy of sample use", "样品使用的必要性", 1),
]


def _lock_round(round_: Round) -> Round:
    return Round.objects.select_for_update().get(pk=round_.pk)


def _aware(value, what) -> datetime.datetime:
    if not isinstance(value, datetime.datetime) or timezone.is_naive(value):
        raise ValidationFailed(_("%(what)s must be a date and time with a time zone.") % {"what": what})
    return value


def _clean_round_fields(fields: dict) -> dict:
    cleaned = {k: v for k, v in fields.items() if k in ROUND_FIELDS}
    if "kind" in cleaned and cleaned["kind"] not in Round.Kind.values:
        raise ValidationFailed(_("A round is domestic or international."))
    if "timezone" in cleaned:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(str(cleaned["timezone"]))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationFailed(_("Unknown time zone “%(tz)s”.") % {"tz": cleaned["timezone"]}) from None
    if "opens_at" in cleaned:
        _aware(cleaned["opens_at"], _("The opening time"))
    if "closes_at" in cleaned:
        _aware(cleaned["closes_at"], _("The closing time"))
    mass = cleaned.get("max_total_mass_ug")
    if mass is not None and (not isinstance(mass, int) or isinstance(mass, bool) or not 0 < mass <= MAX_MASS_UG):
        raise ValidationFailed(_("The most mass per application must be a positive number of µg."))
    limits = cleaned.get("form_limits_ug")
    if limits is not None:
        compliance.validate_params(ComplianceRule.Type.MASS_LIMITS, {"per_form_ug": limits})
    kinds = cleaned.get("required_attachments")
    if kinds is not None and (not isinstance(kinds, list) or any(k not in Attachment.Kind.values for k in kinds)):
        raise ValidationFailed(_("Unknown attachment kind in the required attachments."))
    checklist = cleaned.get("screening_checklist")
    if checklist is not None and (not isinstance(checklist, list) or any(
            not isinstance(c, dict) or not c.get("key") or not c.get("label_en") for c in checklist)):
        raise ValidationFailed(_("Each checklist line needs a key and an English label."))
    k = cleaned.get("reviewers_per_application")
    if k is not None and not (isinstance(k, int) and 1 <= k <= 20):
        raise ValidationFailed(_("Between 1 and 20 reviewers per application."))
    return cleaned


def round_create(*, actor, title_en: str, opens_at, closes_at, kind: str = Round.Kind.DOMESTIC, code: str = "",
                 missions=(), rule_versions=(), default_rubric: bool = True, **fields) -> Round:
    """Create a draft round. ``default_rubric`` gives it the usual four weighted criteria
    (officers may replace them before reviews start)."""
    require_officer(actor) if actor is not None else None
    if not (title_en or "").strip():
        raise ValidationFailed(_("A round needs an English title."))
    fields = _clean_round_fields({**fields, "kind": kind, "opens_at": opens_at, "closes_at": closes_at})
    if closes_at <= opens_at:
        raise ValidationFailed(_("A round must close after it opens."))
    code = slugify(code or f"{kind}-{opens_at:%Y-%m}-{title_en}")[:40]
    if Round.objects.filter(code=code).exists():
        raise ConflictError(_("A round with the code “%(code)s” exists already.") % {"code": code})
    fields.setdefault("screening_checklist", DEFAULT_CHECKLIST)
    with transaction.atomic():
        round_ = Round.objects.create(code=code, title_en=title_en.strip(), created_by=actor, **fields)
        if missions:
            round_.missions.set(missions)
        if rule_versions:
            round_.rule_versions.set(rule_versions)
        for index, (key, name_en, name_zh, weight) in enumerate(DEFAULT_RUBRIC if default_rubric else ()):
            RubricCriterion.objects.create(round=round_, key=key, name_en=name_en, name_zh=name_zh, weight=weight,
                                           scale_min=1, scale_max=5, sort_order=index)
        audit.record(actor=actor, verb="round.created", obj=round_,
                     data={"code": code, "kind": kind, "opens_at": opens_at, "closes_at": closes_at})
    return round_


def round_update(*, actor, round_: Round, missions=None, **fields) -> Round:
    require_officer(actor)
    cleaned = _clean_round_fields(fields)
    with transaction.atomic():
        round_ = _lock_round(round_)
        if round_.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
            raise InvalidTransition(_("Only a draft or open round can be changed."))
        if round_.status == RoundStatus.OPEN and set(cleaned) & {"opens_at", "max_total_mass_ug", "form_limits_ug",
                                                                 "kind"}:
            raise InvalidTransition(_("An open round keeps its opening time, kind and limits; only the closing time "
                                      "and texts can change."))
        changes = {k: (getattr(round_, k), v) for k, v in cleaned.items() if getattr(round_, k) != v}
        for key, value in cleaned.items():
            setattr(round_, key, value)
        if round_.closes_at <= round_.opens_at:
            raise ValidationFailed(_("A round must close after it opens."))
        round_.save(update_fields=list(cleaned) or None)
        if missions is not None:
            round_.missions.set(missions)
        audit.record(actor=actor, verb="round.updated", obj=round_,
                     data={k: {"old": o, "new": n} for k, (o, n) in changes.items()})
    return round_


def round_open(*, actor, round_: Round) -> Round:
    """Open the round for applications. It records the rule versions in force today when none
    were chosen. Submissions are accepted between ``opens_at`` and ``closes_at``."""
    require_officer(actor) if actor is not None else None
    with transaction.atomic():
        round_ = _lock_round(round_)
        check_transition(Round.TRANSITIONS, RoundStatus(round_.status), RoundStatus.OPEN, what=_("A round"))
        if not round_.criteria.exists():
            raise ValidationFailed(_("Define the review rubric before opening the round."))
        if round_.closes_at <= timezone.now():
            raise ValidationFailed(_("The round's closing time has passed; move it before opening the round."))
        if not round_.rule_versions.exists():
            today = timezone.localdate()
            in_force = []
            for version in RuleVersion.objects.filter(published_at__isnull=False, effective_date__lte=today).order_by(
                    "document_id", "-effective_date", "-id"):
                if all(v.document_id != version.document_id for v in in_force):
                    in_force.append(version)
            round_.rule_versions.set(in_force)
        round_.status = RoundStatus.OPEN
        round_.opened_at = timezone.now()
        round_.save(update_fields=["status", "opened_at"])
        audit.record(actor=actor, verb="round.opened", obj=round_,
                     data={"rule_versions": [v.pk for v in round_.rule_versions.all()]})
    return round_


def round_close(*, actor, round_: Round) -> Round:
    require_officer(actor) if actor is not None else None
    with transaction.atomic():
        round_ = _lock_round(round_)
        check_transition(Round.TRANSITIONS, RoundStatus(round_.status), RoundStatus.CLOSED, what=_("A round"))
        round_.status = RoundStatus.CLOSED
        round_.closed_at = timezone.now()
        round_.save(update_fields=["status", "closed_at"])
        submitted = round_.applications.filter(status=ApplicationStatus.SUBMITTED).count()
        audit.record(actor=actor, verb="round.closed", obj=round_, data={"submitted": submitted})
        applicants = round_.applications.filter(status=ApplicationStatus.DRAFT).values_list("applicant_id", flat=True)
        notify_on_commit(applicants, verb="programs.round_closed",
                         title=_("The round “%(round)s” has closed") % {"round": round_.title_en},
                         body=_("Your draft application in this round can no longer be submitted."),
                         url=round_.get_absolute_url())
    return round_


def rounds_close_due(*, actor=None, now=None) -> list[Round]:
    """Close every open round whose window has ended (the scheduler runs this; safe to repeat)."""
    now = now or timezone.now()
    closed = []
    for round_ in Round.objects.filter(status=RoundStatus.OPEN, closes_at__lt=now):
        try:
            closed.append(round_close(actor=actor, round_=round_))
        except InvalidTransition:  # closed by an officer in the meantime
            continue
    return closed


def round_cancel(*, actor, round_: Round, reason: str) -> Round:
    require_officer(actor)
    if not reason.strip():
        raise ValidationFailed(_("Give a reason for cancelling the round."))
    with transaction.atomic():
        round_ = _lock_round(round_)
        check_transition(Round.TRANSITIONS, RoundStatus(round_.status), RoundStatus.CANCELLED, what=_("A round"))
        round_.status = RoundStatus.CANCELLED
        round_.save(update_fields=["status"])
        audit.record(actor=actor, verb="round.cancelled", obj=round_, data={"reason": reason})
    return round_


def round_publish_results(*, actor, round_: Round) -> Round:
    """Mark the round decided and publish its results (public page and feed entry).

    Refused while any submitted application is still in screening or review."""
    require_role(actor, Role.COMMITTEE, Role.OFFICER, message=_("Only the committee or an officer may publish results."))
    with transaction.atomic():
        round_ = _lock_round(round_)
        if round_.status == RoundStatus.CLOSED:
            pending = round_.applications.filter(status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.SCREENING,
                                                             ApplicationStatus.UNDER_REVIEW]).count()
            if pending:
                raise InvalidTransition(
                    _("%(n)d application(s) are still being screened or reviewed; decide them first.") % {"n": pending},
                    pending=pending)
            check_transition(Round.TRANSITIONS, RoundStatus.CLOSED, RoundStatus.DECIDED, what=_("A round"))
            round_.status = RoundStatus.DECIDED
            round_.decided_at = timezone.now()
        check_transition(Round.TRANSITIONS, RoundStatus(round_.status), RoundStatus.PUBLISHED, what=_("A round"))
        round_.status = RoundStatus.PUBLISHED
        round_.results_published_at = timezone.now()
        round_.save(update_fields=["status", "decided_at", "results_published_at"])
        from ..selectors import round_results

        results = round_results(round_)
        audit.record(actor=actor, verb="round.results_published", obj=round_,
                     data={"institutions": results.institutions_count, "countries": results.countries_count,
                           "total_mass_ug": results.total_mass_ug})
        people = round_.applications.exclude(status__in=[ApplicationStatus.DRAFT]).values_list("applicant_id", flat=True)
        notify_on_commit(people, verb="programs.results_published",
                         title=_("Results of “%(round)s” are published") % {"round": round_.title_en},
                         url=round_.get_absolute_url())
    return round_


# --- Configuration --------------------------------------------------------------------------

def _require_configurable(round_: Round) -> None:
    if round_.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        raise InvalidTransition(_("Only a draft or open round can be configured."))


def sample_set_create(*, actor, round_: Round, name_en: str, form: str, offered_mass_ug: int, samples=(),
                      name_zh: str = "", code: str = "", description: str = "") -> SampleSet:
    require_officer(actor) if actor is not None else None
    _require_configurable(round_)
    if not name_en.strip():
        raise ValidationFailed(_("A sample set needs a name."))
    if form not in SampleForm.values:
        raise ValidationFailed(_("Unknown sample form “%(form)s”.") % {"form": form})
    if not isinstance(offered_mass_ug, int) or isinstance(offered_mass_ug, bool) or not 0 < offered_mass_ug <= MAX_MASS_UG:
        raise ValidationFailed(_("The offered mass must be a positive number of µg."))
    samples = list(samples)
    if round_.missions.exists():
        foreign = [s.identifier for s in samples if not round_.missions.filter(pk=s.mission_id).exists()]
        if foreign:
            raise ValidationFailed(_("These samples are not from the round's missions: %(ids)s.") % {"ids": ", ".join(foreign)})
    with transaction.atomic():
        sample_set = SampleSet.objects.create(round=round_, name_en=name_en.strip(), name_zh=name_zh, code=code,
                                              description=description, form=form, offered_mass_ug=offered_mass_ug)
        sample_set.samples.set(samples)
        audit.record(actor=actor, verb="round.sample_set_added", obj=sample_set,
                     data={"round": round_.pk, "form": form, "offered_mass_ug": offered_mass_ug,
                           "samples": [s.identifier for s in samples]})
    return sample_set


def criterion_create(*, actor, round_: Round, key: str, name_en: str, weight=1, scale_min: int = 1,
                     scale_max: int = 5, name_zh: str = "", description: str = "") -> RubricCriterion:
    require_officer(actor) if actor is not None else None
    _require_configurable(round_)
    key = slugify(key or name_en)[:40]
    try:
        weight = Decimal(str(weight))
    except InvalidOperation:
        raise ValidationFailed(_("The weight must be a number.")) from None
    if not weight.is_finite() or weight <= 0 or weight > 1000:
        raise ValidationFailed(_("The weight must be a positive number."))
    if not (isinstance(scale_min, int) and isinstance(scale_max, int) and scale_min < scale_max):
        raise ValidationFailed(_("The scale's highest score must be above its lowest."))
    if round_.criteria.filter(key=key).exists():
        raise ConflictError(_("The rubric already has a criterion “%(key)s”.") % {"key": key})
    if Review.objects.filter(application__round=round_).exists():
        raise InvalidTransition(_("The rubric cannot change once reviews have started."))
    with transaction.atomic():
        criterion = RubricCriterion.objects.create(round=round_, key=key, name_en=name_en, name_zh=name_zh,
                                                   description=description, weight=weight, scale_min=scale_min,
                                                   scale_max=scale_max, sort_order=round_.criteria.count())
        audit.record(actor=actor, verb="round.criterion_added", obj=criterion,
                     data={"round": round_.pk, "key": key, "weight": weight, "scale": [scale_min, scale_max]})
    return criterion


def compliance_rule_create(*, actor, round_: Round, type: str, params: dict | None = None,
                           label: str = "") -> ComplianceRule:
    """Add a rule; applications still open in the round are evaluated against it at once."""
    require_officer(actor) if actor is not None else None
    if round_.status not in (RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.CLOSED):
        raise InvalidTransition(_("Rules cannot be added to a decided round."))
    params = compliance.validate_params(type, params or {})
    with transaction.atomic():
        rule = ComplianceRule.objects.create(round=round_, type=type, params=params, label=label)
        from .applications import compliance_evaluate

        for application in round_.applications.filter(status__in=OPEN_APPLICATION_STATUSES):
            compliance_evaluate(application)
        audit.record(actor=actor, verb="round.compliance_rule_added", obj=rule,
                     data={"round": round_.pk, "type": type, "params": params})
    return rule


def compliance_rules_add_standard(*, actor, round_: Round, legal_review: bool = True) -> list[ComplianceRule]:
    """The rules most rounds use: funding, ORCID iDs, mass limits and destructive methods, and
    (``legal_review``) the Wolf Amendment flag for NASA-funded US institutions."""
    with transaction.atomic():
        rules = [compliance_rule_create(actor=actor, round_=round_, type=t) for t in compliance.STANDARD_RULE_TYPES]
        if legal_review:
            rules.append(compliance_rule_create(actor=actor, round_=round_, type=ComplianceRule.Type.LEGAL_REVIEW,
                                                params=compliance.preset_params("wolf_amendment")))
    return rules


def compliance_rule_deactivate(*, actor, rule: ComplianceRule) -> ComplianceRule:
    require_officer(actor)
    with transaction.atomic():
        rule = ComplianceRule.objects.select_for_update().get(pk=rule.pk)
        if not rule.active:
            raise InvalidTransition(_("This rule is inactive already."))
        rule.active = False
        rule.save(update_fields=["active"])
        rule.results.all().delete()
        audit.record(actor=actor, verb="round.compliance_rule_deactivated", obj=rule, data={"type": rule.type})
    return rule


def application_count_open(round_: Round) -> int:
    return Application.objects.filter(round=round_, status__in=OPEN_APPLICATION_STATUSES).count()
