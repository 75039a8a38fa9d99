"""The public statistics page and its CSV exports."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from lunarshare import csvio
from lunarshare.mass import format_mass_brief
from lunarshare.permissions import public

from . import selectors
from .tables import BY_SLUG, TABLES, rows_of


def _cell(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "mass":
        return format_mass_brief(value)
    if kind == "rate":
        return f"{number_format(value * 100, 1)} %"
    if kind == "int":
        return number_format(value, force_grouping=True)
    return str(value)


@public
def dashboard(request):
    statistics = selectors.public_statistics()
    tables = []
    for slug, title, key, columns in TABLES:
        rows = rows_of(statistics, key)
        tables.append({
            "slug": slug, "title": title, "columns": columns, "wide": len(columns) > 6,
            "rows": [[(_cell(row.get(c), kind), kind) for c, _h, kind in columns] for row in rows],
        })
    totals = {key: (format_mass_brief(value) if key.endswith("_ug") else number_format(value, force_grouping=True))
              for key, value in statistics["totals"].items()}
    return render(request, "insights/dashboard.html", {
        "statistics": statistics, "totals": totals, "computed_at": datetime.fromisoformat(statistics["computed_at"]), "tables": {t["slug"]: t for t in tables}, "labels": _chart_labels()})


def _chart_labels() -> dict:
    """Series names and axis titles for the charts, in the page's language."""
    return {
        "held": _("Held in store"), "on_loan": _("On loan now"), "returned": _("Returned"),
        "unannounced": _("Reserved or lent, not yet announced"), "other": _("Other changes"),
        "consumed": _("Consumed"), "lost": _("Lost"), "given": _("Given as gifts"), "lent": _("Lent (all loans)"),
        "share": _("Share of the registered mass (%)"),
        "grams": _("grams"), "mass_lent_g": _("Mass lent (g)"), "loans": _("Loans"),
        "submitted": _("Submitted"), "approved": _("Approved"), "reduced": _("Approved with reduced mass"),
        "rejected": _("Rejected"), "approval_rate": _("Approval rate (%)"), "applications": _("Applications"),
        "institutions": _("Institutions in all"), "countries": _("Countries in all"),
        "publications": _("Publications"), "measurements": _("Measurements"),
    }


@public
def csv_export(request, slug: str):
    """One table as CSV: exact integers (masses in µg), headers in the page's language."""
    if slug not in BY_SLUG:
        raise Http404
    title, key, columns = BY_SLUG[slug]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="lunarshare-{slug}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read UTF-8 (Chinese names) correctly
    writer = csvio.writer(response)
    writer.writerow([f"{header} (µg)" if kind == "mass" else str(header) for _c, header, kind in columns])
    for row in rows_of(selectors.public_statistics(), key):
        writer.writerow(["" if row.get(c) is None else row.get(c) for c, _h, _k in columns])
    return response
