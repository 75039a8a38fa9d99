from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS

from lunarshare.language import pick

from .validators import validate_orcid, validate_ror


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    REVIEWER = "reviewer", _("Reviewer")
    COMMITTEE = "committee", _("Committee member")
    CURATOR = "curator", _("Curator")
    OFFICER = "officer", _("Programme officer")
    AUDITOR = "auditor", _("Auditor")


# Roles whose holders must use two-factor authentication when LUNARSHARE_REQUIRE_2FA_FOR_STAFF is on.
ROLES_REQUIRING_2FA = frozenset({Role.CURATOR, Role.OFFICER, Role.COMMITTEE})


class BilingualNameMixin(models.Model):
    """``name_en`` and ``name_zh``; ``name`` shows the active language and falls back to the other."""

    name_en = models.CharField(_("name (English)"), max_length=255)
    name_zh = models.CharField(_("name (Chinese)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return pick(self, "name")

    def __str__(self) -> str:
        return self.name


class Institution(BilingualNameMixin):
    """A university, institute, agency or museum that applies for, borrows or keeps material.

    ``ror_id`` is the bare 9-character ROR identifier (checksum validated), unique when given;
    ``country`` is an ISO 3166-1 alpha-2 code. ``confirmed`` is false for institutions proposed
    by people signing up until an officer confirms them.
    """

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Research institute")
        AGENCY = "agency", _("Space agency")
        MUSEUM = "museum", _("Museum")
        OTHER = "other", _("Other")

    ror_id = models.CharField(_("ROR id"), max_length=9, blank=True, validators=[validate_ror])
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.UNIVERSITY)
    city = models.CharField(_("city"), max_length=120, blank=True)
    website = models.URLField(_("website"), blank=True)
    confirmed = models.BooleanField(_("confirmed"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_en"]
        constraints = [
            models.UniqueConstraint(fields=["ror_id"], condition=~models.Q(ror_id=""), name="institution_unique_ror"),
        ]
        verbose_name = _("institution")


class User(AbstractUser):
    """A person. Roles are held through :class:`RoleGrant` rows (a person may hold several).

    ``institution`` is the confirmed affiliation (set only by an officer confirming an
    :class:`AffiliationRequest` or by ``adduser``); ``orcid`` is the bare ORCID iD.
    """

    display_name = models.CharField(_("name"), max_length=200, blank=True)
    orcid = models.CharField(_("ORCID iD"), max_length=19, blank=True, validators=[validate_orcid])
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="members", verbose_name=_("institution")
    )
    expertise = models.JSONField(_("expertise tags"), default=list, blank=True)
    preferred_language = models.CharField(max_length=10, blank=True)
    # Set for accounts an operator created and vouched for (``lunarshare adduser``): they count as
    # verified even without an e-mail address (self sign-up always confirms an address instead).
    verified_by_administrator = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("user")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def role_set(self) -> frozenset[str]:
        """The user's roles, read once per request object and cached on it."""
        if not self.is_authenticated or not self.pk:
            return frozenset()
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="rolegrant_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class AffiliationRequest(models.Model):
    """A person asks to be affiliated with an institution, or proposes a new one.

    Exactly one of ``institution`` and ``proposed_name`` is set. An officer confirms (the
    user's ``institution`` is set; a proposed institution is created) or rejects it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    TRANSITIONS = {Status.PENDING: {Status.CONFIRMED, Status.REJECTED}}

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="affiliation_requests")
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT)
    proposed_name = models.CharField(_("proposed institution"), max_length=255, blank=True)
    proposed_country = CountryField(_("country"), blank=True)
    proposed_ror_id = models.CharField(_("ROR id"), max_length=9, blank=True, validators=[validate_ror])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class Notification(models.Model):
    """An in-app notice for one person (the same text is also e-mailed)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    verb = models.CharField(max_length=100)
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.title


# Roles that give power over the collection, the programme or its records: granting one needs a
# request by one programme officer and an approval by another (see services.role_grant_request).
POWER_ROLES = frozenset({Role.OFFICER, Role.CURATOR, Role.COMMITTEE, Role.AUDITOR})


class RoleGrantRequest(models.Model):
    """One officer asks that ``user`` be given a power role; a different officer decides.

    ``requested_by`` and ``decided_by`` are never the same person and never ``user``. Only the
    services in ``accounts.services`` assign ``status``; an approved request created the
    matching :class:`RoleGrant`.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Waiting for a second officer")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {Status.REQUESTED: {Status.APPROVED, Status.REJECTED, Status.CANCELLED}}

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grant_requests")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], condition=models.Q(status="requested"),
                                    name="rolegrantrequest_one_open_per_role"),
            models.CheckConstraint(condition=~models.Q(requested_by=models.F("user")),
                                   name="rolegrantrequest_not_for_oneself"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.get_status_display()}"


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox model, ``KNOX_TOKEN_MODEL``): only the SHA-512 ``digest``
    of the key is stored, plus its first characters (``token_key``) to find it.

    ``name`` is what its owner calls it; ``expiry`` comes from ``LUNARSHARE_API_TOKEN_TTL_DAYS``.
    ``second_factor`` records that a TOTP or recovery code was given when it was issued.
    ``password_fingerprint`` ties it to the password of the day: a password changed by any
    path (pages, admin, command line) invalidates it even before the services delete it.
    """

    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    name = models.CharField(_("name"), max_length=100)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    second_factor = models.BooleanField(default=False)
    password_fingerprint = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"
