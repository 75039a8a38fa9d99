from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lunarshare.accounts.models import BilingualNameMixin, Institution
from lunarshare.language import local
from lunarshare.mass import format_mass


class Mission(BilingualNameMixin):
    """A sample-return mission (``A11`` … ``A17``, ``L16`` ``L20`` ``L24``, ``CE5``, ``CE6``).

    ``id_convention`` decides how new split identifiers are formed (see ``identifiers.py``).
    ``returned_mass_ug`` is the mission's returned mass as published; ``returned_mass_is_rounded``
    says whether that publication rounded it (the Apollo figures are in whole kg).
    ``landing_date`` is the touchdown on the Moon, ``return_date`` the capsule's landing on Earth;
    ``source`` says where the dates, coordinates and masses come from (blank values were not verified),
    one citation per line; ``agency_zh`` and ``source_zh`` are the Chinese versions.
    """

    class Convention(models.TextChoices):
        APOLLO = "apollo", _("Apollo generic number with numbered splits (10084,123)")
        LUNA = "luna", _("Luna sample code with numbered splits")
        CHANGE = "change", _("Chang'e sample code with serial suffixes (CE5C0400…)")

    code = models.CharField(_("code"), max_length=8, unique=True)
    agency = models.CharField(_("agency"), max_length=100)
    agency_zh = models.CharField(_("agency (Chinese)"), max_length=100, blank=True)
    landing_date = models.DateField(_("landing date"), null=True, blank=True,
                                    help_text=_("Date (UTC) the lander touched down on the Moon."))
    return_date = models.DateField(_("return date"), null=True, blank=True,
                                   help_text=_("Date (UTC) the samples landed on Earth."))
    landing_site = models.CharField(_("landing site"), max_length=200, blank=True)
    landing_site_zh = models.CharField(_("landing site (Chinese)"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=4, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=4, null=True, blank=True)
    returned_mass_ug = models.BigIntegerField(_("returned mass (µg)"), null=True, blank=True)
    returned_mass_is_rounded = models.BooleanField(default=False)
    id_convention = models.CharField(max_length=10, choices=Convention.choices, default=Convention.APOLLO)
    sort_order = models.PositiveSmallIntegerField(default=0)
    source = models.TextField(_("source"), blank=True)
    source_zh = models.TextField(_("source (Chinese)"), blank=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("mission")

    def __str__(self) -> str:
        return self.name

    @property
    def landing_site_local(self) -> str:
        """The landing site in the active language (Chinese when available and active)."""
        return local(self.landing_site, self.landing_site_zh)

    @property
    def agency_local(self) -> str:
        return local(self.agency, self.agency_zh)

    @property
    def source_citations(self) -> list[str]:
        """The sources in the active language, one citation each."""
        return [line.strip() for line in local(self.source, self.source_zh).splitlines() if line.strip()]


class StorageLocation(BilingualNameMixin):
    """Facility > room > cabinet > container. ``environment`` is the atmosphere kept there."""

    class Kind(models.TextChoices):
        FACILITY = "facility", _("Facility")
        ROOM = "room", _("Room")
        CABINET = "cabinet", _("Cabinet")
        CONTAINER = "container", _("Container")

    class Environment(models.TextChoices):
        AIR = "air", _("Air")
        NITROGEN = "nitrogen", _("Dry nitrogen")
        VACUUM = "vacuum", _("Vacuum")
        FROZEN = "frozen", _("Frozen (−20 °C)")
        ARGON = "argon", _("Argon")

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=64, unique=True)
    environment = models.CharField(_("environment"), max_length=20, choices=Environment.choices, default=Environment.AIR)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("storage location")

    @property
    def full_path(self) -> str:
        parts, node = [], self
        while node is not None:
            parts.append(node.name)
            node = node.parent
        return " › ".join(reversed(parts))


def new_sample_uid() -> str:
    return secrets.token_urlsafe(8)[:10].replace("-", "x").replace("_", "y")


class SampleType(models.TextChoices):
    REGOLITH = "regolith", _("Regolith / soil")
    BASALT = "basalt", _("Basalt")
    BRECCIA = "breccia", _("Breccia")
    GLASS = "glass", _("Glass")
    CORE = "core", _("Core / drill sample")
    ROCK = "rock", _("Rock (other)")
    ROCK_CHIP = "rock_chip", _("Rock chip")
    POLISHED_SECTION = "polished_section", _("Polished section")
    THIN_SECTION = "thin_section", _("Thin section")
    POWDER = "powder", _("Powder")
    OTHER = "other", _("Other")


class SampleCategory(models.TextChoices):
    """The four uses of the Lunar Sample Management Measures."""

    PERMANENT = "permanent", _("Permanent storage")
    BACKUP = "backup", _("Backup permanent storage")
    RESEARCH = "research", _("Research")
    PUBLIC_WELFARE = "public_welfare", _("Public welfare")


class SampleStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    RESERVED = "reserved", _("Reserved")
    ON_LOAN = "on_loan", _("On loan")
    CONSUMED = "consumed", _("Consumed")
    LOST = "lost", _("Lost")
    DEACCESSIONED = "deaccessioned", _("Deaccessioned")
    # A record of material described in the literature (an aggregate of several clasts, a sample
    # this collection does not hold): it has no mass here and is never available to lend.
    LITERATURE = "literature", _("Literature reference")


class Sample(models.Model):
    """A piece of lunar material with an identity, a mass and a custodian.

    ``identifier`` follows the mission's convention and never changes; ``uid`` is a stable
    URL-safe id. ``generic`` is the identifier of the root of the split tree (Apollo generic
    number); ``split_number`` is the numeric suffix this sample got when it was split off.

    Invariants: masses are integer µg and never negative (database constraint);
    ``mass_ug`` changes only through :class:`LedgerEntry` rows written by
    ``catalog.services``, so ``mass_ug`` equals the sum of the sample's ledger deltas and
    ``initial_mass_ug`` equals its first entry. ``status`` is assigned only by services,
    following ``TRANSITIONS``.
    """

    Type = SampleType
    Category = SampleCategory
    Status = SampleStatus

    TRANSITIONS = {
        SampleStatus.AVAILABLE: {SampleStatus.RESERVED, SampleStatus.ON_LOAN, SampleStatus.CONSUMED,
                                 SampleStatus.LOST, SampleStatus.DEACCESSIONED},
        SampleStatus.RESERVED: {SampleStatus.AVAILABLE, SampleStatus.ON_LOAN, SampleStatus.LOST,
                                SampleStatus.CONSUMED},
        SampleStatus.ON_LOAN: {SampleStatus.AVAILABLE, SampleStatus.RESERVED, SampleStatus.CONSUMED,
                               SampleStatus.LOST},
        # Lost material that turns up again (NASA recovered the 218 samples stolen in 2002).
        SampleStatus.LOST: {SampleStatus.AVAILABLE},
        SampleStatus.CONSUMED: set(),
        SampleStatus.DEACCESSIONED: set(),
        SampleStatus.LITERATURE: set(),  # set at registration only (``sample_register(literature_record=True)``)
    }

    uid = models.CharField(max_length=12, unique=True, default=new_sample_uid, editable=False)
    identifier = models.CharField(_("identifier"), max_length=64, unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="samples", verbose_name=_("mission"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("parent"))
    generic = models.CharField(max_length=64, db_index=True)
    split_number = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=SampleType.choices)
    category = models.CharField(_("category"), max_length=20, choices=SampleCategory.choices, default=SampleCategory.RESEARCH)
    status = models.CharField(_("status"), max_length=20, choices=SampleStatus.choices, default=SampleStatus.AVAILABLE)
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    initial_mass_ug = models.BigIntegerField(_("initial mass (µg)"))
    mass_ug = models.BigIntegerField(_("current mass (µg)"))
    location = models.ForeignKey(StorageLocation, null=True, blank=True, on_delete=models.PROTECT, related_name="samples")
    holder_institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="samples_held",
                                           help_text=_("Who has the material now; empty means the agency's own store."))
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["identifier"]
        verbose_name = _("sample")
        constraints = [
            models.CheckConstraint(condition=Q(mass_ug__gte=0), name="sample_mass_not_negative"),
            models.CheckConstraint(condition=Q(initial_mass_ug__gte=0), name="sample_initial_mass_not_negative"),
        ]
        indexes = [
            models.Index(fields=["mission", "status", "identifier"], name="sample_mission_status_idx"),
            models.Index(fields=["type", "identifier"], name="sample_type_idx"),
            models.Index(fields=["category", "identifier"], name="sample_category_idx"),
            models.Index(fields=["mass_ug"], name="sample_mass_idx"),
            models.Index(fields=["generic", "split_number"], name="sample_generic_split_idx"),
            models.Index(fields=["mission", "identifier"], name="sample_mission_idx"),
            models.Index(fields=["mission", "type", "identifier"], name="sample_mission_type_idx"),
            models.Index(fields=["parent", "identifier"], name="sample_parent_idx"),
            models.Index(fields=["status", "identifier"], name="sample_status_idx"),
        ]

    def __str__(self) -> str:
        return self.identifier

    @property
    def description_local(self) -> str:
        """The description in the page's language (curators' records may exist in one only)."""
        return local(self.description, self.description_zh)

    @property
    def mass_display(self) -> str:
        return format_mass(self.mass_ug)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("catalog:sample-detail", args=[self.identifier])


