"""Creating a loan from an approved application, signing its agreement, cancelling, closing."""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare import audit, files
from lunarshare.accounts.notify import notify_on_commit
from lunarshare.errors import ConflictError, InvalidTransition, ValidationFailed
from lunarshare.permissions import require

from ..documents import CURRENT_TEMPLATE_VERSION, render_agreement
from ..models import CLOSED_ITEM_STATUSES, Agreement, Loan, LoanItem, LoanStatus, Signature
from .common import add_months, clean_text, lock_loan, set_item_status, set_loan_status, today


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _store_agreement(loan: Loan, *, version: str) -> Agreement:
    pdf = render_agreement(loan, version=version)
    agreement = Agreement(loan=loan, template_version=version, sha256=_sha256(pdf), generated_at=timezone.now())
    files.save_on_commit(agreement.file, f"{loan}-agreement-v{version}.pdf", pdf)  # a rollback leaves no file
    agreement.save()
    return agreement


def loan_create_from_application(*, actor, application, start_date=None) -> Loan:
    """Turn an approved application into a loan in ``draft`` with its generated agreement.

    One pending item per approved application item; the named team, the purpose and the
    methods are copied into the loan so the agreement does not change if the application does.
    ``start_date`` (default today) lets an officer date the agreement from its signing
    ceremony when a round's loans are entered afterwards; the due date follows the round's
    loan period.
    """
    from lunarshare.programs.models import Application

    require(actor, "loans.create_loan", message=_("Only a programme officer may create a loan."))
    with transaction.atomic():
        application = (Application.objects.select_for_update().select_related("round", "institution", "applicant")
                       .get(pk=application.pk))
        if not application.is_approved:
            raise InvalidTransition(_("Application %(ref)s is not approved; only approved applications become loans.")
                                    % {"ref": application.reference})
        if Loan.objects.filter(application=application).exists():
            raise ConflictError(_("Application %(ref)s already has a loan.") % {"ref": application.reference})
        items = [i for i in application.items.select_related("sample_set").order_by("id") if (i.approved_mass_ug or 0) > 0]
        if not items:
            raise InvalidTransition(_("Application %(ref)s has no approved mass to lend.") % {"ref": application.reference})
        methods = list(application.methods.order_by("id"))
        destructive = any(m.destructive for m in methods)
        team_members = list(application.team.select_related("user").order_by("id"))
        start = start_date or today()
        if start > today():
            raise ValidationFailed(_("A loan cannot start in the future."))
        loan = Loan(
            application=application, borrower_institution=application.institution, responsible=application.applicant,
            team_names=[{"name": m.name, "orcid": m.orcid, "institution": m.institution_name, "role": m.role}
                        for m in team_members],
            purpose=application.title, start_date=start,
            methods=[{"name": m.name, "destructive": m.destructive, "video_consent": m.video_consent} for m in methods],
            due_date=add_months(start, application.round.loan_period_months or 12), created_by=actor,
        )
        try:
            with transaction.atomic():
                loan.save()
        except IntegrityError:
            raise ConflictError(_("Application %(ref)s already has a loan.") % {"ref": application.reference}) from None
        loan.team.set({application.applicant_id, *(m.user_id for m in team_members if m.user_id)})
        LoanItem.objects.bulk_create([
            LoanItem(loan=loan, application_item=i, form=i.form, description=i.sample_set.name_en,
                     approved_mass_ug=i.approved_mass_ug, destructive_allowance_ug=i.approved_mass_ug if destructive else 0)
            for i in items
        ])
        agreement = _store_agreement(loan, version=CURRENT_TEMPLATE_VERSION)
        audit.record(actor=actor, verb="loan.created", obj=loan,
                     data={"application": application.reference, "items": len(items), "due_date": loan.due_date,
                           "template_version": agreement.template_version, "agreement_sha256": agreement.sha256})
        notify_on_commit([application.applicant_id], verb="loan.created",
                         title=_("Your loan agreement %(loan)s is ready to sign") % {"loan": loan},
                         url=loan.get_absolute_url())
    return loan


