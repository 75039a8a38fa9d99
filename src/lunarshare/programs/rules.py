"""Who may do what in the programs app, as predicates. Services enforce; views use these to
show or hide buttons; API classes declare them as permissions."""

import rules

from lunarshare.accounts.models import Role
from lunarshare.accounts.rules import is_applicant, is_auditor, is_committee, is_officer, is_reviewer

from .models import ApplicationStatus, ReviewStatus


@rules.predicate
def can_apply(user) -> bool:
    from .services._common import can_apply as _can_apply

    return _can_apply(user)


@rules.predicate
def is_application_owner(user, application) -> bool:
    return bool(user and user.is_authenticated and application is not None and application.applicant_id == user.pk)


@rules.predicate
def application_is_editable(user, application) -> bool:
    return application is not None and application.is_editable


@rules.predicate
def application_is_open(user, application) -> bool:
    return application is not None and application.is_open


@rules.predicate
def application_in_screening(user, application) -> bool:
    return application is not None and application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.SCREENING)


@rules.predicate
def application_under_review(user, application) -> bool:
    return application is not None and application.status == ApplicationStatus.UNDER_REVIEW


@rules.predicate
def is_assigned_reviewer(user, review) -> bool:
    return bool(user and user.is_authenticated and review is not None and review.reviewer_id == user.pk
                and review.status in (ReviewStatus.ASSIGNED, ReviewStatus.SUBMITTED))


@rules.predicate
def is_review_owner(user, review) -> bool:
    return bool(user and user.is_authenticated and review is not None and review.reviewer_id == user.pk)


is_programme_staff = is_officer | is_committee
reads_all_applications = is_officer | is_committee | is_auditor

rules.add_perm("programs.create_round", is_officer)
rules.add_perm("programs.manage_round", is_officer)
rules.add_perm("programs.publish_results", is_committee | is_officer)
rules.add_perm("programs.apply", can_apply)
rules.add_perm("programs.edit_application", is_application_owner & application_is_editable)
rules.add_perm("programs.submit_application", is_application_owner & application_is_editable)
rules.add_perm("programs.withdraw_application", is_application_owner & application_is_open)
rules.add_perm("programs.screen_application", is_officer & application_in_screening)
rules.add_perm("programs.assign_reviewers", is_officer)
rules.add_perm("programs.decide_application", is_committee & application_under_review)
rules.add_perm("programs.resolve_flag", is_officer)
rules.add_perm("programs.score_review", is_assigned_reviewer)
rules.add_perm("programs.review", is_reviewer)
rules.add_perm("programs.read_all_applications", reads_all_applications)
rules.add_perm("programs.decide", is_committee)
rules.add_perm("programs.handle_review", is_review_owner)
rules.add_perm("programs.change_application", is_application_owner)
rules.add_perm("programs.view_reviews", is_reviewer | reads_all_applications)
rules.add_perm("programs.use_desk", is_programme_staff)
rules.add_perm("programs.publish_rules", is_officer)

__all__ = ["Role", "is_applicant", "is_programme_staff", "reads_all_applications"]
