"""Who may do what with science data, as predicates. Services call ``require`` with these
permission names; views use them only to show or hide buttons. Reading is decided by
``selectors.datasets_visible_to``."""

from __future__ import annotations

import rules

from lunarshare.accounts.rules import is_auditor, is_curator, is_officer
from lunarshare.loans.rules import is_team_member

# Who sees every dataset, embargoed or not: curators, programme officers, auditors.
is_science_reader = is_curator | is_officer | is_auditor
# Who handles every loan's data and may move any embargo: curators and programme officers.
handles_all_science = is_curator | is_officer


@rules.predicate
def can_create_dataset(user, loan=None) -> bool:
    """Curators record the agency's own data; a loan's team records data from its loan."""
    return bool(is_curator(user) or is_team_member(user, loan))


@rules.predicate
def can_edit_dataset(user, dataset) -> bool:
    if dataset is None:
        return False
    return bool(is_curator(user) or is_team_member(user, dataset.loan))


@rules.predicate
def can_set_any_embargo(user, dataset=None) -> bool:
    """Officers and curators may move an embargo either way; the team may only shorten it."""
    return bool(handles_all_science(user))


@rules.predicate
def can_release_early(user, dataset) -> bool:
    return bool(can_set_any_embargo(user, dataset) or (dataset is not None and is_team_member(user, dataset.loan)))


@rules.predicate
def can_report_publication(user, loans=()) -> bool:
    if not (user and user.is_authenticated):
        return False
    if handles_all_science(user):
        return True
    return all(is_team_member(user, loan) for loan in loans or ())


@rules.predicate
def owns_watch(user, watch) -> bool:
    return bool(user and user.is_authenticated and watch is not None and watch.user_id == user.pk)


rules.add_perm("science.add_dataset", can_create_dataset)
rules.add_perm("science.set_embargo", can_set_any_embargo | can_edit_dataset)
rules.add_perm("science.stop_watch", owns_watch | is_officer)
rules.add_perm("science.change_dataset", can_edit_dataset)
rules.add_perm("science.release_dataset", can_release_early)
rules.add_perm("science.report_publication", can_report_publication)
rules.add_perm("science.view_all_datasets", is_science_reader)
rules.add_perm("science.view_overdue_reports", is_officer | is_curator | is_auditor)
