"""Incidents: lost, stolen or damaged material and mass discrepancies (reported → investigating → resolved)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.accounts.models import Role
from lunarshare.accounts.notify import notify_on_commit
from lunarshare.accounts.selectors import users_with_role
from lunarshare.errors import InvalidTransition, ValidationFailed, check_transition
from lunarshare.permissions import require

from ..models import Incident, Loan, LoanItem
from .common import apply_roll_up, check_mass, clean_text, lock_loan, set_item_status


def incident_report(*, actor, loan: Loan, kind: str, description: str, identifier: str = "") -> Incident:
    require(actor, "loans.report_incident", loan, message=_("You may not report incidents on this loan."))
    if kind not in Incident.Kind.values:
        raise ValidationFailed(_("Unknown kind of incident “%(kind)s”.") % {"kind": kind})
    description = clean_text(description, _("A description"), max_length=10000)
    with transaction.atomic():
        loan = lock_loan(loan)
        item = None
        if identifier:
            item = loan.items.select_related("sample").filter(sample__identifier=identifier.strip()).order_by("-id").first()
            if item is None:
                raise ValidationFailed(_("Sample %(id)s is not part of loan %(loan)s.") % {"id": identifier, "loan": loan})
        incident = Incident.objects.create(loan=loan, item=item, sample=item.sample if item else None, kind=kind,
                                           description=description, reported_by=actor,
                                           expected_mass_ug=item.sample.mass_ug if item else None)
        audit.record(actor=actor, verb="loan.incident_reported", obj=incident,
                     data={"loan": str(loan), "kind": kind, "identifier": identifier, "description": description})
        staff = users_with_role(Role.OFFICER, Role.CURATOR).values_list("pk", flat=True)
        notify_on_commit(list(staff), verb="loan.incident_reported",
                         title=_("Incident %(incident)s reported on loan %(loan)s") % {"incident": incident, "loan": loan},
                         body=description, url=loan.get_absolute_url())
    return incident


def incident_investigate(*, actor, incident: Incident, note: str = "") -> Incident:
    require(actor, "loans.manage_incident", incident.loan, message=_("Only curators and officers handle incidents."))
    note = clean_text(note, _("A note"), required=False)
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        old = incident.status
        check_transition(Incident.TRANSITIONS, Incident.Status(old), Incident.Status.INVESTIGATING, what=_("The incident"))
        incident.status = Incident.Status.INVESTIGATING
        incident.save(update_fields=["status"])
        audit.record(actor=actor, verb="loan.incident_investigating", obj=incident,
                     data={"old_status": old, "new_status": incident.status, "note": note})
    return incident


def incident_resolve(*, actor, incident: Incident, resolution: str, write_off: bool = False,
                     mass_ug: int | None = None) -> Incident:
    """Resolve an incident. With ``write_off`` the item's material (all of it, or ``mass_ug``)
    leaves the ledger through ``sample_write_off`` and, when nothing is left, the item closes as lost."""
    from lunarshare.catalog.services import sample_write_off

    require(actor, "loans.manage_incident", incident.loan, message=_("Only curators and officers handle incidents."))
    resolution = clean_text(resolution, _("The resolution"), max_length=10000)
    if mass_ug is not None:
        check_mass(mass_ug, _("The mass written off"))
    with transaction.atomic():
        loan = lock_loan(incident.loan) if incident.loan_id else None
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        old = incident.status
        check_transition(Incident.TRANSITIONS, Incident.Status(old), Incident.Status.RESOLVED, what=_("The incident"))
        written_off = 0
        old_loan_status = new_loan_status = loan.status if loan else None
        if write_off:
            if incident.item_id is None:
                raise ValidationFailed(_("Name the lost item before writing its mass off."))
            item = LoanItem.objects.select_for_update(of=("self",)).select_related("sample").get(pk=incident.item_id)
            if item.is_closed and item.status != LoanItem.Status.RETURNED:
                raise InvalidTransition(_("This item is already closed as %(status)s.") % {"status": item.get_status_display().lower()})
            if item.status == LoanItem.Status.RETURNED and mass_ug is None:
                raise ValidationFailed(_("The item was returned; give the mass to write off."))
            entry = sample_write_off(actor=actor, sample=item.sample, mass_ug=mass_ug, reason=resolution,
                                     reference=f"{loan}/{incident}")
            written_off = -entry.delta_ug
            if entry.balance_ug == 0 and not item.is_closed:
                set_item_status(item, LoanItem.Status.LOST)
                item.closed_at = timezone.now()
                item.save(update_fields=["status", "closed_at"])
                old_loan_status, new_loan_status = apply_roll_up(loan)
        incident.status, incident.resolution = Incident.Status.RESOLVED, resolution
        incident.resolved_by, incident.resolved_at, incident.written_off_ug = actor, timezone.now(), written_off
        incident.save(update_fields=["status", "resolution", "resolved_by", "resolved_at", "written_off_ug"])
        audit.record(actor=actor, verb="loan.incident_resolved", obj=incident, data={
            "old_status": old, "new_status": incident.status, "resolution": resolution, "written_off_ug": written_off,
            "loan_old_status": old_loan_status, "loan_new_status": new_loan_status})
    return incident
