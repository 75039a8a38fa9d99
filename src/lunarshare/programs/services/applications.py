"""Applications: draft, edit, attach, submit, withdraw, screen; compliance evaluation and resolution."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.accounts.models import User
from lunarshare.accounts.notify import notify_on_commit
from lunarshare.accounts.validators import normalize_orcid
from lunarshare.errors import InvalidTransition, ValidationFailed, bulk_transition
from lunarshare.mass import MAX_MASS_UG
from lunarshare.permissions import require

from .. import compliance
from ..models import (
    Application,
    ApplicationItem,
    ApplicationStatus,
    Attachment,
    ComplianceResult,
    Funding,
    Method,
    Round,
    RoundStatus,
    TeamMember,
)
from ._common import change_status, lock_application, notify_application, officers, require_officer

TEXT_FIELDS = ("title", "abstract", "research_plan", "expected_outputs")
MAX_TEXT = {"title": 300, "abstract": 5_000, "research_plan": 50_000, "expected_outputs": 10_000}
MAX_ROWS = 50


def _window_text(round_: Round) -> str:
    import zoneinfo

    zone = zoneinfo.ZoneInfo(round_.timezone or "UTC")
    return _("from %(opens)s to %(closes)s (%(tz)s time)") % {
        "opens": formats.date_format(timezone.localtime(round_.opens_at, zone), "DATETIME_FORMAT"),
        "closes": formats.date_format(timezone.localtime(round_.closes_at, zone), "DATETIME_FORMAT"),
        "tz": round_.timezone,
    }


def check_window(round_: Round, now=None) -> None:
    """Refuse a submission outside the round's window, saying when the window is."""
    now = now or timezone.now()
    if round_.status != RoundStatus.OPEN or not (round_.opens_at <= now <= round_.closes_at):
        raise InvalidTransition(
            _("Applications to “%(round)s” can be submitted only while the round is open, %(window)s.")
            % {"round": round_.title, "window": _window_text(round_)},
            opens_at=round_.opens_at.isoformat(), closes_at=round_.closes_at.isoformat())


def _require_owner(actor, application: Application) -> None:
    require(actor, "programs.change_application", application,
            message=_("Only the responsible applicant may change this application."))


def _require_editable(application: Application) -> None:
    if not application.is_editable:
        raise InvalidTransition(_("An application can be edited only as a draft or when returned for correction; "
                                  "this one is “%(status)s”.") % {"status": application.get_status_display()})


def _clean_text(fields: dict) -> dict:
    cleaned = {}
    for key in TEXT_FIELDS:
        if key in fields:
            value = fields[key]
            if not isinstance(value, str):
                raise ValidationFailed(_("%(field)s must be text.") % {"field": key})
            if len(value) > MAX_TEXT[key]:
                raise ValidationFailed(_("%(field)s is too long (at most %(n)d characters).") % {"field": key, "n": MAX_TEXT[key]})
            cleaned[key] = value.strip()
    if "title" in cleaned and not cleaned["title"]:
        raise ValidationFailed(_("An application needs a title."))
    return cleaned


def _rows(value, what) -> list[dict]:
    if not isinstance(value, list | tuple) or any(not isinstance(v, dict) for v in value):
        raise ValidationFailed(_("%(what)s must be a list of entries.") % {"what": what})
    if len(value) > MAX_ROWS:
        raise ValidationFailed(_("At most %(n)d entries in %(what)s.") % {"n": MAX_ROWS, "what": what})
    return list(value)


def _text(row: dict, key: str, limit: int = 300) -> str:
    value = row.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(_("%(field)s must be text.") % {"field": key})
    return value.strip()[:limit]


def _replace_team(application: Application, rows) -> None:
    members = []
    for row in _rows(rows, _("the team")):
        name = _text(row, "name", 200)
        if not name:
            raise ValidationFailed(_("Every team member needs a name."))
        orcid = _text(row, "orcid", 40)
        if orcid:
            try:
                orcid = normalize_orcid(orcid)
            except ValidationError as exc:
                raise ValidationFailed(exc.messages[0]) from None
        user_id = row.get("user")
        if user_id is not None and (isinstance(user_id, bool) or not isinstance(user_id, int)
                                    or not User.objects.filter(pk=user_id).exists()):
            raise ValidationFailed(_("A team member's account does not exist."))
        members.append(TeamMember(application=application, name=name, orcid=orcid,
                                  institution_name=_text(row, "institution_name", 255), role=_text(row, "role", 120),
                                  user_id=user_id))
    application.team.all().delete()
    TeamMember.objects.bulk_create(members)


