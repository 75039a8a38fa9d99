"""The cooperation registry: partner organisations, cooperation agreements, intergovernmental
sample gifts and the international payloads flown on the agency's missions.

Every row here is written only by ``cooperation.services``; public pages and the API read
them through ``cooperation.selectors``. Real entries carry a ``source`` (the public page the
fact comes from); nothing is invented (no ROR id, date or mass that a source does not give).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from lunarshare.accounts.models import BilingualNameMixin
from lunarshare.accounts.validators import validate_ror
from lunarshare.catalog.models import LedgerEntry, Mission, Sample
from lunarshare.language import pick

_pick = pick


class DatePrecision(models.TextChoices):
    """How much of a date a source gives: the Russia gift is known to the month only."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class PartnerOrganisation(BilingualNameMixin):
    """An agency, university, institute or state the agency cooperates with.

    ``ror_id`` is the bare ROR id (checksum-validated, unique when given; left empty rather
    than guessed). ``country`` is empty for intergovernmental organisations such as ESA.
    """

    class Kind(models.TextChoices):
        AGENCY = "agency", _("Space agency")
        UNIVERSITY = "university", _("University")
        INSTITUTE = "institute", _("Research institute")
        MUSEUM = "museum", _("Museum")
        GOVERNMENT = "government", _("Government")
        INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental organisation")
        OTHER = "other", _("Other")

    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.AGENCY)
    country = CountryField(_("country"), blank=True)
    ror_id = models.CharField(_("ROR id"), max_length=9, blank=True, validators=[validate_ror])
    website = models.URLField(_("website"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    source = models.TextField(_("source"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("partner organisation")
        constraints = [
            models.UniqueConstraint(fields=["ror_id"], condition=~Q(ror_id=""), name="partner_unique_ror"),
            models.UniqueConstraint(fields=["name_en"], name="partner_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym and self.acronym != self.name else self.name

    @property
    def description(self) -> str:
        return _pick(self, "description")

    def get_absolute_url(self) -> str:
        return reverse("cooperation:partner-detail", args=[self.pk])


class CooperationAgreement(models.Model):
    """A memorandum, agreement, framework rule or certificate between the agency and partners.

    ``parties`` are the partner organisations that signed or are bound (the agency itself is a
    partner row too, so a two-party MoU has two parties). ``signed_date`` with
    ``date_precision`` keeps what the source says ("June 2023" is month precision).
    ``status`` follows ``TRANSITIONS`` and is assigned only by services.
    """

    class Kind(models.TextChoices):
        MOU = "mou", _("Memorandum of understanding")
        AGREEMENT = "agreement", _("Agreement")
        FRAMEWORK = "framework", _("Framework rules")
        CERTIFICATE = "certificate", _("Certificate")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        IN_FORCE = "in_force", _("In force")
        CONCLUDED = "concluded", _("Concluded")
        TERMINATED = "terminated", _("Terminated")

    TRANSITIONS = {
        Status.DRAFT: {Status.SIGNED, Status.TERMINATED},
        Status.SIGNED: {Status.IN_FORCE, Status.CONCLUDED, Status.TERMINATED},
        Status.IN_FORCE: {Status.CONCLUDED, Status.TERMINATED},
        Status.CONCLUDED: set(),
        Status.TERMINATED: set(),
    }

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.AGREEMENT)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    parties = models.ManyToManyField(PartnerOrganisation, related_name="agreements", verbose_name=_("parties"))
    signed_date = models.DateField(_("signed"), null=True, blank=True)
    date_precision = models.CharField(_("date precision"), max_length=10, choices=DatePrecision.choices,
                                      default=DatePrecision.DAY)
    scope_en = models.TextField(_("scope (English)"), blank=True)
    scope_zh = models.TextField(_("scope (Chinese)"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    missions = models.ManyToManyField(Mission, blank=True, related_name="cooperation_agreements",
                                      verbose_name=_("missions"))
    source = models.TextField(_("source"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-signed_date", "title_en"]
        verbose_name = _("cooperation agreement")
        indexes = [models.Index(fields=["status", "signed_date"], name="agreement_status_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _pick(self, "title")

    @property
    def scope(self) -> str:
        return _pick(self, "scope")

    def get_absolute_url(self) -> str:
        return reverse("cooperation:agreement-detail", args=[self.pk])


def agreement_document_path(instance, filename: str) -> str:
    return f"cooperation/agreements/{instance.agreement_id}/{filename}"


class AgreementDocument(models.Model):
    """A file (signed copy, annex) or a public link belonging to an agreement. Append-only."""

    agreement = models.ForeignKey(CooperationAgreement, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to=agreement_document_path, blank=True)
    url = models.URLField(_("link"), blank=True, max_length=500)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(url=""), name="agreement_document_has_file_or_url"),
        ]

    def __str__(self) -> str:
        return self.title


class SampleGift(models.Model):
    """Material given at state level to a partner (outside the loan rounds).

    ``mass_ug`` is the total given; each :class:`SampleGiftItem` names the catalogue sample the
    material left and the ledger entry (``transfer_out``) through which it left, so the gift
    is accounted for in the mass ledger exactly like a consumption or a loss.
    """

    recipient = models.ForeignKey(PartnerOrganisation, on_delete=models.PROTECT, related_name="gifts",
                                  verbose_name=_("recipient"))
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="gifts", verbose_name=_("mission"))
    mass_ug = models.BigIntegerField(_("mass (µg)"))
    date = models.DateField(_("date"))
    date_precision = models.CharField(_("date precision"), max_length=10, choices=DatePrecision.choices,
                                      default=DatePrecision.DAY)
    occasion_en = models.CharField(_("occasion (English)"), max_length=300)
    occasion_zh = models.CharField(_("occasion (Chinese)"), max_length=300, blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    note_zh = models.TextField(_("note (Chinese)"), blank=True)
    samples = models.ManyToManyField(Sample, through="SampleGiftItem", related_name="gifts")
    source = models.TextField(_("source"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = _("sample gift")
        constraints = [models.CheckConstraint(condition=Q(mass_ug__gt=0), name="gift_mass_positive")]

    def __str__(self) -> str:
        return f"{self.mission.code} → {self.recipient.name}"

    @property
    def occasion(self) -> str:
        return _pick(self, "occasion")

    @property
    def note(self) -> str:
        return _pick(self, "note")

    def get_absolute_url(self) -> str:
        return reverse("cooperation:gift-detail", args=[self.pk])


class SampleGiftItem(models.Model):
    """One sample given (whole, or a piece split off for the gift) and its ``transfer_out`` entry."""

    gift = models.ForeignKey(SampleGift, on_delete=models.PROTECT, related_name="items")
    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="gift_items")
    mass_ug = models.BigIntegerField(_("mass (µg)"))
    ledger_entry = models.OneToOneField(LedgerEntry, on_delete=models.PROTECT, related_name="gift_item")

    class Meta:
        ordering = ["gift_id", "id"]
        constraints = [models.CheckConstraint(condition=Q(mass_ug__gt=0), name="gift_item_mass_positive")]


class InternationalPayload(BilingualNameMixin):
    """An instrument, CubeSat or other payload a partner flew on one of the agency's missions.

    ``partner`` is the responsible organisation; ``collaborators`` built or operate it with
    them. ``country`` is the country the payload comes from (the partner's, or the builder's
    when the partner is intergovernmental). ``data_products`` are the datasets it returned.
    ``status`` follows ``TRANSITIONS``.
    """

    class Kind(models.TextChoices):
        INSTRUMENT = "instrument", _("Instrument")
        CUBESAT = "cubesat", _("CubeSat")
        RETROREFLECTOR = "retroreflector", _("Laser retroreflector")
        ROVER = "rover", _("Rover")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SELECTED = "selected", _("Selected")
        INTEGRATED = "integrated", _("Integrated")
        LAUNCHED = "launched", _("Launched")
        OPERATING = "operating", _("Operating")
        COMPLETED = "completed", _("Mission completed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.SELECTED: {Status.INTEGRATED, Status.CANCELLED},
        Status.INTEGRATED: {Status.LAUNCHED, Status.CANCELLED},
        Status.LAUNCHED: {Status.OPERATING, Status.COMPLETED, Status.FAILED},
        Status.OPERATING: {Status.COMPLETED, Status.FAILED},
        Status.COMPLETED: set(),
        Status.FAILED: set(),
        Status.CANCELLED: set(),
    }

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="payloads", verbose_name=_("mission"))
    acronym = models.CharField(_("acronym"), max_length=40)
    partner = models.ForeignKey(PartnerOrganisation, on_delete=models.PROTECT, related_name="payloads",
                                verbose_name=_("partner"))
    collaborators = models.ManyToManyField(PartnerOrganisation, blank=True, related_name="payload_collaborations",
                                           verbose_name=_("collaborators"))
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INSTRUMENT)
    purpose_en = models.TextField(_("purpose (English)"), blank=True)
    purpose_zh = models.TextField(_("purpose (Chinese)"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SELECTED)
    agreement = models.ForeignKey(CooperationAgreement, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="payloads", verbose_name=_("agreement"))
    # Shown to each reader through science's visibility selector: an embargoed dataset linked
    # here stays invisible to the public until it is released.
    data_products = models.ManyToManyField("science.Dataset", blank=True, related_name="payloads",
                                           verbose_name=_("data products"))
    source = models.TextField(_("source"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["mission__sort_order", "acronym"]
        verbose_name = _("international payload")
        constraints = [models.UniqueConstraint(fields=["mission", "acronym"], name="payload_unique_per_mission")]

    def __str__(self) -> str:
        return f"{self.acronym} ({self.mission.code})"

    @property
    def purpose(self) -> str:
        return _pick(self, "purpose")

    def get_absolute_url(self) -> str:
        return reverse("cooperation:payload-detail", args=[self.pk])
