"""Role predicates, the vocabulary every other app's ``rules.py`` builds on."""

import rules

from .models import Role


def role_predicate(*roles: str):
    name = "has_role:" + "|".join(roles)

    @rules.predicate(name=name)
    def _has(user) -> bool:
        return bool(user and user.is_authenticated and user.has_role(*roles))

    return _has


is_applicant = role_predicate(Role.APPLICANT)
is_reviewer = role_predicate(Role.REVIEWER)
is_committee = role_predicate(Role.COMMITTEE)
is_curator = role_predicate(Role.CURATOR)
is_officer = role_predicate(Role.OFFICER)
is_auditor = role_predicate(Role.AUDITOR)
# Staff who may read everything in the collection (auditors read, never write).
is_staff_reader = role_predicate(Role.CURATOR, Role.OFFICER, Role.AUDITOR, Role.COMMITTEE)


@rules.predicate
def has_confirmed_institution(user) -> bool:
    return bool(user and user.is_authenticated and user.institution_id and user.institution.confirmed)


# Pages and endpoints that only need a signed-in person (their own profile, loans, applications).
rules.add_perm("accounts.signed_in", rules.is_authenticated)
rules.add_perm("accounts.grant_role", is_officer)


@rules.predicate
def is_same_person(user, person) -> bool:
    return bool(user and user.is_authenticated and person is not None and user.pk == person.pk)


rules.add_perm("accounts.change_profile", is_same_person | is_officer)
rules.add_perm("accounts.confirm_affiliation", is_officer)


@rules.predicate
def can_apply(user) -> bool:
    """May this person apply for samples? They need a confirmed institution and the applicant role.

    The programs app checks this before letting anyone start an application.
    """
    return bool(has_confirmed_institution(user) and user.has_role(Role.APPLICANT))


rules.add_perm("accounts.apply", can_apply)
rules.add_perm("accounts.manage_people", is_officer)


# --- Four eyes on power roles ----------------------------------------------------------------

@rules.predicate
def is_not_the_requester_nor_the_person(user, grant_request) -> bool:
    """A role request is decided by a second officer: not the one who asked, not the person."""
    return grant_request is not None and user.pk not in (grant_request.requested_by_id, grant_request.user_id)


@rules.predicate
def is_the_requester(user, grant_request) -> bool:
    return grant_request is not None and user.pk == grant_request.requested_by_id


@rules.predicate
def is_someone_else(user, person) -> bool:
    return person is not None and user.pk != person.pk


@rules.predicate
def is_oneself(user, person) -> bool:
    return person is not None and user.pk == person.pk


rules.add_perm("accounts.request_role_grant", is_officer & is_someone_else)
rules.add_perm("accounts.approve_role_grant", is_officer & is_not_the_requester_nor_the_person)
rules.add_perm("accounts.cancel_role_grant", is_officer & is_the_requester)
rules.add_perm("accounts.revoke_role", is_officer)
rules.add_perm("accounts.deactivate_user", is_officer & is_someone_else)
# People manage their own API tokens; an officer may revoke anyone's (e.g. a lost laptop).
rules.add_perm("accounts.manage_tokens", is_oneself | is_officer)
# A password is set by its owner, or by an officer (e.g. in the Django admin); the tokens die with it.
rules.add_perm("accounts.set_password", is_oneself | is_officer)