def _replace_funding(application: Application, rows) -> None:
    sources = []
    for row in _rows(rows, _("the funding")):
        agency = _text(row, "agency", 200)
        if not agency:
            raise ValidationFailed(_("Every funding source needs an agency."))
        country = _text(row, "country", 2).upper()
        sources.append(Funding(application=application, agency=agency, country=country,
                               grant_id=_text(row, "grant_id", 100)))
    application.funding.all().delete()
    Funding.objects.bulk_create(sources)


def _replace_methods(application: Application, rows) -> None:
    methods = []
    for row in _rows(rows, _("the methods")):
        name = _text(row, "name", 200)
        if not name:
            raise ValidationFailed(_("Every method needs a name."))
        methods.append(Method(application=application, name=name, destructive=bool(row.get("destructive")),
                              plan=_text(row, "plan", 20_000), video_consent=bool(row.get("video_consent"))))
    application.methods.all().delete()
    Method.objects.bulk_create(methods)


def _replace_items(application: Application, rows) -> None:
    items = []
    sets = {s.pk: s for s in application.round.sample_sets.all()}
    for row in _rows(rows, _("the requested items")):
        set_id, mass = row.get("sample_set"), row.get("requested_mass_ug", row.get("mass_ug"))
        if isinstance(set_id, bool) or not isinstance(set_id, int) or set_id not in sets:
            raise ValidationFailed(_("Choose a sample set this round offers."))
        sample_set = sets[set_id]
        if isinstance(mass, bool) or not isinstance(mass, int) or not 0 < mass <= MAX_MASS_UG:
            raise ValidationFailed(_("The requested mass must be a positive number of µg."))
        if mass > sample_set.offered_mass_ug:
            raise ValidationFailed(_("“%(set)s” offers less than you request.") % {"set": sample_set.name})
        form = row.get("form") or sample_set.form
        if form != sample_set.form:
            raise ValidationFailed(_("“%(set)s” is offered as %(form)s.") % {"set": sample_set.name,
                                                                             "form": sample_set.get_form_display()})
        items.append(ApplicationItem(application=application, sample_set=sample_set, form=form,
                                     requested_mass_ug=mass, purpose=_text(row, "purpose", 300)))
    application.items.all().delete()
    ApplicationItem.objects.bulk_create(items)


def _apply_nested(application, *, team, funding, methods, items) -> list[str]:
    changed = []
    if team is not None:
        _replace_team(application, team)
        changed.append("team")
    if funding is not None:
        _replace_funding(application, funding)
        changed.append("funding")
    if methods is not None:
        _replace_methods(application, methods)
        changed.append("methods")
    if items is not None:
        _replace_items(application, items)
        changed.append("items")
    return changed


def application_create(*, actor, round_: Round, title: str, team=None, funding=None, methods=None, items=None,
                       **fields) -> Application:
    """Draft an application for ``actor`` at their confirmed institution in an open round."""
    require(actor, "programs.apply", message=_("Only applicants with a confirmed institution may apply."))
    if round_.status != RoundStatus.OPEN:
        raise InvalidTransition(_("“%(round)s” is not open for applications.") % {"round": round_.title})
    cleaned = _clean_text({**fields, "title": title})
    with transaction.atomic():
        application = Application.objects.create(round=round_, applicant=actor, institution=actor.institution,
                                                 **cleaned)
        changed = _apply_nested(application, team=team, funding=funding, methods=methods, items=items)
        compliance_evaluate(application)
        audit.record(actor=actor, verb="application.created", obj=application,
                     data={"round": round_.pk, "title": application.title, "nested": changed})
    return application


def application_update(*, actor, application: Application, team=None, funding=None, methods=None, items=None,
                       **fields) -> Application:
    """Edit a draft or returned application; nested lists given replace the old ones."""
    _require_owner(actor, application)
    cleaned = _clean_text(fields)
    with transaction.atomic():
        application = lock_application(application)
        _require_editable(application)
        old = {k: getattr(application, k) for k in cleaned}
        for key, value in cleaned.items():
            setattr(application, key, value)
        application.save(update_fields=[*cleaned, "updated_at"])
        changed = _apply_nested(application, team=team, funding=funding, methods=methods, items=items)
        compliance_evaluate(application)
        audit.record(actor=actor, verb="application.updated", obj=application,
                     data={"fields": {k: {"old": old[k], "new": v} for k, v in cleaned.items() if old[k] != v},
                           "nested": changed})
    return application


# --- Attachments ----------------------------------------------------------------------------

