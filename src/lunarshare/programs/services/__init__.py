"""Every state change of the programs app. Import services from here."""

from .applications import (
    application_create,
    application_screen,
    application_screening_start,
    application_submit,
    application_update,
    application_withdraw,
    attachment_add,
    attachment_remove,
    check_pdf,
    check_window,
    compliance_evaluate,
    compliance_resolve,
)
from .decisions import application_decide
from .review import (
    conflict_declare,
    review_assign,
    review_declare_conflict,
    review_score,
    round_assign_reviewers,
    weighted_mean,
)
from .rounds import (
    compliance_rule_create,
    compliance_rule_deactivate,
    compliance_rules_add_standard,
    criterion_create,
    round_cancel,
    round_close,
    round_create,
    round_open,
    round_publish_results,
    round_update,
    rounds_close_due,
    sample_set_create,
)
from .rules import rule_document_create, rule_version_create, rule_version_publish

__all__ = [
    "application_create", "application_decide", "application_screen", "application_screening_start", "application_submit", "application_update",
    "application_withdraw", "attachment_add", "attachment_remove", "check_pdf", "check_window", "compliance_evaluate",
    "compliance_resolve", "compliance_rule_create", "compliance_rule_deactivate", "compliance_rules_add_standard",
    "conflict_declare",
    "criterion_create", "review_assign", "review_declare_conflict", "review_score", "round_assign_reviewers",
    "round_cancel", "round_close", "round_create", "round_open", "round_publish_results", "round_update", "rounds_close_due",
    "rule_document_create", "rule_version_create", "rule_version_publish", "sample_set_create", "weighted_mean",
]
