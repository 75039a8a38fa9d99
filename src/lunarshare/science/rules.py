"""Who may do what with science data, as predicates. Services call these and raise; views use
them only to show or hide buttons. Reading is decided by ``selectors.datasets_visible_to``."""

from __future__ import annotations

import rules

from lunarshare.accounts.models import Role
from lunarshare.accounts.rules import is_curator, is_officer, role_predicate

# Who sees every dataset, embargoed or not: curators, programme officers, auditors.
is_science_reader = role_predicate(Role.CURATOR, Role.OFFICER, Role.AUDITOR)


def is_loan_team(user, loan) -> bool:
    if loan is None or not (user and user.is_authenticated):
        return False
    from lunarshare.loans.selectors import loan_team_user_ids

    return user.pk in loan_team_user_ids(loan)


@rules.predicate
def can_create_dataset(user, loan=None) -> bool:
    """Curators record the agency's own data; a loan's team records data from its loan."""
    if not (user and user.is_authenticated):
        return False
    if user.has_role(Role.CURATOR):
        return True
    return is_loan_team(user, loan)


@rules.predicate
def can_edit_dataset(user, dataset) -> bool:
    if not (user and user.is_authenticated) or dataset is None:
        return False
    return user.has_role(Role.CURATOR) or is_loan_team(user, dataset.loan)


@rules.predicate
def can_set_any_embargo(user, dataset=None) -> bool:
    """Officers and curators may move an embargo either way; the team may only shorten it."""
    return bool(user and user.is_authenticated and user.has_role(Role.CURATOR, Role.OFFICER))


@rules.predicate
def can_release_early(user, dataset) -> bool:
    return bool(can_set_any_embargo(user, dataset) or (dataset is not None and is_loan_team(user, dataset.loan)))


@rules.predicate
def can_report_publication(user, loans=()) -> bool:
    if not (user and user.is_authenticated):
        return False
    if user.has_role(Role.CURATOR, Role.OFFICER):
        return True
    return all(is_loan_team(user, loan) for loan in loans)


rules.add_perm("science.add_dataset", can_create_dataset)
rules.add_perm("science.change_dataset", can_edit_dataset)
rules.add_perm("science.release_dataset", can_release_early)
rules.add_perm("science.view_overdue_reports", is_officer | is_curator | role_predicate(Role.AUDITOR))
