"""Every state change of a loan, one function per action, grouped by topic (zulip's actions/ style)."""

from .agreement import loan_cancel, loan_close, loan_create_from_application, loan_sign
from .allocation import Pick, loan_allocate, loan_allocate_bulk
from .common import return_tolerance_ug, scanned_identifiers
from .incidents import incident_investigate, incident_report, incident_resolve
from .inventory import inventory_confirm
from .reminders import loan_send_reminders
from .returns import ReturnLine, loan_declare_return, loan_item_transfer, loan_return, parse_return_lines
from .shipment import loan_receive, loan_ship
from .terms import extension_grant, extension_refuse, extension_request, loan_extend, loan_recall
from .use import loan_report_use

__all__ = [
    "Pick", "ReturnLine", "extension_grant", "extension_refuse", "extension_request", "incident_investigate",
    "incident_report", "incident_resolve", "inventory_confirm", "loan_allocate", "loan_allocate_bulk", "loan_cancel",
    "loan_close", "loan_declare_return", "loan_extend", "loan_create_from_application", "loan_item_transfer", "loan_receive", "loan_recall", "loan_report_use",
    "loan_return", "loan_send_reminders", "loan_ship", "loan_sign", "parse_return_lines", "return_tolerance_ug",
    "scanned_identifiers",
]