class LedgerEntry(models.Model):
    """One change of one sample's mass. Append-only; ``balance_ug`` is the mass after it.

    ``counterpart`` is the other side of a split (the child on ``split_out``, the parent on
    ``split_in``). ``reference`` ties the entry to what caused it (a loan item, an incident).
    """

    class Kind(models.TextChoices):
        REGISTER = "register", _("Registered")
        SPLIT_OUT = "split_out", _("Split off to a child")
        SPLIT_IN = "split_in", _("Split from the parent")
        CONSUMPTION = "consumption", _("Consumed in an analysis")
        LOSS = "loss", _("Lost or written off")
        REWEIGH = "reweigh", _("Reweigh adjustment")
        RETURN = "return", _("Return reweigh adjustment")
        TRANSFER_OUT = "transfer_out", _("Left the collection (gift or transfer)")

    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delta_ug = models.BigIntegerField()
    balance_ug = models.BigIntegerField()
    counterpart = models.ForeignKey(Sample, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    reference = models.CharField(max_length=100, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sample_id", "id"]
        indexes = [models.Index(fields=["sample", "id"], name="ledger_sample_idx")]
        constraints = [models.CheckConstraint(condition=Q(balance_ug__gte=0), name="ledger_balance_not_negative")]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.kind} {self.delta_ug:+d} µg"


class CustodyEvent(models.Model):
    """Where a sample was and who held it: registration, moves, shipment, receipt, return."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        MOVED = "moved", _("Moved")
        SHIPPED = "shipped", _("Shipped")
        RECEIVED = "received", _("Received by borrower")
        RETURNED = "returned", _("Returned to the agency")
        TRANSFERRED = "transferred", _("Transferred")
        LOST = "lost", _("Reported lost")
        RECOVERED = "recovered", _("Recovered")

    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="custody_events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_location = models.ForeignKey(StorageLocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_location = models.ForeignKey(StorageLocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    holder_institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    holder_name = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    reference = models.CharField(max_length=100, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sample_id", "at", "id"]
        indexes = [models.Index(fields=["sample", "at"], name="custody_sample_idx")]


class ImportJob(models.Model):
    """A catalogue import running in the background (a large upload on the curator page).

    ``upload`` is the stored copy of the file (a private name, deleted when the job ends, however
    it ends). ``heartbeat_at`` moves while the worker reads the file; a job that is queued or
    running with no heartbeat for ``LUNARSHARE_IMPORT_STALE_MINUTES`` was interrupted (a killed
    worker) and is marked failed by ``catalog.import_jobs.import_jobs_sweep``, which also
    deletes the upload and tells the curator. Only ``catalog.import_jobs`` assigns ``status``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Refused (errors in the file)")
        FAILED = "failed", _("Failed")

    TRANSITIONS = {
        Status.QUEUED: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.DONE, Status.REJECTED, Status.FAILED},
    }

    filename = models.CharField(max_length=255)
    upload = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="importjob_status_idx")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"
