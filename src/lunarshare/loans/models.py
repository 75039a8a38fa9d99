"""Loans: from an approved application to the last microgram returned or accounted for.

A :class:`Loan` is made from one approved ``programs.Application``. Its :class:`LoanItem` rows
start one per approved application item (``pending``, no sample yet); a curator allocates
catalogue samples to them (splitting parents through the catalogue), ships them, the borrower
confirms receipt, reports use, and the curator records returns until every item is closed.

Masses are integer micrograms. The catalogue's ledger is the only place a sample's mass
changes; the fields here record what the loan promised and what came back.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lunarshare.accounts.models import Institution
from lunarshare.files import private_name


class LoanStatus(models.TextChoices):
    DRAFT = "draft", _("Agreement awaiting the borrower's signature")
    BORROWER_SIGNED = "borrower_signed", _("Agreement awaiting the agency's signature")
    SIGNED = "signed", _("Agreement signed")
    SHIPPED = "shipped", _("Shipped")
    IN_USE = "in_use", _("In use")
    RECALLED = "recalled", _("Recalled")
    PARTLY_RETURNED = "partly_returned", _("Partly returned")
    RETURNED = "returned", _("Returned (every item accounted for)")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses in which material is (or may be) away from the agency's store.
OUT_STATUSES = (LoanStatus.SHIPPED, LoanStatus.IN_USE, LoanStatus.RECALLED, LoanStatus.PARTLY_RETURNED)
OPEN_STATUSES = (LoanStatus.DRAFT, LoanStatus.BORROWER_SIGNED, LoanStatus.SIGNED, *OUT_STATUSES, LoanStatus.RETURNED)


class Loan(models.Model):
    """A loan of material to one borrowing institution under one signed agreement.

    Fields:
      ``application``           the approved application it fulfils (empty for loans made by hand);
      ``borrower_institution``  the institution that signs and answers for the material;
      ``responsible``           the borrower's responsible user (the principal investigator);
      ``team``                  the people who alone may handle the material (includes ``responsible``);
      ``start_date``/``due_date`` the loan period written into the agreement; ``due_date`` moves
                                only by a granted extension or a recall;
      ``received_at``           when the borrower first confirmed receipt (custody moved then);
      ``closed_at``             when the loan was closed (every item closed first).

    Status ``returned`` means every item is closed (returned, consumed, transferred or lost)
    and the loan waits for the officer's closing review; ``closed`` is final.
    """

    Status = LoanStatus

    TRANSITIONS = {
        LoanStatus.DRAFT: {LoanStatus.BORROWER_SIGNED, LoanStatus.CANCELLED},
        LoanStatus.BORROWER_SIGNED: {LoanStatus.SIGNED, LoanStatus.CANCELLED},
        LoanStatus.SIGNED: {LoanStatus.SHIPPED, LoanStatus.CANCELLED},
        LoanStatus.SHIPPED: {LoanStatus.IN_USE, LoanStatus.RECALLED, LoanStatus.PARTLY_RETURNED, LoanStatus.RETURNED},
        LoanStatus.IN_USE: {LoanStatus.RECALLED, LoanStatus.PARTLY_RETURNED, LoanStatus.RETURNED},
        LoanStatus.PARTLY_RETURNED: {LoanStatus.RECALLED, LoanStatus.RETURNED},
        LoanStatus.RECALLED: {LoanStatus.RETURNED},
        LoanStatus.RETURNED: {LoanStatus.CLOSED},
        LoanStatus.CLOSED: set(),
        LoanStatus.CANCELLED: set(),
    }

    class TransportPaidBy(models.TextChoices):
        BORROWER = "borrower", _("The borrower, both ways")
        AGENCY = "agency", _("The agency")

    application = models.OneToOneField("programs.Application", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="loan", verbose_name=_("application"))
    borrower_institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="loans",
                                             verbose_name=_("borrowing institution"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="loans_responsible",
                                    verbose_name=_("responsible user"))
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="loan_teams",
                                  verbose_name=_("team allowed to handle the material"))
    team_names = models.JSONField(_("named team"), default=list, blank=True,
                                  help_text=_("Everyone named in the agreement: name, ORCID iD, institution, role."))
    purpose = models.TextField(_("purpose"), blank=True)
    methods = models.JSONField(_("approved methods"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=LoanStatus.choices, default=LoanStatus.DRAFT)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    transport_paid_by = models.CharField(_("transport paid by"), max_length=10, choices=TransportPaidBy.choices,
                                         default=TransportPaidBy.BORROWER)
    received_at = models.DateTimeField(_("receipt confirmed"), null=True, blank=True)
    recalled_at = models.DateTimeField(_("recalled"), null=True, blank=True)
    recall_reason = models.TextField(_("recall reason"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("loan")
        indexes = [
            models.Index(fields=["status", "due_date"], name="loan_status_due_idx"),
            models.Index(fields=["borrower_institution", "status"], name="loan_institution_idx"),
        ]

    def __str__(self) -> str:
        return f"LN-{self.pk:05d}" if self.pk else "LN-new"

    @property
    def reference(self) -> str:
        return str(self)

    @property
    def is_overdue(self) -> bool:
        return self.status in OUT_STATUSES and self.due_date < timezone.localdate()

    @property
    def both_signed(self) -> bool:
        return self.status not in (LoanStatus.DRAFT, LoanStatus.BORROWER_SIGNED, LoanStatus.CANCELLED)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("loans:loan-detail", args=[self.pk])


class LoanItemStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting allocation")
    ALLOCATED = "allocated", _("Allocated (reserved)")
    SHIPPED = "shipped", _("Shipped")
    WITH_BORROWER = "with_borrower", _("With the borrower")
    RETURNED = "returned", _("Returned")
    CONSUMED = "consumed", _("Consumed")
    TRANSFERRED = "transferred", _("Transferred to another loan")
    LOST = "lost", _("Lost")


CLOSED_ITEM_STATUSES = (LoanItemStatus.RETURNED, LoanItemStatus.CONSUMED, LoanItemStatus.TRANSFERRED, LoanItemStatus.LOST)


class LoanItem(models.Model):
    """One physical sample lent (or, while ``pending``, one approved item still to be allocated).

    ``approved_mass_ug`` is what the decision granted for this item; ``mass_ug`` is the mass
    actually allocated (the sample's mass when it left); ``destructive_allowance_ug`` is how
    much of it the borrower may consume; ``consumed_ug`` is what they reported consuming.
    ``returned_mass_ug`` is the mass weighed on return. An item is closed as returned,
    consumed, transferred or lost, and then ``closed_at`` is set.
    """

    Status = LoanItemStatus

    TRANSITIONS = {
        LoanItemStatus.PENDING: {LoanItemStatus.ALLOCATED},
        LoanItemStatus.ALLOCATED: {LoanItemStatus.SHIPPED, LoanItemStatus.PENDING},
        LoanItemStatus.SHIPPED: {LoanItemStatus.WITH_BORROWER, LoanItemStatus.RETURNED, LoanItemStatus.LOST},
        LoanItemStatus.WITH_BORROWER: {LoanItemStatus.RETURNED, LoanItemStatus.CONSUMED, LoanItemStatus.TRANSFERRED,
                                       LoanItemStatus.LOST},
        LoanItemStatus.RETURNED: set(),
        LoanItemStatus.CONSUMED: set(),
        LoanItemStatus.TRANSFERRED: set(),
        LoanItemStatus.LOST: set(),
    }

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="items")
    sample = models.ForeignKey("catalog.Sample", null=True, blank=True, on_delete=models.PROTECT, related_name="loan_items")
    application_item = models.ForeignKey("programs.ApplicationItem", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="loan_items")
    form = models.CharField(_("form"), max_length=40, blank=True)
    description = models.CharField(_("description"), max_length=255, blank=True)
    approved_mass_ug = models.BigIntegerField(_("approved mass (µg)"), default=0)
    mass_ug = models.BigIntegerField(_("allocated mass (µg)"), default=0)
    destructive_allowance_ug = models.BigIntegerField(_("destructive allowance (µg)"), default=0)
    consumed_ug = models.BigIntegerField(_("consumed (µg)"), default=0)
    returned_mass_ug = models.BigIntegerField(_("returned mass (µg)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=LoanItemStatus.choices, default=LoanItemStatus.PENDING)
    transferred_to = models.ForeignKey(Loan, null=True, blank=True, on_delete=models.PROTECT, related_name="transferred_in")
    allocated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["loan_id", "id"]
        verbose_name = _("loan item")
        constraints = [
            models.CheckConstraint(condition=Q(mass_ug__gte=0) & Q(approved_mass_ug__gte=0)
                                   & Q(destructive_allowance_ug__gte=0) & Q(consumed_ug__gte=0),
                                   name="loanitem_masses_not_negative"),
            models.CheckConstraint(condition=Q(consumed_ug__lte=models.F("destructive_allowance_ug")),
                                   name="loanitem_consumption_within_allowance"),
            # A sample is on at most one open loan item at a time.
            models.UniqueConstraint(fields=["sample"], condition=Q(closed_at__isnull=True) & Q(sample__isnull=False),
                                    name="loanitem_one_open_item_per_sample"),
        ]
        indexes = [models.Index(fields=["loan", "status"], name="loanitem_loan_status_idx")]

    def __str__(self) -> str:
        return f"{self.loan} · {self.sample.identifier if self.sample_id else self.get_status_display()}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_ITEM_STATUSES

    @property
    def allowance_left_ug(self) -> int:
        return self.destructive_allowance_ug - self.consumed_ug


def agreement_file_path(instance, filename: str) -> str:
    # Private: served only by the loan's permission-checked download (see lunarshare.files).
    return private_name("loans/agreements", filename)


class Agreement(models.Model):
    """The agreement document of a loan, generated from a versioned template.

    ``sha256`` is the hash of the generated (unsigned) PDF that both parties sign;
    ``signed_file``/``signed_sha256`` the PDF with both signatures, made when the agency signs.
    """

    loan = models.OneToOneField(Loan, on_delete=models.PROTECT, related_name="agreement")
    template_version = models.CharField(_("template version"), max_length=20)
    file = models.FileField(upload_to=agreement_file_path, max_length=255)
    sha256 = models.CharField(max_length=64)
    signed_file = models.FileField(upload_to=agreement_file_path, max_length=255, blank=True)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    generated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agreement")


class Signature(models.Model):
    """One party's signature: the typed name, the account that signed and when."""

    class Party(models.TextChoices):
        BORROWER = "borrower", _("Borrower's representative")
        AGENCY = "agency", _("Agency")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="signatures")
    party = models.CharField(max_length=10, choices=Party.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(_("typed name"), max_length=200)
    signed_at = models.DateTimeField(default=timezone.now)
    document_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["loan", "party"], name="signature_one_per_party")]


