"""State changes for people, roles and institutions. Every function writes one audit event.

``actor=None`` means the system itself: an operator running ``lunarshare adduser`` or the
demo loader. Web pages and the API always pass the signed-in person.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from lunarshare import audit
from lunarshare.errors import ConflictError, PermissionDeniedError, ValidationFailed, check_transition
from lunarshare.permissions import require

from .authentication import password_fingerprint
from .models import (
    POWER_ROLES,
    AffiliationRequest,
    ApiToken,
    Institution,
    Notification,
    Role,
    RoleGrant,
    RoleGrantRequest,
    User,
)
from .notify import notify_on_commit
from .rules import is_officer
from .validators import normalize_orcid, normalize_ror

MAX_EXPERTISE_TAGS = 20


def _require_officer(actor: User | None) -> None:
    require(actor, "accounts.manage_people", message=_("Only programme officers may do this."))


def _require_perm(actor: User | None, perm: str, obj, message=None) -> None:
    """The rules predicate ``perm`` must hold for ``actor`` (superusers get no exception)."""
    if actor is None or not actor.is_authenticated or not rules.has_perm(perm, actor, obj):
        raise PermissionDeniedError(message or _("You may not do this."))


def _clean_ror(value: str) -> str:
    if not (value or "").strip():
        return ""
    try:
        return normalize_ror(value)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], field="ror_id") from None


def _clean_country(value: str) -> str:
    code = (str(value or "")).strip().upper()
    if code not in dict(countries):
        raise ValidationFailed(_("“%(value)s” is not an ISO 3166 country code.") % {"value": value}, field="country")
    return code


# --- Users ----------------------------------------------------------------------------------

def user_create(*, actor: User | None, username: str, email: str = "", password: str | None = None,
                institution: Institution | None = None, display_name: str = "",
                email_verified: bool = False) -> User:
    """Create an account directly (operators, officers). Self sign-up goes through allauth."""
    if actor is not None:
        _require_officer(actor)
    username = (username or "").strip()
    if not username:
        raise ValidationFailed(_("A user needs a username."), field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ConflictError(_("A user named “%(username)s” already exists.") % {"username": username}, field="username")
    email = (email or "").strip()
    if email and User.objects.filter(email__iexact=email).exists():
        raise ConflictError(_("Another account already uses the e-mail address %(email)s.") % {"email": email},
                            field="email")
    with transaction.atomic():
        user = User(username=username, email=email, institution=institution, display_name=display_name.strip(),
                    verified_by_administrator=bool(email_verified and actor is None))
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        if email:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
        audit.record(actor=actor, verb="user.created", obj=user,
                     data={"username": username, "email": email, "institution": getattr(institution, "pk", None),
                           "email_verified": bool(email and email_verified),
                           "verified_by_administrator": user.verified_by_administrator})
    return user


def user_update_profile(*, actor: User, user: User, display_name: str | None = None, orcid: str | None = None,
                        expertise: list[str] | None = None, preferred_language: str | None = None) -> User:
    """Change what a person says about themselves. Only the person (or an officer) may."""
    require(actor, "accounts.change_profile", user, message=_("You may only change your own profile."))
    changes: dict[str, object] = {}
    if display_name is not None:
        changes["display_name"] = display_name.strip()[:200]
    if orcid is not None:
        if orcid.strip():
            try:
                changes["orcid"] = normalize_orcid(orcid)
            except ValidationError as exc:
                raise ValidationFailed(exc.messages[0], field="orcid") from None
        else:
            changes["orcid"] = ""
    if expertise is not None:
        tags: list[str] = []
        for tag in expertise:
            tag = " ".join(str(tag).split()).lower()[:60]
            if tag and tag not in tags:
                tags.append(tag)
        if len(tags) > MAX_EXPERTISE_TAGS:
            raise ValidationFailed(_("Give at most %(n)d expertise tags.") % {"n": MAX_EXPERTISE_TAGS}, field="expertise")
        changes["expertise"] = tags
    if preferred_language is not None:
        if preferred_language and preferred_language not in dict(settings.LANGUAGES):
            raise ValidationFailed(_("Unknown language."), field="preferred_language")
        changes["preferred_language"] = preferred_language
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        diff = {field: {"old": getattr(user, field), "new": value}
                for field, value in changes.items() if getattr(user, field) != value}
        if not diff:
            return user
        for field in diff:
            setattr(user, field, changes[field])
        user.save(update_fields=list(diff))
        audit.record(actor=actor, verb="user.profile_updated", obj=user, data=diff)
    return user


# --- Roles ----------------------------------------------------------------------------------

def role_grant(*, actor: User | None, user: User, role: str) -> RoleGrant:
    """Give ``user`` a role. Officers grant ``applicant`` and ``reviewer``; nobody else grants
    anything but ``applicant`` and only to themselves. Power roles (officer, curator, committee,
    auditor) need :func:`role_grant_request` and :func:`role_grant_approve` by two officers; only
    the system (``actor=None``: ``lunarshare adduser``, the demo) grants them directly.
    Granting a role the user holds changes nothing.
    """
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role “%(role)s”.") % {"role": role}, field="role")
    if actor is not None and not is_officer(actor) and (role != Role.APPLICANT or actor.pk != user.pk):
        raise PermissionDeniedError(_("Only programme officers may grant roles."))
    if actor is not None and role in POWER_ROLES:
        raise PermissionDeniedError(
            _("The role “%(role)s” is granted by two officers: one requests it, another approves it.")
            % {"role": Role(role).label}, code="four_eyes_required")
    return _grant(actor=actor, user=user, role=role)


def _grant(*, actor: User | None, user: User, role: str, data: dict | None = None) -> RoleGrant:
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(user=user, role=role, defaults={"granted_by": actor})
        if created:
            audit.record(actor=actor, verb="user.role_granted", obj=user, data={"role": role, **(data or {})})
        if created and actor is not None and role != Role.APPLICANT:
            notify_on_commit(
                [user], verb="user.role_granted",
                title=_("You now hold the role “%(role)s” in LunarShare") % {"role": Role(role).label},
                body=_("A programme officer gave you this role."), url=reverse("accounts:profile"),
            )
    user.__dict__.pop("_role_cache", None)
    return grant


def role_revoke(*, actor: User | None, user: User, role: str) -> None:
    """Take a role away. One officer suffices (it removes power); the person's API tokens die
    with it and their sessions lose the role on their next request (roles are read per request).
    """
    if actor is not None:
        _require_perm(actor, "accounts.revoke_role", None, _("Only programme officers may do this."))
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role “%(role)s”.") % {"role": role}, field="role")
    if actor is not None and actor.pk == user.pk and role == Role.OFFICER:
        raise ConflictError(_("You cannot take away your own officer role; ask another officer."))
    with transaction.atomic():
        grant = RoleGrant.objects.select_for_update().filter(user=user, role=role).first()
        if grant is None:
            raise ConflictError(_("%(user)s does not hold the role “%(role)s”.") % {"user": user, "role": Role(role).label})
        grant.delete()
        audit.record(actor=actor, verb="user.role_revoked", obj=user,
                     data={"role": role, "granted_by": grant.granted_by_id, "granted_at": grant.granted_at})
        _revoke_tokens(actor=actor, user=user, reason="role_revoked")
    user.__dict__.pop("_role_cache", None)


# --- Institutions ---------------------------------------------------------------------------

def institution_create(*, actor: User | None, name_en: str, country: str, kind: str = Institution.Kind.UNIVERSITY,
                       name_zh: str = "", ror_id: str = "", city: str = "", confirmed: bool = True) -> Institution:
    """Register an institution. Officers (or the system) only; people propose one through
    :func:`affiliation_request` instead."""
    if actor is not None:
        _require_officer(actor)
    if not (name_en or "").strip():
        raise ValidationFailed(_("An institution needs a name."), field="name_en")
    country = _clean_country(country)
    if kind not in Institution.Kind.values:
        raise ValidationFailed(_("Unknown kind of institution."), field="kind")
    ror_id = _clean_ror(ror_id)
    with transaction.atomic():
        if ror_id and Institution.objects.filter(ror_id=ror_id).exists():
            raise ConflictError(_("An institution with ROR id %(ror)s already exists.") % {"ror": ror_id}, field="ror_id")
        institution = Institution.objects.create(
            name_en=name_en.strip(), name_zh=name_zh.strip(), country=country, kind=kind, ror_id=ror_id,
            city=city.strip(), confirmed=confirmed,
        )
        audit.record(actor=actor, verb="institution.created", obj=institution,
                     data={"name_en": institution.name_en, "country": country, "kind": kind, "ror_id": ror_id})
    return institution


# --- Affiliations ---------------------------------------------------------------------------

def affiliation_request(*, actor: User, institution: Institution | None = None, proposed_name: str = "",
                        proposed_country: str = "", proposed_ror_id: str = "") -> AffiliationRequest:
    """A person asks to belong to a confirmed institution, or proposes a new one."""
    require(actor, "accounts.signed_in", message=_("Log in to ask for an affiliation."))
    proposed_name = (proposed_name or "").strip()
    if (institution is None) == (not proposed_name):
        raise ValidationFailed(_("Choose an institution or propose a new one (not both)."))
    if institution is not None and not institution.confirmed:
        raise ValidationFailed(_("That institution has not been confirmed yet; choose another or propose it."),
                               field="institution")
    if institution is not None and institution.pk == actor.institution_id:
        raise ConflictError(_("You are already affiliated with %(institution)s.") % {"institution": institution})
    if proposed_name:
        if not proposed_country:
            raise ValidationFailed(_("A proposed institution needs a country."), field="proposed_country")
        proposed_country = _clean_country(proposed_country)
        proposed_ror_id = _clean_ror(proposed_ror_id)
        existing = Institution.objects.filter(ror_id=proposed_ror_id).first() if proposed_ror_id else None
        if existing is not None:
            raise ConflictError(_("%(institution)s already has ROR id %(ror)s: choose it from the list.")
                                % {"institution": existing, "ror": proposed_ror_id}, field="proposed_ror_id")
    else:
        proposed_country, proposed_ror_id = "", ""
    with transaction.atomic():
        # Lock the person so two submissions at once cannot both pass the "one pending" check.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        if AffiliationRequest.objects.filter(user=actor, status=AffiliationRequest.Status.PENDING).exists():
            raise ConflictError(_("You already have an affiliation request waiting for an officer."))
        request = AffiliationRequest.objects.create(
            user=actor, institution=institution, proposed_name=proposed_name,
            proposed_country=proposed_country, proposed_ror_id=proposed_ror_id,
        )
        audit.record(actor=actor, verb="affiliation.requested", obj=request,
                     data={"institution": getattr(institution, "pk", None), "proposed_name": proposed_name,
                           "proposed_country": proposed_country, "proposed_ror_id": proposed_ror_id})
        officers = User.objects.filter(role_grants__role=Role.OFFICER, is_active=True)
        notify_on_commit(
            officers, verb="affiliation.requested",
            title=_("%(user)s asks to be affiliated with %(institution)s")
            % {"user": actor, "institution": institution or proposed_name},
            url=reverse("accounts:officer-people"),
        )
    return request


def affiliation_confirm(*, actor: User, request: AffiliationRequest, note: str = "") -> AffiliationRequest:
    """Confirm: the person becomes a member (a proposed institution is created first) and
    may apply (they are given the applicant role if they lack it)."""
    _require_officer(actor)
    with transaction.atomic():
        request = AffiliationRequest.objects.select_for_update().get(pk=request.pk)
        check_transition(AffiliationRequest.TRANSITIONS, request.status, AffiliationRequest.Status.CONFIRMED,
                         what=_("An affiliation request"))
        institution = request.institution or institution_create(
            actor=actor, name_en=request.proposed_name, country=str(request.proposed_country),
            ror_id=request.proposed_ror_id, kind=Institution.Kind.OTHER,
        )
        request.institution = institution
        request.status = AffiliationRequest.Status.CONFIRMED
        request.decided_by, request.decided_at, request.note = actor, timezone.now(), note.strip()
        request.save(update_fields=["institution", "status", "decided_by", "decided_at", "note"])
        user = User.objects.select_for_update().get(pk=request.user_id)
        old = user.institution_id
        user.institution = institution
        user.save(update_fields=["institution"])
        audit.record(actor=actor, verb="affiliation.confirmed", obj=request,
                     data={"user": user.pk, "institution": institution.pk, "old_institution": old})
        if not user.has_role(Role.APPLICANT):
            role_grant(actor=actor, user=user, role=Role.APPLICANT)
        notify_on_commit(
            [user], verb="affiliation.confirmed",
            title=_("Your affiliation with %(institution)s is confirmed") % {"institution": institution},
            body=_("You may now apply for lunar samples."), url=reverse("accounts:affiliation"),
        )
    request.user = user
    return request


def affiliation_reject(*, actor: User, request: AffiliationRequest, note: str) -> AffiliationRequest:
    _require_officer(actor)
    if not (note or "").strip():
        raise ValidationFailed(_("Say why the request is rejected."), field="note")
    with transaction.atomic():
        request = AffiliationRequest.objects.select_for_update().get(pk=request.pk)
        check_transition(AffiliationRequest.TRANSITIONS, request.status, AffiliationRequest.Status.REJECTED,
                         what=_("An affiliation request"))
        request.status = AffiliationRequest.Status.REJECTED
        request.decided_by, request.decided_at, request.note = actor, timezone.now(), note.strip()
        request.save(update_fields=["status", "decided_by", "decided_at", "note"])
        audit.record(actor=actor, verb="affiliation.rejected", obj=request, data={"note": request.note})
        notify_on_commit(
            [request.user_id], verb="affiliation.rejected",
            title=gettext_lazy("Your affiliation request was not confirmed"),
            body=request.note, url=reverse("accounts:affiliation"),
        )
    return request


# --- Notifications --------------------------------------------------------------------------

def notification_mark_read(*, actor: User, notification_ids: list[int] | None = None) -> int:
    """Mark the actor's notifications read (all unread ones when ``notification_ids`` is None).

    Returns how many changed. One audit event per call (not per notification).
    """
    require(actor, "accounts.signed_in", message=_("Log in to read your notifications."))
    with transaction.atomic():
        unread = Notification.objects.filter(user=actor, read_at__isnull=True)
        if notification_ids is not None:
            unread = unread.filter(pk__in=notification_ids)
        ids = list(unread.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
        audit.record(actor=actor, verb="notification.read", obj=actor, data={"notifications": ids})
    return len(ids)


# --- Four eyes on power roles ---------------------------------------------------------------

def role_grant_request(*, actor: User, user: User, role: str, reason: str) -> RoleGrantRequest:
    """An officer asks that ``user`` be given a power role; another officer must approve it.
    Nobody asks for themselves; one open request per person and role."""
    if role not in POWER_ROLES:
        raise ValidationFailed(_("Only the roles officer, curator, committee member and auditor are requested; "
                                 "grant other roles directly."), field="role")
    _require_perm(actor, "accounts.request_role_grant", user,
                  _("Only programme officers may ask for a role, and never for themselves."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why this person needs the role."), field="reason")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if RoleGrant.objects.filter(user=user, role=role).exists():
            raise ConflictError(_("%(user)s already holds the role “%(role)s”.") % {"user": user, "role": Role(role).label})
        if RoleGrantRequest.objects.filter(user=user, role=role, status=RoleGrantRequest.Status.REQUESTED).exists():
            raise ConflictError(_("A request for this role is already waiting for a second officer."))
        grant_request = RoleGrantRequest.objects.create(user=user, role=role, reason=reason[:2000], requested_by=actor)
        audit.record(actor=actor, verb="user.role_grant_requested", obj=user,
                     data={"request": grant_request.pk, "role": role, "reason": grant_request.reason})
        others = User.objects.filter(role_grants__role=Role.OFFICER, is_active=True).exclude(pk__in=[actor.pk, user.pk])
        notify_on_commit(
            others, verb="user.role_grant_requested",
            title=_("%(officer)s asks that %(user)s become “%(role)s”: a second officer must decide")
            % {"officer": actor, "user": user, "role": Role(role).label},
            url=reverse("accounts:role-requests"),
        )
    return grant_request


def _decide(*, actor: User, grant_request: RoleGrantRequest, status: str, perm: str, note: str) -> RoleGrantRequest:
    """Lock the request, check the transition and ``perm``, record the decision (not audited here)."""
    with transaction.atomic():
        grant_request = RoleGrantRequest.objects.select_for_update().select_related("user").get(pk=grant_request.pk)
        _require_perm(actor, perm, grant_request,
                      _("A second programme officer decides: not the one who asked, not the person concerned."))
        check_transition(RoleGrantRequest.TRANSITIONS, grant_request.status, status, what=_("A role request"))
        grant_request.status, grant_request.decided_by = status, actor
        grant_request.decided_at, grant_request.note = timezone.now(), (note or "").strip()[:2000]
        grant_request.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return grant_request


def role_grant_approve(*, actor: User, grant_request: RoleGrantRequest, note: str = "") -> RoleGrant:
    """A second officer approves: the role is granted (one audit event naming both officers)."""
    with transaction.atomic():
        grant_request = _decide(actor=actor, grant_request=grant_request, status=RoleGrantRequest.Status.APPROVED,
                                perm="accounts.approve_role_grant", note=note)
        if RoleGrant.objects.filter(user=grant_request.user, role=grant_request.role).exists():
            raise ConflictError(_("%(user)s already holds the role “%(role)s”.")
                                % {"user": grant_request.user, "role": Role(grant_request.role).label})
        grant = _grant(actor=actor, user=grant_request.user, role=grant_request.role,
                       data={"request": grant_request.pk, "requested_by": grant_request.requested_by_id,
                             "approved_by": actor.pk})
    return grant


def role_grant_reject(*, actor: User, grant_request: RoleGrantRequest, note: str) -> RoleGrantRequest:
    if not (note or "").strip():
        raise ValidationFailed(_("Say why the request is rejected."), field="note")
    with transaction.atomic():
        grant_request = _decide(actor=actor, grant_request=grant_request, status=RoleGrantRequest.Status.REJECTED,
                                perm="accounts.approve_role_grant", note=note)
        audit.record(actor=actor, verb="user.role_grant_rejected", obj=grant_request.user,
                     data={"request": grant_request.pk, "role": grant_request.role, "note": grant_request.note})
    return grant_request


def role_grant_cancel(*, actor: User, grant_request: RoleGrantRequest) -> RoleGrantRequest:
    """The officer who asked withdraws the request."""
    with transaction.atomic():
        grant_request = _decide(actor=actor, grant_request=grant_request, status=RoleGrantRequest.Status.CANCELLED,
                                perm="accounts.cancel_role_grant", note="")
        audit.record(actor=actor, verb="user.role_grant_cancelled", obj=grant_request.user,
                     data={"request": grant_request.pk, "role": grant_request.role})
    return grant_request


# --- API tokens and account state -----------------------------------------------------------

MAX_TOKEN_NAME = 100


def token_create(*, actor: User, name: str, second_factor: bool) -> tuple[ApiToken, str]:
    """Issue an API token to ``actor`` (who has just proven who they are). Returns the row and
    the key; the key is shown once and never stored (knox keeps its SHA-512 digest)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDeniedError(_("Log in to get an API token."))
    name = " ".join((name or "").split())[:MAX_TOKEN_NAME] or _("API token")
    limit = settings.REST_KNOX.get("TOKEN_LIMIT_PER_USER")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=actor.pk).first()
        live = ApiToken.objects.filter(user=actor, expiry__gt=timezone.now())
        if limit and live.count() >= limit:
            raise ConflictError(_("You already have %(n)d API tokens; revoke one you no longer use first.")
                                % {"n": limit}, code="too_many_tokens")
        token, key = ApiToken.objects.create(user=actor, name=name, second_factor=second_factor,
                                             password_fingerprint=password_fingerprint(actor))
        audit.record(actor=actor, verb="user.token_created", obj=actor,
                     data={"token": token.pk, "name": name, "expiry": token.expiry,
                           "second_factor": second_factor})
    return token, key