def check_pdf(upload) -> bytes:
    """Read an uploaded file and refuse anything but a PDF within the size limit."""
    limit = getattr(settings, "LUNARSHARE_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationFailed(_("Attachments may be at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
    upload.seek(0)
    content = upload.read(limit + 1)
    upload.seek(0)
    if len(content) > limit:
        raise ValidationFailed(_("Attachments may be at most %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
    if not content.startswith(b"%PDF-"):
        raise ValidationFailed(_("Attachments must be PDF files."))
    return content


def attachment_add(*, actor, application: Application, upload, kind: str = Attachment.Kind.OTHER) -> Attachment:
    _require_owner(actor, application)
    if kind not in Attachment.Kind.values:
        raise ValidationFailed(_("Unknown attachment kind “%(kind)s”.") % {"kind": kind})
    content = check_pdf(upload)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        application = lock_application(application)
        _require_editable(application)
        name = (getattr(upload, "name", "") or "attachment.pdf").rsplit("/", 1)[-1][:200]
        attachment = Attachment(application=application, kind=kind, original_name=name, size=len(content),
                                sha256=digest, uploaded_by=actor)
        from django.core.files.base import ContentFile

        attachment.file.save(f"{application.reference}-{digest[:12]}.pdf", ContentFile(content), save=False)
        attachment.save()
        compliance_evaluate(application)
        audit.record(actor=actor, verb="application.attachment_added", obj=application,
                     data={"attachment": attachment.pk, "kind": kind, "sha256": digest, "size": len(content)})
    return attachment


def attachment_remove(*, actor, attachment: Attachment) -> None:
    application = attachment.application
    _require_owner(actor, application)
    with transaction.atomic():
        application = lock_application(application)
        _require_editable(application)
        data = {"attachment": attachment.pk, "kind": attachment.kind, "sha256": attachment.sha256}
        attachment.delete()  # the stored file stays; the audit event keeps its hash
        compliance_evaluate(application)
        audit.record(actor=actor, verb="application.attachment_removed", obj=application, data=data)


# --- Compliance ---------------------------------------------------------------------------------

def compliance_evaluate(application: Application) -> list[ComplianceResult]:
    """Evaluate every active rule of the round and store each outcome with its explanation.

    Called inside the transaction of the service that changed the application. A resolved flag
    stays resolved while its explanation is unchanged; a changed flag needs a new resolution."""
    results = []
    existing = {r.rule_id: r for r in application.compliance_results.all()}
    now = timezone.now()
    for rule in application.round.compliance_rules.filter(active=True):
        outcome, explanation = compliance.evaluate(rule, application)
        result = existing.pop(rule.pk, None)
        if result is None:
            result = ComplianceResult.objects.create(application=application, rule=rule, outcome=outcome,
                                                     explanation=str(explanation), evaluated_at=now)
        else:
            same = result.outcome == outcome and result.explanation == str(explanation)
            result.outcome, result.explanation, result.evaluated_at = outcome, str(explanation), now
            fields = ["outcome", "explanation", "evaluated_at"]
            if not same:
                result.resolution, result.resolved_by, result.resolved_at = "", None, None
                fields += ["resolution", "resolved_by", "resolved_at"]
            result.save(update_fields=fields)
        results.append(result)
    for stale in existing.values():
        stale.delete()
    return results


def compliance_resolve(*, actor, result: ComplianceResult, resolution: str) -> ComplianceResult:
    """An officer records how a legal-review flag was resolved; the decision may then proceed."""
    require_officer(actor)
    if not (resolution or "").strip():
        raise ValidationFailed(_("Record the resolution of the flag."))
    with transaction.atomic():
        result = ComplianceResult.objects.select_for_update().select_related("application", "rule").get(pk=result.pk)
        if result.outcome != ComplianceResult.Outcome.FLAG:
            raise InvalidTransition(_("Only a flag can be resolved; correct failing checks in the application."))
        if result.resolved_at is not None:
            raise InvalidTransition(_("This flag is resolved already."))
        result.resolution, result.resolved_by, result.resolved_at = resolution.strip(), actor, timezone.now()
        result.save(update_fields=["resolution", "resolved_by", "resolved_at"])
        audit.record(actor=actor, verb="application.flag_resolved", obj=result.application,
                     data={"rule": result.rule_id, "type": result.rule.type, "resolution": result.resolution})
        notify_application(result.application, verb="flag_resolved",
                           title=_("A compliance flag on your application was resolved"), body=result.resolution)
    return result


# --- Submission, withdrawal, screening ----------------------------------------------------------

def application_submit(*, actor, application: Application) -> Application:
    """Submit a draft inside the round's window, or resubmit an application returned for correction."""
    _require_owner(actor, application)
    with transaction.atomic():
        application = lock_application(application)
        if application.status == ApplicationStatus.DRAFT:
            check_window(application.round)
        elif application.status == ApplicationStatus.RETURNED and application.round.status != RoundStatus.CLOSED:
            check_window(application.round)
        application.submitted_at = timezone.now()
        old = change_status(application, ApplicationStatus.SUBMITTED, actor=actor, extra_fields=["submitted_at"])
        results = compliance_evaluate(application)
        audit.record(actor=actor, verb="application.submitted", obj=application,
                     data={"old": old, "new": application.status,
                           "compliance": {r.rule.type: r.outcome for r in results}})
        notify_application(application, verb="application_submitted",
                           title=_("Application %(ref)s submitted") % {"ref": application.reference},
                           body=application.title)
        notify_on_commit(officers(), verb="programs.application_submitted",
                         title=_("New application %(ref)s in “%(round)s”") % {"ref": application.reference,
                                                                               "round": application.round.title_en},
                         url=application.get_absolute_url())
    return application


def application_withdraw(*, actor, application: Application, reason: str = "") -> Application:
    _require_owner(actor, application)
    with transaction.atomic():
        application = lock_application(application)
        application.withdrawn_at = timezone.now()
        old = change_status(application, ApplicationStatus.WITHDRAWN, actor=actor, note=reason,
                            extra_fields=["withdrawn_at"])
        from ..models import Review, ReviewStatus

        reviewers = list(application.reviews.filter(status=ReviewStatus.ASSIGNED).values_list("reviewer_id", flat=True))
        bulk_transition(Review.objects.filter(application=application), Review.TRANSITIONS, ReviewStatus.ASSIGNED,
                        ReviewStatus.WITHDRAWN, what=_("A review"))
        audit.record(actor=actor, verb="application.withdrawn", obj=application,
                     data={"old": old, "new": application.status, "reason": reason})
        notify_application(application, verb="application_withdrawn",
                           title=_("Application %(ref)s withdrawn") % {"ref": application.reference},
                           also=reviewers if old == ApplicationStatus.UNDER_REVIEW else ())
    return application


def application_screening_start(*, actor, application: Application) -> Application:
    """An officer takes a submitted application into screening (others see it is being handled)."""
    require_officer(actor)
    with transaction.atomic():
        application = lock_application(application)
        old = change_status(application, ApplicationStatus.SCREENING, actor=actor)
        audit.record(actor=actor, verb="application.screening_started", obj=application,
                     data={"old": old, "new": application.status})
        notify_application(application, verb="screening_started",
                           title=_("Application %(ref)s is being screened") % {"ref": application.reference})
    return application


def application_screen(*, actor, application: Application, result: str, note: str = "",
                       checklist: dict | None = None) -> Application:
    """An officer screens a submitted application for completeness and compliance.

    ``pass`` needs every checklist line ticked and no failing compliance check; ``return``
    sends it back to the applicant with a note saying what to correct."""
    require_officer(actor)
    if result not in ("pass", "return"):
        raise ValidationFailed(_("Screening ends in “pass” or “return”."))
    if checklist is not None and not isinstance(checklist, dict):
        raise ValidationFailed(_("The checklist must map checklist keys to true or false."))
    note = (note or "").strip()
    with transaction.atomic():
        application = lock_application(application)
        if application.status == ApplicationStatus.SUBMITTED:
            change_status(application, ApplicationStatus.SCREENING, actor=actor)
        results = compliance_evaluate(application)
        keys = [c["key"] for c in application.round.screening_checklist or []]
        ticked = {k: bool((checklist or {}).get(k)) for k in keys}
        if result == "pass":
            # Check the transition first so a wrong state answers 409 whatever else is missing.
            from lunarshare.errors import check_transition

            check_transition(Application.TRANSITIONS, Application.Status(application.status),
                             ApplicationStatus.UNDER_REVIEW, what=_("An application"))
            if checklist is not None and not all(ticked.values()):
                missing = [c["label_en"] for c in application.round.screening_checklist if not ticked[c["key"]]]
                raise ValidationFailed(_("Tick every checklist line before passing: %(lines)s.")
                                       % {"lines": "; ".join(missing)})
            failing = [r for r in results if r.outcome == ComplianceResult.Outcome.FAIL]
            if failing:
                raise ValidationFailed(_("The application fails compliance checks; return it for correction: %(why)s")
                                       % {"why": " ".join(r.explanation for r in failing)})
            target, verb = ApplicationStatus.UNDER_REVIEW, "application.screened_passed"
        else:
            if not note:
                raise ValidationFailed(_("Say what the applicant must correct."))
            target, verb = ApplicationStatus.RETURNED, "application.returned"
        application.screening_checklist = ticked if checklist is not None else application.screening_checklist
        application.screening_note, application.screened_by, application.screened_at = note, actor, timezone.now()
        old = change_status(application, target, actor=actor, note=note,
                            extra_fields=["screening_checklist", "screening_note", "screened_by", "screened_at"])
        audit.record(actor=actor, verb=verb, obj=application,
                     data={"old": old, "new": target, "note": note, "checklist": ticked})
        if target == ApplicationStatus.RETURNED:
            title = _("Application %(ref)s returned for correction") % {"ref": application.reference}
        else:
            title = _("Application %(ref)s passed screening and is under review") % {"ref": application.reference}
        notify_application(application, verb=verb.split(".", 1)[1], title=title, body=note)
    return application

