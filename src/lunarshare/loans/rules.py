"""Who may do what with a loan. Services call ``lunarshare.permissions.require`` with these
permission names; views call the predicates only to show or hide buttons."""

from __future__ import annotations

import rules

from lunarshare.accounts.rules import is_auditor, is_committee, is_curator, is_officer


@rules.predicate
def is_responsible(user, loan) -> bool:
    return bool(user and user.is_authenticated and loan is not None and loan.responsible_id == user.pk)


@rules.predicate
def is_team_member(user, loan) -> bool:
    if not (user and user.is_authenticated and loan is not None):
        return False
    if loan.responsible_id == user.pk:
        return True
    from .selectors import loan_team_user_ids

    return user.pk in loan_team_user_ids(loan)


# Staff who see every loan and incident (auditors and the committee read, never write).
reads_all_loans = is_curator | is_officer | is_auditor | is_committee
can_view_loan = reads_all_loans | is_team_member
can_sign = is_responsible | is_officer
can_create = is_officer
can_sign_for_borrower = is_responsible
can_sign_for_agency = is_officer
can_allocate = is_curator
can_ship = is_curator
can_receive = is_team_member
can_report_use = is_team_member
can_return = is_curator
can_declare_return = is_team_member
can_request_extension = is_responsible
can_decide_extension = is_officer
can_recall = is_officer
can_close = is_officer
can_cancel = is_officer
can_report_incident = is_curator | is_officer | is_team_member
can_manage_incident = is_curator | is_officer
can_confirm_inventory = is_team_member
can_view_report = is_officer | is_curator | is_auditor

rules.add_perm("loans.view_loan", can_view_loan)
rules.add_perm("loans.sign", can_sign)
rules.add_perm("loans.create_loan", can_create)
rules.add_perm("loans.sign_for_borrower", can_sign_for_borrower)
rules.add_perm("loans.sign_for_agency", can_sign_for_agency)
rules.add_perm("loans.allocate", can_allocate)
rules.add_perm("loans.ship", can_ship)
rules.add_perm("loans.receive", can_receive)
rules.add_perm("loans.report_use", can_report_use)
rules.add_perm("loans.record_return", can_return)
rules.add_perm("loans.declare_return", can_declare_return)
rules.add_perm("loans.request_extension", can_request_extension)
rules.add_perm("loans.decide_extension", can_decide_extension)
rules.add_perm("loans.recall", can_recall)
rules.add_perm("loans.close", can_close)
rules.add_perm("loans.cancel", can_cancel)
rules.add_perm("loans.report_incident", can_report_incident)
rules.add_perm("loans.manage_incident", can_manage_incident)
rules.add_perm("loans.confirm_inventory", can_confirm_inventory)
rules.add_perm("loans.view_report", can_view_report)