def token_revoke(*, actor: User, token: ApiToken) -> None:
    """Delete one token: its owner, or an officer (e.g. for a lost laptop)."""
    _require_perm(actor, "accounts.manage_tokens", token.user, _("This token is not yours."))
    with transaction.atomic():
        deleted, _rows = ApiToken.objects.filter(pk=token.pk).delete()
        if not deleted:
            raise ConflictError(_("This token was already revoked."))
        audit.record(actor=actor, verb="user.token_revoked", obj=token.user,
                     data={"token": token.pk, "name": token.name})


def _revoke_tokens(*, actor: User | None, user: User, reason: str, **which) -> int:
    """Delete every token of ``user`` (or those matching ``which``), inside the caller's
    transaction; audited when any existed."""
    ids = list(ApiToken.objects.filter(user=user, **which).values_list("pk", flat=True))
    if ids:
        ApiToken.objects.filter(pk__in=ids).delete()
        audit.record(actor=actor, verb="user.tokens_revoked", obj=user, data={"tokens": ids, "reason": reason})
    return len(ids)


def token_revoke_all(*, actor: User | None, user: User, reason: str) -> int:
    """Every token of ``user`` dies: password changed or reset (``actor`` is the person), or an
    officer or the system cleaning up. Returns how many."""
    if actor is not None:
        _require_perm(actor, "accounts.manage_tokens", user, _("These tokens are not yours."))
    with transaction.atomic():
        return _revoke_tokens(actor=actor, user=user, reason=reason)


