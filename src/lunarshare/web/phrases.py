"""Words instead of codes: the one place that turns stored codes into phrases people read.

Statuses, types and kinds are ``TextChoices`` whose labels are already translated; they reach
templates as raw values wherever a page shows data that is not a model instance (genealogy
trees built in SQL, audit events' ``data``). Audit verbs (``lunarshare.loan.signed``) are
dotted codes made for machines. This module maps both to translated phrases, and
``web/templatetags/lunarshare.py`` exposes them as ``|choice_label`` and ``|event_phrase``.

``tests/test_phrases.py`` walks every verb written by the code and fails when one has no phrase
here: a new ``audit.record(verb=...)`` needs a line in ``VERB_PHRASES``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lunarshare.accounts.models import Role
from lunarshare.catalog.models import CustodyEvent, LedgerEntry, SampleCategory, SampleStatus, SampleType
from lunarshare.cooperation.models import CooperationAgreement, InternationalPayload
from lunarshare.loans.models import ExtensionRequest, Incident, LoanItemStatus, LoanStatus
from lunarshare.programs.models import ApplicationStatus, RoundStatus, SampleForm
from lunarshare.science.models import DatasetStatus

# Choice sets that templates name in ``{{ value|choice_label:"sample_type" }}``.
CHOICES = {
    "sample_type": SampleType,
    "sample_status": SampleStatus,
    "sample_category": SampleCategory,
    "sample_form": SampleForm,
    "ledger_kind": LedgerEntry.Kind,
    "custody_kind": CustodyEvent.Kind,
    "loan_status": LoanStatus,
    "loan_item_status": LoanItemStatus,
    "application_status": ApplicationStatus,
    "round_status": RoundStatus,
    "dataset_status": DatasetStatus,
    "role": Role,
}

# The status set an event's ``data["new"]``/``data["new_status"]`` belongs to, by the event's
# subject (``Event.subject_type`` is the model's ``app_label.model_name``).
STATUS_CHOICES_BY_SUBJECT = {
    "loans.loan": LoanStatus,
    "loans.loanitem": LoanItemStatus,
    "loans.incident": Incident.Status,
    "loans.extensionrequest": ExtensionRequest.Status,
    "catalog.sample": SampleStatus,
    "programs.application": ApplicationStatus,
    "programs.round": RoundStatus,
    "science.dataset": DatasetStatus,
    "cooperation.cooperationagreement": CooperationAgreement.Status,
    "cooperation.internationalpayload": InternationalPayload.Status,
}


def _custody_verbs() -> dict:
    phrases = {
        CustodyEvent.Kind.REGISTERED: (_("Custody: registered"), _("Custody: registered (several samples)")),
        CustodyEvent.Kind.MOVED: (_("Custody: moved to another store"), _("Custody: moved (several samples)")),
        CustodyEvent.Kind.SHIPPED: (_("Custody: shipped to the borrower"), _("Custody: shipped (several samples)")),
        CustodyEvent.Kind.RECEIVED: (_("Custody: received by the borrower"), _("Custody: received by the borrower (several samples)")),
        CustodyEvent.Kind.RETURNED: (_("Custody: returned to the agency"), _("Custody: returned to the agency (several samples)")),
        CustodyEvent.Kind.TRANSFERRED: (_("Custody: transferred to another loan"), _("Custody: transferred (several samples)")),
        CustodyEvent.Kind.LOST: (_("Custody: reported lost"), _("Custody: reported lost (several samples)")),
        CustodyEvent.Kind.RECOVERED: (_("Custody: recovered"), _("Custody: recovered (several samples)")),
    }
    verbs = {}
    for kind, (one, many) in phrases.items():
        verbs[f"sample.custody_{kind}"] = one
        verbs[f"sample.custody_{kind}_bulk"] = many
    return verbs


VERB_PHRASES = {
    # audit trust and backups
    "audit.checkpoint_written": _("Audit log checkpoint signed"),
    "backup.created": _("Backup written"),
    "backup.restored": _("Backup restored"),
    "backup.pruned": _("Old backups removed"),
    # accounts
    "user.created": _("Account created"),
    "user.profile_updated": _("Profile updated"),
    "user.role_granted": _("Role granted"),
    "user.role_revoked": _("Role revoked"),
    "user.role_grant_requested": _("Role requested (awaiting a second officer)"),
    "user.role_grant_rejected": _("Role request rejected"),
    "user.role_grant_cancelled": _("Role request withdrawn"),
    "user.deactivated": _("Account deactivated"),
    "user.token_created": _("API token created"),
    "user.token_revoked": _("API token revoked"),
    "user.tokens_revoked": _("All API tokens revoked"),
    "user.password_changed": _("Password changed"),
    "institution.created": _("Institution registered"),
    "affiliation.requested": _("Affiliation requested"),
    "affiliation.confirmed": _("Affiliation confirmed"),
    "affiliation.rejected": _("Affiliation rejected"),
    "notification.read": _("Notification read"),
    # catalogue
    "sample.registered": _("Sample registered"),
    "sample.imported": _("Samples imported"),
    "sample.split": _("Sample split into pieces"),
    "sample.reweighed": _("Sample reweighed"),
    "sample.consumed": _("Material consumed"),
    "sample.written_off": _("Sample written off"),
    "sample.moved": _("Sample moved"),
    "sample.described": _("Sample description changed"),
    "sample.status_changed": _("Sample status changed"),
    "sample.status_changed_bulk": _("Status of several samples changed"),
    "catalog.import_done": _("Catalogue import finished"),
    "catalog.import_rejected": _("Catalogue import refused"),
    "import_job.queued": _("Catalogue import queued"),
    "import_job.running": _("Catalogue import started"),
    "import_job.done": _("Catalogue import finished"),
    "import_job.rejected": _("Catalogue import refused"),
    "import_job.failed": _("Catalogue import failed"),
    "opendata.package_published": _("Open-data package published"),
    **_custody_verbs(),
    # programmes
    "rule.created": _("Rule document created"),
    "rule.version_created": _("Rule version drafted"),
    "rule.version_published": _("Rule version published"),
    "round.created": _("Round created"),
    "round.updated": _("Round updated"),
    "round.opened": _("Round opened"),
    "round.closed": _("Round closed"),
    "round.cancelled": _("Round cancelled"),
    "round.sample_set_added": _("Sample set added to the round"),
    "round.criterion_added": _("Review criterion added"),
    "round.compliance_rule_added": _("Compliance rule added"),
    "round.compliance_rule_deactivated": _("Compliance rule switched off"),
    "round.reviewers_assigned": _("Reviewers assigned"),
    "round.results_published": _("Results published"),
    "application.created": _("Application started"),
    "application.updated": _("Application edited"),
    "application.submitted": _("Application submitted"),
    "application.withdrawn": _("Application withdrawn"),
    "application.attachment_added": _("Attachment added"),
    "application.attachment_removed": _("Attachment removed"),
    "application.screening_started": _("Screening started"),
    "application.screened_passed": _("Screening passed; sent to review"),
    "application.returned": _("Returned to the applicant for correction"),
    "application.flag_resolved": _("Legal-review flag resolved"),
    "application.approved": _("Application approved"),
    "application.reduced": _("Application approved with reduced mass"),
    "application.rejected": _("Application rejected"),
    "review.assigned": _("Review assigned"),
    "review.conflict_declared": _("Reviewer declared a conflict of interest"),
    "reviewer.conflict_declared": _("Reviewer declared a conflict of interest"),
    "review.scored": _("Review scored"),
    # loans
    "loan.created": _("Loan agreement drafted"),
    "loan.signed": _("Loan agreement signed"),
    "loan.allocated": _("Material allocated"),
    "loan.allocated_bulk": _("Material allocated (several samples)"),
    "loan.shipped": _("Shipped to the borrower"),
    "loan.received": _("Receipt confirmed by the borrower"),
    "loan.inventory_confirmed": _("Inventory confirmed"),
    "loan.use_reported": _("Use reported"),
    "loan.item_transferred": _("Item transferred to another loan"),
    "loan.returned": _("Material returned"),
    "loan.return_declared": _("Return shipment declared by the borrower"),
    "loan.recalled": _("Loan recalled"),
    "loan.closed": _("Loan closed"),
    "loan.cancelled": _("Loan cancelled"),
    "loan.extension_requested": _("Extension requested"),
    "loan.extension_granted": _("Extension granted"),
    "loan.extension_refused": _("Extension refused"),
    "loan.incident_reported": _("Incident reported"),
    "loan.incident_opened": _("Incident opened"),
    "loan.incident_investigating": _("Incident under investigation"),
    "loan.incident_resolved": _("Incident resolved"),
    "loan.reminder_sent": _("Reminder sent"),
    "loan.reminder_overdue": _("Overdue reminder sent"),
    "loan.reminder_inventory": _("Inventory reminder sent"),
    # science
    "dataset.created": _("Dataset created"),
    "dataset.file_added": _("File added to the dataset"),
    "dataset.measurements_uploaded": _("Measurements uploaded"),
    "dataset.embargo_changed": _("Embargo changed"),
    "dataset.released": _("Dataset released"),
    "publication.reported": _("Publication reported"),
    "science.watch_started": _("Started following a mission"),
    "science.watch_stopped": _("Stopped following a mission"),
    # cooperation
    "partner.created": _("Partner registered"),
    "partner.updated": _("Partner updated"),
    "agreement.created": _("Cooperation agreement registered"),
    "agreement.updated": _("Cooperation agreement updated"),
    "agreement.status_changed": _("Cooperation agreement status changed"),
    "agreement.document_added": _("Document added to the agreement"),
    "payload.created": _("Payload registered"),
    "payload.updated": _("Payload updated"),
    "payload.status_changed": _("Payload status changed"),
    "payload.data_products_changed": _("Payload data products changed"),
    "gift.recorded": _("Gift recorded"),
}

UNKNOWN_VERB = pgettext_lazy("audit event without a phrase", "Recorded change")


def verb_key(verb: str) -> str:
    """``lunarshare.loan.signed`` → ``loan.signed`` (the form code writes)."""
    return verb.removeprefix("lunarshare.")


def verb_phrase(verb: str) -> str:
    """The phrase for an audit verb; never the code itself, even for a verb without a phrase
    (the test catches those; a page must not show ``loan.something_new`` meanwhile)."""
    return str(VERB_PHRASES.get(verb_key(verb), UNKNOWN_VERB))


def choice_label(value, choices_name: str) -> str:
    """``choice_label("rock_chip", "sample_type")`` → "Rock chip" in the active language."""
    choices = CHOICES[choices_name]
    return str(choices(value).label) if value in choices.values else str(value or "")


def status_label(subject_type: str, value) -> str:
    choices = STATUS_CHOICES_BY_SUBJECT.get(subject_type)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return ""


def event_phrase(event) -> str:
    """One line for an audit event: its phrase and, when it moved a status, the new status in
    words ("Loan agreement signed → Agreement awaiting the agency's signature")."""
    data = event.data or {}
    new = data.get("new_status", data.get("new"))
    target = status_label(event.subject_type, new) if isinstance(new, str) else ""
    phrase = verb_phrase(event.verb)
    return f"{phrase} → {target}" if target else phrase