class Shipment(models.Model):
    """The hand-over of a loan's items to a courier (or to the borrower in person) and its receipt."""

    class Atmosphere(models.TextChoices):
        AIR = "air", _("Air")
        NITROGEN = "nitrogen", _("Dry nitrogen")
        ARGON = "argon", _("Argon")
        VACUUM = "vacuum", _("Vacuum")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="shipments")
    courier = models.CharField(_("courier"), max_length=120)
    tracking_number = models.CharField(_("tracking number"), max_length=120, blank=True)
    packaging = models.CharField(_("packaging"), max_length=255)
    atmosphere = models.CharField(_("atmosphere"), max_length=10, choices=Atmosphere.choices, default=Atmosphere.NITROGEN)
    condition_report = models.TextField(_("condition at dispatch"))
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    handed_over_to = models.CharField(_("handed over to"), max_length=200)
    shipped_at = models.DateTimeField(default=timezone.now)
    item_count = models.PositiveIntegerField(default=0)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(null=True, blank=True)
    receipt_condition_report = models.TextField(_("condition on receipt"), blank=True)

    class Meta:
        ordering = ["shipped_at", "id"]


class UseReport(models.Model):
    """A use of one item reported by the borrower. Destructive use carries the consumed mass,
    the ledger entry it wrote, and the link to the video record the agreement requires."""

    class Kind(models.TextChoices):
        NON_DESTRUCTIVE = "non_destructive", _("Non-destructive analysis")
        DESTRUCTIVE = "destructive", _("Destructive analysis")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="use_reports")
    item = models.ForeignKey(LoanItem, on_delete=models.PROTECT, related_name="use_reports")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    method = models.CharField(_("method"), max_length=200)
    performed_on = models.DateField(_("date"))
    mass_ug = models.BigIntegerField(_("consumed mass (µg)"), default=0)
    video_url = models.URLField(_("video record"), max_length=500, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    ledger_entry = models.ForeignKey("catalog.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(mass_ug__gte=0), name="usereport_mass_not_negative")]


class ExtensionRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    TRANSITIONS = {Status.REQUESTED: {Status.GRANTED, Status.REFUSED}, Status.GRANTED: set(), Status.REFUSED: set()}

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="extensions")
    requested_due_date = models.DateField(_("requested due date"))
    previous_due_date = models.DateField()
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["loan"], condition=Q(status="requested"),
                                               name="extension_one_open_request_per_loan")]


