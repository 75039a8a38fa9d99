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