def user_set_password(*, actor: User, user: User, password: str | None) -> User:
    """Set ``user``'s password (``None``: no password, the person signs in otherwise): the
    person themself or an officer, e.g. in the Django admin. The password is not in the audit
    event; every API token of the person dies at once (:func:`token_revoke_all`)."""
    _require_perm(actor, "accounts.set_password", user, _("Only programme officers may set another person's password."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
        audit.record(actor=actor, verb="user.password_changed", obj=user, data={"usable": bool(password)})
        token_revoke_all(actor=actor, user=user, reason="password_changed")
    return user


def token_revoke_second_factor(*, actor: User | None, user: User) -> int:
    """The person removed their authenticator: the tokens issued with a code relied on a second
    factor the account no longer has, so they die (one audit event). Returns how many."""
    if actor is not None:
        _require_perm(actor, "accounts.manage_tokens", user, _("These tokens are not yours."))
    with transaction.atomic():
        return _revoke_tokens(actor=actor, user=user, reason="second_factor_removed", second_factor=True)


def user_deactivate(*, actor: User | None, user: User, reason: str = "") -> User:
    """Close an account: it can no longer sign in and its API tokens die. Officers (not for
    themselves) or the system."""
    if actor is not None:
        _require_perm(actor, "accounts.deactivate_user", user,
                      _("Only programme officers may close accounts, and not their own."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise ConflictError(_("This account is already closed."))
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit.record(actor=actor, verb="user.deactivated", obj=user, data={"reason": (reason or "").strip()[:500]})
        _revoke_tokens(actor=actor, user=user, reason="deactivated")
    return user
