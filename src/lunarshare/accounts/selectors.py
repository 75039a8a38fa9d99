"""Reads of the accounts app: institutions, people with their roles, pending affiliations."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from lunarshare.errors import NotFoundError, PermissionDeniedError

from .models import AffiliationRequest, Institution, Notification, RoleGrant, User
from .rules import is_officer


def institution_list(*, country: str = "", kind: str = "", search: str = "", confirmed_only: bool = True) -> QuerySet:
    queryset = Institution.objects.all()
    if confirmed_only:
        queryset = queryset.filter(confirmed=True)
    if country:
        queryset = queryset.filter(country=country.upper())
    if kind:
        queryset = queryset.filter(kind=kind)
    if search:
        queryset = queryset.filter(institution_search_q(search))
    return queryset.order_by("name_en")


def institution_search_q(search: str) -> Q:
    """Part of the English or Chinese name or the city, or the exact ROR id."""
    search = search.strip()
    return (Q(name_en__icontains=search) | Q(name_zh__icontains=search) | Q(city__icontains=search)
            | Q(ror_id__iexact=search.removeprefix("https://ror.org/")))


def people_with_roles(*, search: str = "", role: str = "") -> QuerySet:
    """Everyone, with their institution and role grants loaded in two queries."""
    queryset = User.objects.select_related("institution").prefetch_related(
        Prefetch("role_grants", queryset=RoleGrant.objects.order_by("role"))
    )
    if search:
        queryset = queryset.filter(
            Q(username__icontains=search) | Q(display_name__icontains=search) | Q(email__icontains=search)
            | Q(institution__name_en__icontains=search)
        )
    if role:
        queryset = queryset.filter(role_grants__role=role)
    return queryset.order_by("username").distinct()


def pending_affiliation_requests() -> QuerySet:
    return (AffiliationRequest.objects.filter(status=AffiliationRequest.Status.PENDING)
            .select_related("user", "institution", "user__institution").order_by("created_at"))


def affiliation_request_get_for_user(user: User, pk) -> AffiliationRequest:
    """An affiliation request the user may act on: officers see all, people their own."""
    request = AffiliationRequest.objects.select_related("user", "institution").filter(pk=pk).first()
    if request is None:
        raise NotFoundError(_("There is no such affiliation request."))
    if request.user_id != user.pk and not is_officer(user):
        raise PermissionDeniedError(_("This affiliation request is not yours."))
    return request


def person_get_for_officer(user: User, pk) -> User:
    if not is_officer(user):
        raise PermissionDeniedError(_("Only programme officers may do this."))
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise NotFoundError(_("There is no such person."))
    return person


def latest_affiliation_request(user: User) -> AffiliationRequest | None:
    return AffiliationRequest.objects.filter(user=user).select_related("institution").order_by("-created_at").first()


def unread_notification_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def token_list_for(user: User) -> QuerySet:
    """The person's tokens that still work (expired ones are left for knox to delete)."""
    from django.utils import timezone

    from .models import ApiToken

    return ApiToken.objects.filter(user=user).filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))


def role_requests(*, status: str = "requested", user: User | None = None) -> QuerySet:
    from .models import RoleGrantRequest

    queryset = RoleGrantRequest.objects.select_related("user", "requested_by", "decided_by")
    if status:
        queryset = queryset.filter(status=status)
    if user is not None:
        queryset = queryset.filter(user=user)
    return queryset.order_by("-requested_at")


def role_request_get_for_officer(user: User, pk):
    """Officers see every role request; anyone else is told there is none (404, never 403)."""
    from .models import RoleGrantRequest

    grant_request = RoleGrantRequest.objects.select_related("user").filter(pk=pk).first() if is_officer(user) else None
    if grant_request is None:
        raise NotFoundError(_("There is no such role request."))
    return grant_request