class Incident(models.Model):
    """Lost, stolen, damaged material or a mass discrepancy on return.

    ``reported`` → ``investigating`` → ``resolved``. ``written_off_ug`` is the mass taken out of
    the ledger (through ``sample_write_off``) when the incident was resolved as a loss.
    """

    class Kind(models.TextChoices):
        LOST = "lost", _("Lost")
        STOLEN = "stolen", _("Stolen")
        DAMAGED = "damaged", _("Damaged or contaminated")
        DISCREPANCY = "discrepancy", _("Mass discrepancy on return")

    class Status(models.TextChoices):
        REPORTED = "reported", _("Reported")
        INVESTIGATING = "investigating", _("Investigating")
        RESOLVED = "resolved", _("Resolved")

    TRANSITIONS = {
        Status.REPORTED: {Status.INVESTIGATING, Status.RESOLVED},
        Status.INVESTIGATING: {Status.RESOLVED},
        Status.RESOLVED: set(),
    }

    loan = models.ForeignKey(Loan, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    item = models.ForeignKey(LoanItem, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    sample = models.ForeignKey("catalog.Sample", null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    description = models.TextField(_("description"))
    expected_mass_ug = models.BigIntegerField(null=True, blank=True)
    measured_mass_ug = models.BigIntegerField(null=True, blank=True)
    written_off_ug = models.BigIntegerField(default=0)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("incident")

    def __str__(self) -> str:
        return f"INC-{self.pk:05d}" if self.pk else "INC-new"

    @property
    def difference_ug(self) -> int | None:
        if self.expected_mass_ug is None or self.measured_mass_ug is None:
            return None
        return self.measured_mass_ug - self.expected_mass_ug


class ReminderSent(models.Model):
    """One reminder about one loan for one milestone date. The unique key makes sending idempotent."""

    class Kind(models.TextChoices):
        DUE_IN_30 = "due_30", _("Due in 30 days")
        DUE_IN_7 = "due_7", _("Due in 7 days")
        DUE_TODAY = "due_0", _("Due today")
        OVERDUE = "overdue", _("Overdue (weekly, escalated to officers)")
        INVENTORY = "inventory", _("Annual inventory to confirm")

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    milestone = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    escalated = models.BooleanField(default=False)

    class Meta:
        ordering = ["-milestone", "-id"]
        constraints = [models.UniqueConstraint(fields=["loan", "kind", "milestone"], name="reminder_once_per_milestone")]


class InventoryConfirmation(models.Model):
    """The borrower's annual confirmation that they hold the items listed as with them."""

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="inventory_confirmations")
    year = models.PositiveSmallIntegerField()
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(default=timezone.now)
    item_count = models.PositiveIntegerField(default=0)
    held_mass_ug = models.BigIntegerField(default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["loan", "year"], name="inventory_once_per_year")]


class ReturnShipment(models.Model):
    """The borrower's declaration that material is on its way back: which items, by which
    carrier, with which tracking number. The curator receives it through the return page
    (reweighing each item); it is ``received`` once every declared item is closed.

    ``received_at`` is set by the return service, never by hand.
    """

    class Status(models.TextChoices):
        DECLARED = "declared", _("On its way back")
        RECEIVED = "received", _("Received")

    TRANSITIONS = {Status.DECLARED: {Status.RECEIVED}, Status.RECEIVED: set()}

    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="return_shipments")
    items = models.ManyToManyField(LoanItem, related_name="return_shipments")
    carrier = models.CharField(_("carrier"), max_length=120)
    tracking_number = models.CharField(_("tracking number"), max_length=120)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DECLARED)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(default=timezone.now)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["declared_at", "id"]
        indexes = [models.Index(fields=["status", "declared_at"], name="returnshipment_status_idx")]
