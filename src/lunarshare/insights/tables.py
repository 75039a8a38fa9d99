"""The dashboard's tables, declared once: the page, the CSV export and the tests read the same
columns. Each table is (slug, title, key in the statistics, columns); each column is
(key, header, kind) where kind ``mass`` is an integer of micrograms."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TABLES = [
    # registered = held + on loan + reserved/unannounced + consumed + lost + given + other (docs/statistics.md)
    ("mass-by-mission", _("Mass by mission"), "mass_by_mission", [
        ("name", _("Mission"), "text"), ("samples", _("Samples"), "int"),
        ("registered_ug", _("Registered"), "mass"), ("held_ug", _("Held in store"), "mass"),
        ("on_loan_ug", _("On loan now"), "mass"), ("unannounced_ug", _("Reserved or lent, not yet announced"), "mass"),
        ("consumed_ug", _("Consumed"), "mass"), ("lost_ug", _("Lost"), "mass"),
        ("given_ug", _("Given as gifts"), "mass"), ("other_ug", _("Other changes"), "mass"),
    ]),
    ("loans-by-country", _("Loans by country"), "loans_by_country", [
        ("country", _("Country code"), "text"), ("name", _("Country"), "text"), ("loans", _("Loans"), "int"),
        ("items", _("Samples lent"), "int"), ("mass_ug", _("Mass lent"), "mass"),
    ]),
    ("loans-by-institution", _("Loans by institution"), "loans_by_institution", [
        ("name", _("Institution"), "text"), ("country", _("Country code"), "text"), ("loans", _("Loans"), "int"),
        ("items", _("Samples lent"), "int"), ("mass_ug", _("Mass lent"), "mass"),
    ]),
    ("applications-per-round", _("Applications per round"), "applications_per_round", [
        ("title", _("Round"), "text"), ("published", _("Results published"), "text"),
        ("submitted", _("Submitted"), "int"), ("approved", _("Approved"), "int"),
        ("reduced", _("Approved with reduced mass"), "int"), ("rejected", _("Rejected"), "int"),
        ("approval_rate", _("Approval rate"), "rate"), ("institutions", _("Institutions"), "int"),
        ("countries", _("Countries"), "int"), ("requested_ug", _("Requested"), "mass"),
        ("approved_ug", _("Approved mass"), "mass"),
    ]),
    ("reach-over-time", _("Institutions and countries reached"), "reach_over_time", [
        ("year", _("Year"), "text"), ("new_institutions", _("New institutions"), "int"),
        ("new_countries", _("New countries"), "int"), ("institutions", _("Institutions in all"), "int"),
        ("countries", _("Countries in all"), "int"),
    ]),
    ("publications-per-year", _("Publications per year"), "publications_per_year", [
        ("year", _("Year"), "text"), ("publications", _("Publications"), "int"),
    ]),
    ("measurements-by-mission", _("Public measurements by mission"), "science.measurements_by_mission", [
        ("mission", _("Mission code"), "text"), ("measurements", _("Measurements"), "int"),
    ]),
]

BY_SLUG = {slug: (title, key, columns) for slug, title, key, columns in TABLES}


def rows_of(statistics: dict, key: str) -> list[dict]:
    value = statistics
    for part in key.split("."):
        value = value[part]
    return value
