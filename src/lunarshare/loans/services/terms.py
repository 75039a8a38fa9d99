"""Changing a loan's terms: extensions (borrower asks, officer decides) and recalls."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.accounts.models import Role
from lunarshare.accounts.notify import notify_on_commit
from lunarshare.accounts.selectors import users_with_role
from lunarshare.errors import ConflictError, InvalidTransition, ValidationFailed, check_transition
from lunarshare.permissions import require

from ..models import OUT_STATUSES, ExtensionRequest, Loan, LoanStatus
from ..selectors import loan_team_user_ids
from .common import clean_text, lock_loan, set_loan_status, today

EXTENDABLE_STATUSES = (LoanStatus.SIGNED, LoanStatus.SHIPPED, LoanStatus.IN_USE, LoanStatus.PARTLY_RETURNED)


def _check_date(value, what) -> dt.date:
    if not isinstance(value, dt.date):
        raise ValidationFailed(_("%(what)s must be a date.") % {"what": what})
    return value


def extension_request(*, actor, loan: Loan, requested_due_date: dt.date, reason: str) -> ExtensionRequest:
    require(actor, "loans.request_extension", loan, message=_("Only the borrower's responsible user may ask for an extension."))
    requested_due_date = _check_date(requested_due_date, _("The new due date"))
    reason = clean_text(reason, _("A reason"))
    with transaction.atomic():
        loan = lock_loan(loan)
        if loan.status not in EXTENDABLE_STATUSES:
            raise InvalidTransition(_("Loan %(loan)s is %(status)s and cannot be extended.")
                                    % {"loan": loan, "status": loan.get_status_display().lower()})
        if requested_due_date <= loan.due_date:
            raise ValidationFailed(_("The new due date must be after the current one (%(due)s).") % {"due": loan.due_date})
        if loan.extensions.filter(status=ExtensionRequest.Status.REQUESTED).exists():
            raise ConflictError(_("An extension request for this loan is already waiting for a decision."))
        try:
            with transaction.atomic():
                request = ExtensionRequest.objects.create(loan=loan, requested_due_date=requested_due_date,
                                                          previous_due_date=loan.due_date, reason=reason, requested_by=actor)
        except IntegrityError:
            raise ConflictError(_("An extension request for this loan is already waiting for a decision.")) from None
        audit.record(actor=actor, verb="loan.extension_requested", obj=loan,
                     data={"request": request.pk, "due_date": loan.due_date, "requested_due_date": requested_due_date, "reason": reason})
        officers = users_with_role(Role.OFFICER).values_list("pk", flat=True)
        notify_on_commit(list(officers), verb="loan.extension_requested",
                         title=_("Extension requested for loan %(loan)s") % {"loan": loan}, url=loan.get_absolute_url())
    return request


def _decide(*, actor, request: ExtensionRequest, status: str, note: str) -> ExtensionRequest:
    require(actor, "loans.decide_extension", request.loan, message=_("Only a programme officer decides on extensions."))
    with transaction.atomic():
        loan = lock_loan(request.loan)
        request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        check_transition(ExtensionRequest.TRANSITIONS, ExtensionRequest.Status(request.status), ExtensionRequest.Status(status),
                         what=_("The extension request"))
        old_due = loan.due_date
        request.status, request.decided_by, request.decided_at, request.decision_note = status, actor, timezone.now(), note
        request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if status == ExtensionRequest.Status.GRANTED:
            if loan.status not in EXTENDABLE_STATUSES:
                raise InvalidTransition(_("Loan %(loan)s is %(status)s and cannot be extended.")
                                        % {"loan": loan, "status": loan.get_status_display().lower()})
            loan.due_date = request.requested_due_date
            loan.save(update_fields=["due_date"])
        audit.record(actor=actor, verb=f"loan.extension_{status}", obj=loan,
                     data={"request": request.pk, "old_due_date": old_due, "new_due_date": loan.due_date, "note": note})
        notify_on_commit([request.requested_by_id], verb=f"loan.extension_{status}",
                         title=(_("Your extension of loan %(loan)s was granted") if status == ExtensionRequest.Status.GRANTED
                                else _("Your extension of loan %(loan)s was refused")) % {"loan": loan},
                         body=note, url=loan.get_absolute_url())
    return request


def extension_grant(*, actor, request: ExtensionRequest, note: str = "") -> ExtensionRequest:
    return _decide(actor=actor, request=request, status=ExtensionRequest.Status.GRANTED,
                   note=clean_text(note, _("A note"), required=False))


def extension_refuse(*, actor, request: ExtensionRequest, note: str) -> ExtensionRequest:
    return _decide(actor=actor, request=request, status=ExtensionRequest.Status.REFUSED, note=clean_text(note, _("A reason")))


def loan_recall(*, actor, loan: Loan, reason: str, new_due_date: dt.date) -> Loan:
    """An officer recalls material that is out: a reason and the date it must be back."""
    require(actor, "loans.recall", loan, message=_("Only a programme officer may recall a loan."))
    reason = clean_text(reason, _("A reason"))
    new_due_date = _check_date(new_due_date, _("The new due date"))
    if new_due_date < today():
        raise ValidationFailed(_("The recall date cannot be in the past."))
    with transaction.atomic():
        loan = lock_loan(loan)
        if loan.status not in OUT_STATUSES:
            raise InvalidTransition(_("Loan %(loan)s is %(status)s; only material that is out can be recalled.")
                                    % {"loan": loan, "status": loan.get_status_display().lower()})
        old = set_loan_status(loan, LoanStatus.RECALLED)
        old_due = loan.due_date
        loan.due_date, loan.recalled_at, loan.recall_reason = new_due_date, timezone.now(), reason
        loan.save(update_fields=["status", "due_date", "recalled_at", "recall_reason"])
        loan.extensions.filter(status=ExtensionRequest.Status.REQUESTED).update(
            status=ExtensionRequest.Status.REFUSED, decided_by=actor, decided_at=timezone.now(), decision_note=_("Loan recalled."))
        audit.record(actor=actor, verb="loan.recalled", obj=loan, data={
            "old_status": old, "new_status": loan.status, "reason": reason, "old_due_date": old_due, "new_due_date": new_due_date})
        notify_on_commit(loan_team_user_ids(loan), verb="loan.recalled",
                         title=_("Loan %(loan)s is recalled: return the material by %(date)s") % {"loan": loan, "date": new_due_date},
                         body=reason, url=loan.get_absolute_url())
    return loan


def loan_extend(*, actor, loan: Loan, new_due_date: dt.date, reason: str) -> ExtensionRequest:
    """An officer moves the due date on their own initiative (recorded as a granted extension)."""
    require(actor, "loans.decide_extension", loan, message=_("Only a programme officer may extend a loan."))
    new_due_date = _check_date(new_due_date, _("The new due date"))
    reason = clean_text(reason, _("A reason"))
    with transaction.atomic():
        loan = lock_loan(loan)
        if loan.status not in EXTENDABLE_STATUSES:
            raise InvalidTransition(_("Loan %(loan)s is %(status)s and cannot be extended.")
                                    % {"loan": loan, "status": loan.get_status_display().lower()})
        if new_due_date <= loan.due_date:
            raise ValidationFailed(_("The new due date must be after the current one (%(due)s).") % {"due": loan.due_date})
        old_due = loan.due_date
        request = ExtensionRequest.objects.create(
            loan=loan, requested_due_date=new_due_date, previous_due_date=old_due, reason=reason, requested_by=actor,
            status=ExtensionRequest.Status.GRANTED, decided_by=actor, decided_at=timezone.now(), decision_note=reason)
        loan.due_date = new_due_date
        loan.save(update_fields=["due_date"])
        audit.record(actor=actor, verb="loan.extension_granted", obj=loan,
                     data={"request": request.pk, "old_due_date": old_due, "new_due_date": new_due_date, "note": reason})
        notify_on_commit(loan_team_user_ids(loan), verb="loan.extension_granted",
                         title=_("Loan %(loan)s is extended to %(date)s") % {"loan": loan, "date": new_due_date},
                         url=loan.get_absolute_url())
    return request