def loan_sign(*, actor, loan: Loan, typed_name: str) -> Signature:
    """The borrower's representative signs first, then a programme officer for the agency.

    The agency's signature completes the agreement: the signed PDF (both signatures) is kept
    with its SHA-256, and only then may anything ship.
    """
    require(actor, "loans.sign", loan, message=_("You are not a party to this agreement."))
    typed_name = clean_text(typed_name, _("Your typed name"), max_length=200)
    with transaction.atomic():
        loan = lock_loan(loan)
        if loan.status == LoanStatus.DRAFT:
            party, target = Signature.Party.BORROWER, LoanStatus.BORROWER_SIGNED
            require(actor, "loans.sign_for_borrower", loan, message=_("Only the borrower's responsible user signs for the borrower."))
        elif loan.status == LoanStatus.BORROWER_SIGNED:
            party, target = Signature.Party.AGENCY, LoanStatus.SIGNED
            require(actor, "loans.sign_for_agency", loan, message=_("A programme officer signs for the agency, after the borrower."))
        else:
            raise InvalidTransition(_("Loan %(loan)s is %(status)s; there is nothing left to sign.")
                                    % {"loan": loan, "status": loan.get_status_display().lower()})
        agreement = loan.agreement
        old = set_loan_status(loan, target)
        signature = Signature.objects.create(loan=loan, party=party, signer=actor, typed_name=typed_name,
                                             document_sha256=agreement.sha256)
        loan.save(update_fields=["status"])
        data = {"party": party, "typed_name": typed_name, "old_status": old, "new_status": target,
                "document_sha256": agreement.sha256}
        if target == LoanStatus.SIGNED:
            pdf = render_agreement(loan, version=agreement.template_version,
                                   signatures=list(loan.signatures.select_related("signer")))
            agreement.signed_sha256 = _sha256(pdf)
            files.save_on_commit(agreement.signed_file, f"{loan}-agreement-signed.pdf", pdf)
            agreement.save(update_fields=["signed_file", "signed_sha256"])
            data["signed_sha256"] = agreement.signed_sha256
            notify_on_commit([loan.responsible_id], verb="loan.signed",
                             title=_("The agency signed loan agreement %(loan)s") % {"loan": loan}, url=loan.get_absolute_url())
        audit.record(actor=actor, verb="loan.signed", obj=loan, data=data)
    return signature


def loan_cancel(*, actor, loan: Loan, reason: str) -> Loan:
    """Cancel a loan before anything shipped; reserved samples become available again."""
    from lunarshare.catalog.models import SampleStatus
    from lunarshare.catalog.services import sample_change_status

    require(actor, "loans.cancel", loan, message=_("Only a programme officer may cancel a loan."))
    reason = clean_text(reason, _("A reason"))
    with transaction.atomic():
        loan = lock_loan(loan)
        old = set_loan_status(loan, LoanStatus.CANCELLED)
        now = timezone.now()
        released = []
        for item in loan.items.select_for_update(of=("self",)).select_related("sample"):
            if item.status == LoanItem.Status.ALLOCATED:
                sample_change_status(actor=actor, sample=item.sample, status=SampleStatus.AVAILABLE,
                                     reason=_("Loan %(loan)s cancelled") % {"loan": loan})
                released.append(item.sample.identifier)
                set_item_status(item, LoanItem.Status.PENDING)
            item.closed_at = now
            item.save(update_fields=["status", "closed_at"])
        loan.closed_at = now
        loan.save(update_fields=["status", "closed_at"])
        audit.record(actor=actor, verb="loan.cancelled", obj=loan,
                     data={"old_status": old, "new_status": loan.status, "reason": reason, "released": released})
    return loan


def loan_close(*, actor, loan: Loan, note: str = "") -> Loan:
    """Close a loan whose every item is closed (status ``returned``)."""
    require(actor, "loans.close", loan, message=_("Only a programme officer may close a loan."))
    note = clean_text(note, _("A note"), required=False)
    with transaction.atomic():
        loan = lock_loan(loan)
        open_items = loan.items.exclude(status__in=CLOSED_ITEM_STATUSES).count()
        if open_items:
            raise InvalidTransition(_("%(n)s item(s) of loan %(loan)s are still open; a loan closes only when every item is closed.")
                                    % {"n": open_items, "loan": loan})
        old = set_loan_status(loan, LoanStatus.CLOSED)
        loan.closed_at = timezone.now()
        loan.save(update_fields=["status", "closed_at"])
        audit.record(actor=actor, verb="loan.closed", obj=loan, data={"old_status": old, "new_status": loan.status, "note": note})
    return loan
