"""Committee decisions: approve, approve with reduced mass per item, reject."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.errors import (
    ConflictError,
    InvalidTransition,
    ValidationFailed,
    bulk_transition,
    check_transition,
)
from lunarshare.mass import format_mass
from lunarshare.permissions import require

from ..models import Application, ApplicationStatus, Review, ReviewStatus, RoundStatus, SampleSet
from ..selectors import sample_set_approved_mass_ug
from ._common import change_status, lock_application, notify_application

DECISIONS = {"approve": ApplicationStatus.APPROVED, "reduce": ApplicationStatus.REDUCED,
             "reject": ApplicationStatus.REJECTED}


def _approved_masses(application: Application, decision: str, items) -> dict[int, int]:
    current = {item.pk: item for item in application.items.all()}
    if decision == "approve":
        return {pk: item.requested_mass_ug for pk, item in current.items()}
    if decision == "reject":
        return {pk: 0 for pk in current}
    if not isinstance(items, list) or not items:
        raise ValidationFailed(_("A reduced approval lists the items with the mass approved for each."))
    masses = {pk: item.requested_mass_ug for pk, item in current.items()}
    for row in items:
        if not isinstance(row, dict):
            raise ValidationFailed(_("Each item is {\"id\": …, \"mass_ug\": …}."))
        pk, mass = row.get("id"), row.get("mass_ug")
        if isinstance(pk, bool) or not isinstance(pk, int) or pk not in current:
            raise ValidationFailed(_("Item %(id)s is not part of this application.") % {"id": pk})
        item = current[pk]
        if isinstance(mass, bool) or not isinstance(mass, int) or not 0 <= mass <= item.requested_mass_ug:
            raise ValidationFailed(_("The approved mass of an item must be between 0 and the %(mass)s requested.")
                                   % {"mass": format_mass(item.requested_mass_ug)})
        if item.sample_set.is_whole_pieces and mass not in (0, item.requested_mass_ug):
            raise ValidationFailed(_("%(form)s are lent whole: approve all of the item or none of it.")
                                   % {"form": item.sample_set.get_form_display()})
        masses[pk] = mass
    if all(masses[pk] == current[pk].requested_mass_ug for pk in masses):
        raise ValidationFailed(_("Nothing was reduced; approve the application instead."))
    if not any(masses.values()):
        raise ValidationFailed(_("Nothing is left; reject the application instead."))
    return masses


def application_decide(*, actor, application: Application, decision: str, reason: str = "", items=None) -> Application:
    """Record the committee's decision. Approved mass per sample set never exceeds the offer:
    the sample sets are locked while the totals are checked and the items written."""
    require(actor, "programs.decide", message=_("Only the review committee decides on applications."))
    if decision not in DECISIONS:
        raise ValidationFailed(_("The decision is “approve”, “reduce” or “reject”."))
    reason = (reason or "").strip()
    if decision != "approve" and not reason:
        raise ValidationFailed(_("Give the reason for the decision."))
    target = DECISIONS[decision]
    with transaction.atomic():
        application = lock_application(application)
        check_transition(Application.TRANSITIONS, Application.Status(application.status), target,
                         what=_("An application"))
        if application.round.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
            raise InvalidTransition(_("Decisions are recorded only while the round is open or closed."))
        flags = [r for r in application.compliance_results.select_related("rule") if r.blocks_decision]
        if flags:
            raise ConflictError(_("A legal-review flag must be resolved by an officer first: %(why)s")
                                % {"why": " ".join(r.explanation for r in flags)}, flags=[r.pk for r in flags])
        masses = _approved_masses(application, decision, items)
        items_by_id = {item.pk: item for item in application.items.select_related("sample_set")}
        set_ids = sorted({item.sample_set_id for item in items_by_id.values()})
        sets = {s.pk: s for s in SampleSet.objects.select_for_update().filter(pk__in=set_ids).order_by("pk")}
        for set_id in set_ids:
            sample_set = sets[set_id]
            asked = sum(masses[pk] for pk, item in items_by_id.items() if item.sample_set_id == set_id)
            already = sample_set_approved_mass_ug(sample_set, exclude_application=application)
            if already + asked > sample_set.offered_mass_ug:
                raise ConflictError(
                    _("“%(set)s” offers %(offer)s; %(already)s is approved already, so %(asked)s more cannot be.")
                    % {"set": sample_set.name, "offer": format_mass(sample_set.offered_mass_ug),
                       "already": format_mass(already), "asked": format_mass(asked)},
                    sample_set=set_id)
        for pk, item in items_by_id.items():
            item.approved_mass_ug = masses[pk]
            item.save(update_fields=["approved_mass_ug"])
        application.decided_at, application.decided_by, application.decision_reason = timezone.now(), actor, reason
        old = change_status(application, target, actor=actor, note=reason,
                            extra_fields=["decided_at", "decided_by", "decision_reason"])
        bulk_transition(application.reviews.all(), Review.TRANSITIONS, ReviewStatus.ASSIGNED, ReviewStatus.WITHDRAWN,
                        what=_("A review"))
        audit.record(actor=actor, verb=f"application.{target}", obj=application,
                     data={"old": old, "new": target, "reason": reason,
                           "items": {str(pk): mass for pk, mass in masses.items()},
                           "approved_mass_ug": sum(masses.values())})
        titles = {"approve": _("Application %(ref)s approved"),
                  "reduce": _("Application %(ref)s approved with reduced mass"),
                  "reject": _("Application %(ref)s not approved")}
        notify_application(application, verb=f"application_{target}",
                           title=titles[decision] % {"ref": application.reference}, body=reason)
    return application
