"""State changes for people, roles and institutions. Every function writes one audit event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.errors import ConflictError, PermissionDeniedError, ValidationFailed, check_transition

from .models import AffiliationRequest, Institution, Role, RoleGrant, User
from .rules import is_officer


def _require_officer(actor: User) -> None:
    if not is_officer(actor):
        raise PermissionDeniedError(_("Only programme officers may do this."))


def role_grant(*, actor: User | None, user: User, role: str) -> RoleGrant:
    """Give ``user`` a role. Officers grant any role; anyone may hold ``applicant``.

    ``actor=None`` is the system itself (``adduser`` run by an operator, the demo).
    """
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role “%(role)s”.") % {"role": role})
    if actor is not None and role != Role.APPLICANT:
        _require_officer(actor)
    with transaction.atomic():
        grant, created = RoleGrant.objects.get_or_create(user=user, role=role, defaults={"granted_by": actor})
        if created:
            audit.record(actor=actor, verb="user.role_granted", obj=user, data={"role": role})
    user.__dict__.pop("_role_cache", None)
    return grant


def role_revoke(*, actor: User, user: User, role: str) -> None:
    _require_officer(actor)
    with transaction.atomic():
        deleted, _rows = RoleGrant.objects.filter(user=user, role=role).delete()
        if deleted:
            audit.record(actor=actor, verb="user.role_revoked", obj=user, data={"role": role})
    user.__dict__.pop("_role_cache", None)


def institution_create(*, actor: User | None, name_en: str, country: str, kind: str = Institution.Kind.UNIVERSITY,
                       name_zh: str = "", ror_id: str = "", city: str = "", confirmed: bool = True) -> Institution:
    from .validators import normalize_ror

    if ror_id:
        try:
            ror_id = normalize_ror(ror_id)
        except Exception as exc:  # ValidationError -> domain error with the same message
            raise ValidationFailed(exc.messages[0]) from None
        if Institution.objects.filter(ror_id=ror_id).exists():
            raise ConflictError(_("An institution with ROR id %(ror)s already exists.") % {"ror": ror_id})
    if not name_en.strip():
        raise ValidationFailed(_("An institution needs a name."))
    with transaction.atomic():
        institution = Institution.objects.create(
            name_en=name_en.strip(), name_zh=name_zh.strip(), country=country, kind=kind, ror_id=ror_id,
            city=city, confirmed=confirmed,
        )
        audit.record(actor=actor, verb="institution.created", obj=institution,
                     data={"name_en": institution.name_en, "country": str(country), "ror_id": ror_id})
    return institution


def affiliation_request(*, actor: User, institution: Institution | None = None, proposed_name: str = "",
                        proposed_country: str = "", proposed_ror_id: str = "") -> AffiliationRequest:
    if (institution is None) == (not proposed_name.strip()):
        raise ValidationFailed(_("Choose an institution or propose a new one (not both)."))
    if proposed_name and not proposed_country:
        raise ValidationFailed(_("A proposed institution needs a country."))
    if AffiliationRequest.objects.filter(user=actor, status=AffiliationRequest.Status.PENDING).exists():
        raise ConflictError(_("You already have an affiliation request waiting for an officer."))
    with transaction.atomic():
        request = AffiliationRequest.objects.create(
            user=actor, institution=institution, proposed_name=proposed_name.strip(),
            proposed_country=proposed_country, proposed_ror_id=proposed_ror_id,
        )
        audit.record(actor=actor, verb="affiliation.requested", obj=request,
                     data={"institution": getattr(institution, "pk", None), "proposed_name": proposed_name})
    return request


def affiliation_confirm(*, actor: User, request: AffiliationRequest, note: str = "") -> AffiliationRequest:
    """Confirm: the person becomes a member (a proposed institution is created first)."""
    _require_officer(actor)
    with transaction.atomic():
        request = AffiliationRequest.objects.select_for_update().get(pk=request.pk)
        check_transition(AffiliationRequest.TRANSITIONS, request.status, AffiliationRequest.Status.CONFIRMED,
                         what=_("An affiliation request"))
        institution = request.institution or institution_create(
            actor=actor, name_en=request.proposed_name, country=str(request.proposed_country),
            ror_id=request.proposed_ror_id,
        )
        request.institution = institution
        request.status = AffiliationRequest.Status.CONFIRMED
        request.decided_by, request.decided_at, request.note = actor, timezone.now(), note
        request.save(update_fields=["institution", "status", "decided_by", "decided_at", "note"])
        user = request.user
        old = user.institution_id
        user.institution = institution
        user.save(update_fields=["institution"])
        audit.record(actor=actor, verb="affiliation.confirmed", obj=request,
                     data={"user": user.pk, "institution": institution.pk, "old_institution": old})
        if not user.has_role(Role.APPLICANT):
            role_grant(actor=actor, user=user, role=Role.APPLICANT)
    return request


def affiliation_reject(*, actor: User, request: AffiliationRequest, note: str) -> AffiliationRequest:
    _require_officer(actor)
    if not note.strip():
        raise ValidationFailed(_("Say why the request is rejected."))
    with transaction.atomic():
        request = AffiliationRequest.objects.select_for_update().get(pk=request.pk)
        check_transition(AffiliationRequest.TRANSITIONS, request.status, AffiliationRequest.Status.REJECTED,
                         what=_("An affiliation request"))
        request.status = AffiliationRequest.Status.REJECTED
        request.decided_by, request.decided_at, request.note = actor, timezone.now(), note
        request.save(update_fields=["status", "decided_by", "decided_at", "note"])
        audit.record(actor=actor, verb="affiliation.rejected", obj=request, data={"note": note})
    return request
