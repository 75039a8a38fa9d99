"""Programmes: published rules, application rounds, applications, compliance, review, decisions.

Statuses change only through ``programs.services``; each status field has one explicit
``TRANSITIONS`` map next to it. Masses are integer micrograms.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lunarshare.accounts.models import Institution
from lunarshare.files import private_name
from lunarshare.language import pick

_pick = pick


class BilingualTitleMixin(models.Model):
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def title(self) -> str:
        return _pick(self, "title")

    def __str__(self) -> str:
        return self.title


# --- Rules (regulations) ------------------------------------------------------------------

class RuleDocument(BilingualTitleMixin):
    """A regulation the programme runs under (e.g. the *Lunar Sample Management Measures*).

    The document has versions; ``slug`` is the stable public address. ``issuer`` and
    ``reference`` (an official document number such as 国航天〔2020〕4号) are as published.
    """

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    issuer_en = models.CharField(_("issuer (English)"), max_length=200, blank=True)
    issuer_zh = models.CharField(_("issuer (Chinese)"), max_length=200, blank=True)
    reference = models.CharField(_("official reference"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sort_order", "title_en"]
        verbose_name = _("rule document")

    @property
    def issuer(self) -> str:
        return _pick(self, "issuer")

    def current_version(self):
        today = timezone.localdate()
        return (self.versions.filter(published_at__isnull=False, effective_date__lte=today)
                .order_by("-effective_date", "-id").first())

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("programs:rule-detail", args=[self.slug])


class RuleVersion(BilingualTitleMixin):
    """One version of a rule document: its text (Markdown, rendered safely), what changed, and
    the date it takes effect. Unpublished versions (``published_at`` empty) are drafts only
    officers see. A round records the versions in force when it opened."""

    document = models.ForeignKey(RuleDocument, on_delete=models.PROTECT, related_name="versions",
                                 verbose_name=_("document"))
    version = models.CharField(_("version"), max_length=40)
    effective_date = models.DateField(_("effective date"))
    body_en = models.TextField(_("text (English, Markdown)"), blank=True)
    body_zh = models.TextField(_("text (Chinese, Markdown)"), blank=True)
    changes_en = models.TextField(_("what changed (English)"), blank=True)
    changes_zh = models.TextField(_("what changed (Chinese)"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to="rules/%Y/", blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_id", "-effective_date", "-id"]
        verbose_name = _("rule version")
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="ruleversion_unique_version")]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    @property
    def body(self) -> str:
        return _pick(self, "body")

    @property
    def changes(self) -> str:
        return _pick(self, "changes")


# --- Rounds ---------------------------------------------------------------------------------

class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Closed, in screening and review")
    DECIDED = "decided", _("Decided")
    PUBLISHED = "published", _("Results published")
    CANCELLED = "cancelled", _("Cancelled")


class SampleForm(models.TextChoices):
    """How prepared material is offered: sections and chips are lent whole, powder by mass."""

    POWDER = "powder", _("Powder")
    ROCK_CHIP = "rock_chip", _("Rock chip")
    POLISHED_SECTION = "polished_section", _("Polished section")
    THIN_SECTION = "thin_section", _("Thin section")
    CORE_SEGMENT = "core_segment", _("Drill core segment")
    OTHER = "other", _("Other")


WHOLE_PIECE_FORMS = frozenset({SampleForm.ROCK_CHIP, SampleForm.POLISHED_SECTION, SampleForm.THIN_SECTION})


class Round(models.Model):
    """An application round ("batch"): who may apply, for what, when, under which rules.

    ``opens_at``/``closes_at`` are timezone-aware; applications may be submitted only while the
    round is open AND now lies inside the window. ``max_total_mass_ug`` (empty: no limit) caps
    one application's total request; ``form_limits_ug`` maps a :class:`SampleForm` value to the
    most one application may request of that form. ``embargo_months``, ``loan_period_months`` and
    ``publication_report_months`` are the terms loans and science data made under this round
    inherit; ``acknowledgement_*`` is the text borrowers print in publications.
    """

    Status = RoundStatus
    TRANSITIONS = {
        RoundStatus.DRAFT: {RoundStatus.OPEN, RoundStatus.CANCELLED},
        RoundStatus.OPEN: {RoundStatus.CLOSED, RoundStatus.CANCELLED},
        RoundStatus.CLOSED: {RoundStatus.DECIDED},
        RoundStatus.DECIDED: {RoundStatus.PUBLISHED},
        RoundStatus.PUBLISHED: set(),
        RoundStatus.CANCELLED: set(),
    }

    class Kind(models.TextChoices):
        DOMESTIC = "domestic", _("Domestic")
        INTERNATIONAL = "international", _("International")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DOMESTIC)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English, Markdown)"), blank=True)
    description_zh = models.TextField(_("description (Chinese, Markdown)"), blank=True)
    missions = models.ManyToManyField("catalog.Mission", related_name="rounds", blank=True, verbose_name=_("missions"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    status = models.CharField(_("status"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    timezone = models.CharField(_("time zone of the window"), max_length=64, default="Asia/Shanghai",
                                help_text=_("The window is announced and shown in this time zone."))
    rule_versions = models.ManyToManyField(RuleVersion, related_name="rounds", blank=True,
                                           verbose_name=_("rules in force"))
    max_total_mass_ug = models.BigIntegerField(_("most mass per application (µg)"), null=True, blank=True)
    form_limits_ug = models.JSONField(_("most mass per application by form (µg)"), default=dict, blank=True)
    required_attachments = models.JSONField(_("required attachments"), default=list, blank=True)
    screening_checklist = models.JSONField(
        _("screening checklist"), default=list, blank=True,
        help_text=_("One entry per line an officer ticks when screening: {\"key\", \"label_en\", \"label_zh\"}."))
    reviewers_per_application = models.PositiveSmallIntegerField(_("reviewers per application"), default=3)
    same_country_conflict = models.BooleanField(
        _("reviewers from the applicant's country are conflicted"), default=False)
    embargo_months = models.PositiveSmallIntegerField(_("data embargo after receipt (months)"), default=12)
    loan_period_months = models.PositiveSmallIntegerField(_("loan period (months)"), default=24)
    publication_report_months = models.PositiveSmallIntegerField(_("results report due (months)"), default=24)
    acknowledgement_en = models.TextField(_("acknowledgement (English)"), blank=True)
    acknowledgement_zh = models.TextField(_("acknowledgement (Chinese)"), blank=True)
    results_note_en = models.TextField(_("results note (English)"), blank=True)
    results_note_zh = models.TextField(_("results note (Chinese)"), blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("round")
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="round_window_ordered"),
            models.CheckConstraint(condition=Q(max_total_mass_ug__isnull=True) | Q(max_total_mass_ug__gt=0),
                                   name="round_max_mass_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _pick(self, "title")

    @property
    def description(self) -> str:
        return _pick(self, "description")

    @property
    def acknowledgement(self) -> str:
        return _pick(self, "acknowledgement")

    @property
    def results_note(self) -> str:
        return _pick(self, "results_note")

    def window_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == RoundStatus.OPEN and self.opens_at <= now <= self.closes_at

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("programs:round-detail", args=[self.pk])


class SampleSet(models.Model):
    """Material a round offers: named, backed by catalogue samples, with the mass on offer.

    Total approved mass over all applications never exceeds ``offered_mass_ug`` (checked by the
    decision service with this row locked)."""

    Form = SampleForm

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="sample_sets", verbose_name=_("round"))
    code = models.CharField(_("code"), max_length=40, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=255)
    name_zh = models.CharField(_("name (Chinese)"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    form = models.CharField(_("form"), max_length=20, choices=SampleForm.choices, default=SampleForm.POWDER)
    samples = models.ManyToManyField("catalog.Sample", related_name="sample_sets", blank=True, verbose_name=_("samples"))
    offered_mass_ug = models.BigIntegerField(_("offered mass (µg)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_id", "code", "id"]
        verbose_name = _("sample set")
        constraints = [models.CheckConstraint(condition=Q(offered_mass_ug__gte=0), name="sampleset_offer_not_negative")]

    @property
    def name(self) -> str:
        return _pick(self, "name")

    @property
    def is_whole_pieces(self) -> bool:
        return self.form in WHOLE_PIECE_FORMS

    def __str__(self) -> str:
        return self.name


class RubricCriterion(models.Model):
    """One scored criterion of a round's review rubric. ``key`` is what the score API uses."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(_("key"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    description = models.TextField(_("guidance"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    scale_min = models.SmallIntegerField(_("lowest score"), default=1)
    scale_max = models.SmallIntegerField(_("highest score"), default=5)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "key"], name="criterion_unique_key"),
            models.CheckConstraint(condition=Q(scale_max__gt=models.F("scale_min")), name="criterion_scale_ordered"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    @property
    def name(self) -> str:
        return _pick(self, "name")

    def __str__(self) -> str:
        return self.name


class ComplianceRule(models.Model):
    """A compliance check configured for a round, as data: a ``type`` and JSON ``params``.

    See ``programs.compliance`` for each type's parameters. ``fail`` results must be corrected
    before screening passes; ``flag`` results (legal review) block a decision until an officer
    records a resolution.
    """

    class Type(models.TextChoices):
        FUNDING_DECLARED = "funding_declared", _("Funding sources declared")
        TEAM_ORCID = "team_orcid", _("Team members named with ORCID iDs")
        MASS_LIMITS = "mass_limits", _("Mass limits by form")
        DESTRUCTIVE_METHODS = "destructive_methods", _("Destructive methods have a plan and video consent")
        LEGAL_REVIEW = "legal_review", _("Legal review when country and funder match")
        ATTACHMENTS = "attachments", _("Required attachments present")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="compliance_rules")
    type = models.CharField(_("type"), max_length=30, choices=Type.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    label = models.CharField(_("label"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_id", "id"]
        verbose_name = _("compliance rule")

    def __str__(self) -> str:
        from .compliance import rule_title

        return rule_title(self)

    @property
    def description(self) -> str:
        """What the rule checks, as a sentence in the active language."""
        from .compliance import describe

        return describe(self)


# --- Applications ---------------------------------------------------------------------------

class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("In screening")
    RETURNED = "returned", _("Returned for correction")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    REDUCED = "reduced", _("Approved with reduced mass")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_APPLICATION_STATUSES = frozenset({
    ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.SCREENING,
    ApplicationStatus.RETURNED, ApplicationStatus.UNDER_REVIEW,
})
APPROVED_STATUSES = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REDUCED})


def new_application_reference() -> str:
    return "A-" + secrets.token_hex(4).upper()


class Application(models.Model):
    """One institution's request for material in a round, by a responsible applicant.

    ``applicant`` is the responsible user; ``institution`` the borrowing institution (the
    applicant's confirmed institution when drafted). Editable only in ``draft`` and
    ``returned``. ``decided_at``/``decision_reason`` are the committee's decision; item
    ``approved_mass_ug`` values are set by it.
    """

    Status = ApplicationStatus
    TRANSITIONS = {
        ApplicationStatus.DRAFT: {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN},
        ApplicationStatus.SUBMITTED: {ApplicationStatus.SCREENING, ApplicationStatus.WITHDRAWN},
        ApplicationStatus.SCREENING: {ApplicationStatus.RETURNED, ApplicationStatus.UNDER_REVIEW,
                                      ApplicationStatus.WITHDRAWN},
        ApplicationStatus.RETURNED: {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN},
        ApplicationStatus.UNDER_REVIEW: {ApplicationStatus.APPROVED, ApplicationStatus.REDUCED,
                                         ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN},
        ApplicationStatus.APPROVED: set(),
        ApplicationStatus.REDUCED: set(),
        ApplicationStatus.REJECTED: set(),
        ApplicationStatus.WITHDRAWN: set(),
    }

    reference = models.CharField(_("reference"), max_length=20, unique=True, default=new_application_reference,
                                 editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications", verbose_name=_("round"))
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("responsible applicant"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="applications",
                                    verbose_name=_("institution"))
    title = models.CharField(_("title"), max_length=300)
    abstract = models.TextField(_("abstract"), blank=True)
    research_plan = models.TextField(_("research plan"), blank=True)
    expected_outputs = models.TextField(_("expected outputs"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    screening_checklist = models.JSONField(_("screening checklist"), default=dict, blank=True)
    screening_note = models.TextField(_("screening note"), blank=True)
    screened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    screened_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("application")
        indexes = [
            models.Index(fields=["round", "status"], name="application_round_status_idx"),
            models.Index(fields=["applicant", "status"], name="application_applicant_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    @property
    def is_approved(self) -> bool:
        return self.status in APPROVED_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION_STATUSES

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("programs:application-detail", args=[self.pk])


class ApplicationStatusChange(models.Model):
    """History of an application's status: old → new, by whom, why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    old_status = models.CharField(max_length=20, choices=ApplicationStatus.choices)
    new_status = models.CharField(max_length=20, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["application_id", "at", "id"]


class TeamMember(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(_("name"), max_length=200)
    orcid = models.CharField(_("ORCID iD"), max_length=19, blank=True)
    institution_name = models.CharField(_("institution"), max_length=255, blank=True)
    role = models.CharField(_("role in the project"), max_length=120, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="team_memberships")

    class Meta:
        ordering = ["application_id", "id"]

    def __str__(self) -> str:
        return self.name


class Funding(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="funding")
    agency = models.CharField(_("funding agency"), max_length=200)
    country = models.CharField(_("country (ISO code)"), max_length=2, blank=True)
    grant_id = models.CharField(_("grant id"), max_length=100, blank=True)

    class Meta:
        ordering = ["application_id", "id"]

    def __str__(self) -> str:
        return self.agency


class Method(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="methods")
    name = models.CharField(_("method"), max_length=200)
    destructive = models.BooleanField(_("destructive or consumptive"), default=False)
    plan = models.TextField(_("plan for the destructive use"), blank=True)
    video_consent = models.BooleanField(_("consent to record destructive experiments on video"), default=False)

    class Meta:
        ordering = ["application_id", "id"]

    def __str__(self) -> str:
        return self.name


class ApplicationItem(models.Model):
    """A request for material from one sample set. ``approved_mass_ug`` is set by the decision
    (empty until then; 0 when the item is refused)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="items")
    sample_set = models.ForeignKey(SampleSet, on_delete=models.PROTECT, related_name="items")
    form = models.CharField(_("form"), max_length=20, choices=SampleForm.choices)
    requested_mass_ug = models.BigIntegerField(_("requested mass (µg)"))
    approved_mass_ug = models.BigIntegerField(_("approved mass (µg)"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)

    class Meta:
        ordering = ["application_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(requested_mass_ug__gt=0), name="item_request_positive"),
            models.CheckConstraint(condition=Q(approved_mass_ug__isnull=True) | (
                Q(approved_mass_ug__gte=0) & Q(approved_mass_ug__lte=models.F("requested_mass_ug"))),
                name="item_approved_within_request"),
        ]

    def __str__(self) -> str:
        return f"{self.sample_set} · {self.requested_mass_ug} µg"


def attachment_file_path(instance, filename: str) -> str:
    # Private: served only by the application's permission-checked download (see lunarshare.files).
    return private_name("applications", filename)


class Attachment(models.Model):
    class Kind(models.TextChoices):
        RESEARCH_PLAN = "research_plan", _("Detailed research plan")
        CV = "cv", _("CV of the responsible applicant")
        INSTITUTION_LETTER = "institution_letter", _("Letter from the institution")
        SAFETY = "safety", _("Laboratory and storage conditions")
        OTHER = "other", _("Other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to=attachment_file_path, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application_id", "id"]

    def __str__(self) -> str:
        return self.original_name or self.file.name


class ComplianceResult(models.Model):
    """The outcome of one rule for one application, with its explanation (latest evaluation).

    A ``flag`` needs an officer's ``resolution`` before the application can be decided."""

    class Outcome(models.TextChoices):
        PASS = "pass", _("Passes")
        FAIL = "fail", _("Needs correction")
        FLAG = "flag", _("Flagged for legal review")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="compliance_results")
    rule = models.ForeignKey(ComplianceRule, on_delete=models.CASCADE, related_name="results")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    explanation = models.TextField(blank=True)
    evaluated_at = models.DateTimeField(default=timezone.now)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application_id", "rule_id"]
        constraints = [models.UniqueConstraint(fields=["application", "rule"], name="compliance_result_unique")]

    @property
    def blocks_decision(self) -> bool:
        return self.outcome == self.Outcome.FLAG and self.resolved_at is None


# --- Review ---------------------------------------------------------------------------------

class ConflictDeclaration(models.Model):
    """A reviewer's standing conflict: a co-author or collaborator (a user, an ORCID iD or a name)
    or an institution. Assignment never gives a reviewer an application it matches."""

    class Kind(models.TextChoices):
        COAUTHOR = "coauthor", _("Co-author")
        COLLABORATOR = "collaborator", _("Collaborator")
        INSTITUTION = "institution", _("Institution")
        OTHER = "other", _("Other")

    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_conflicts")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COAUTHOR)
    with_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+")
    with_orcid = models.CharField(_("ORCID iD"), max_length=19, blank=True)
    with_name = models.CharField(_("name"), max_length=200, blank=True)
    with_institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reviewer_id", "id"]


class ReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    SUBMITTED = "submitted", _("Scored")
    CONFLICT = "conflict", _("Conflict declared")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Review(models.Model):
    """A reviewer's assignment to an application and, once scored, the scores.

    ``scores`` maps rubric criterion keys to numbers within each criterion's scale;
    ``weighted_score`` is the weighted mean. A reviewer with a declared conflict keeps the row
    (status ``conflict``) so the conflict is remembered and never reassigned."""

    Status = ReviewStatus
    TRANSITIONS = {
        ReviewStatus.ASSIGNED: {ReviewStatus.SUBMITTED, ReviewStatus.CONFLICT, ReviewStatus.WITHDRAWN},
        ReviewStatus.SUBMITTED: {ReviewStatus.SUBMITTED, ReviewStatus.CONFLICT},
        ReviewStatus.CONFLICT: set(),
        ReviewStatus.WITHDRAWN: set(),
    }

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.ASSIGNED)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    weighted_score = models.DecimalField(_("weighted score"), max_digits=7, decimal_places=3, null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    conflict_reason = models.TextField(_("conflict"), blank=True)
    automatic = models.BooleanField(default=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application_id", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="review_unique_reviewer")]
        indexes = [models.Index(fields=["reviewer", "status"], name="review_reviewer_status_idx")]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application.reference}"

    @property
    def is_active(self) -> bool:
        return self.status in (ReviewStatus.ASSIGNED, ReviewStatus.SUBMITTED)
