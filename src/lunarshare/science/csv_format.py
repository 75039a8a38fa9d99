"""The measurement upload format: parse and check every row, change nothing.

Header (exactly these columns, in any order; UTF-8, comma-separated, first line)::

    sample,property,value,unit,uncertainty,uncertainty_type,method

- ``sample``: a catalogue identifier (``12022``, ``CE5C0000YJYX048``); it must exist.
- ``property``: a known analyte or property, e.g. ``TiO2``, ``FeO``, ``Th``, ``Pb-Pb age``, ``Mg#``.
- ``value``: a decimal number (``3.84``, ``2.03e0``).
- ``unit``: a unit that fits the property: ``wt%``, ``ppm``, ``ppb``, ``µg/g`` for concentrations,
  ``Ga``, ``Ma``, ``ka`` for ages, empty for ratios such as ``Mg#``.
- ``uncertainty``: optional, same unit as the value, not negative.
- ``uncertainty_type``: ``1s`` or ``2s`` (also ``1σ``, ``2σ``, ``1sigma``, ``2sigma``); required when an
  uncertainty is given. ``unstated`` is for compiled values printed as "x ± y" whose source does
  not say which; it must be written out, never assumed.
- ``method``: optional free text (``SIMS``, ``ICP-MS``); part of the row's key.

A row's key is (sample, property, method): uploading the same file twice changes nothing.
Every error is reported with its line number; if there is any error nothing is imported.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from lunarshare import csvio

from .units import UnitError, canonical_property, normalise_unit, property_kind, to_canonical

HEADER = ("sample", "property", "value", "unit", "uncertainty", "uncertainty_type", "method")
MAX_ROWS = 100_000
MAX_BYTES = 20 * 1024 * 1024
_SIGMA = {"1s": "1s", "1σ": "1s", "1sigma": "1s", "1sd": "1s", "2s": "2s", "2σ": "2s", "2sigma": "2s", "2sd": "2s",
          "unstated": "unstated", "notstated": "unstated"}
_LIMIT = Decimal("1e17")
_QUANTUM = Decimal("1e-12")


@dataclass
class Row:
    line: int
    sample: str
    property: str
    kind: str
    value: Decimal
    unit: str
    value_canonical: float
    uncertainty: Decimal | None
    uncertainty_type: str
    uncertainty_canonical: float | None
    method: str
    sample_id: int | None = None
    mission_id: int | None = None

    @property
    def key(self) -> tuple:
        return (self.sample, self.property, self.method)


@dataclass
class ParseResult:
    rows: list[Row] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append({"line": line, "column": column, "message": str(message)})


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.strip().replace("−", "-"))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) >= _LIMIT:
        return None
    return number.quantize(_QUANTUM) if number.as_tuple().exponent < -12 else number


def parse(content, *, sample_lookup) -> ParseResult:
    """Check every row. ``content`` is a binary file (read as it streams, see
    :mod:`lunarshare.csvio`), bytes or text. ``sample_lookup(identifiers) -> {identifier: (sample_id, mission_id)}``."""
    result = ParseResult()
    rows = csvio.read_rows(content, max_bytes=MAX_BYTES, max_columns=len(HEADER) * 2)
    raw_rows: list[tuple[int, dict]] = []
    try:
        _line, header = next(rows, (1, None))
        if header is None:
            result.error(1, "", _("The file is empty. The first line must be the header: %(header)s.")
                         % {"header": ",".join(HEADER)})
            return result
        names = [h.strip().lower() for h in header]
        missing = [h for h in HEADER if h not in names]
        unknown = [csvio.shorten(h, 20) for h in names if h not in HEADER]
        if missing or unknown or len(set(names)) != len(names):
            result.error(1, "", _("The header must be exactly: %(header)s (missing: %(missing)s; unexpected: %(unknown)s).")
                         % {"header": ",".join(HEADER), "missing": ", ".join(missing) or "-",
                            "unknown": csvio.shorten(", ".join(unknown) or "-", 200)})
            return result
        index = {name: position for position, name in enumerate(names)}
        for line, record in rows:
            if not any(cell.strip() for cell in record):
                continue
            if len(raw_rows) >= MAX_ROWS:
                result.error(line, "", _("More than %(max)s rows; split the file.") % {"max": MAX_ROWS})
                return result
            if len(record) != len(names):
                result.error(line, "", _("Expected %(expected)s columns, found %(found)s.")
                             % {"expected": len(names), "found": len(record)})
                continue
            raw_rows.append((line, {name: record[index[name]].strip() for name in HEADER}))
    except csvio.CsvRejected as exc:
        result.error(exc.line, "", exc.problem)
        return result
    if not raw_rows and not result.errors:
        result.error(2, "", _("The file has a header but no rows."))
        return result

    samples = sample_lookup({cells["sample"] for _line, cells in raw_rows if cells["sample"]})
    seen: dict[tuple, int] = {}
    for line, cells in raw_rows:
        before = len(result.errors)
        sample = cells["sample"]
        if not sample:
            result.error(line, "sample", _("The sample is missing."))
        elif sample not in samples:
            result.error(line, "sample", _("Unknown sample “%(sample)s”: it is not in the catalogue.") % {"sample": csvio.shorten(sample)})
        prop = canonical_property(cells["property"])
        kind = property_kind(cells["property"]) if prop else None
        if not cells["property"]:
            result.error(line, "property", _("The property is missing."))
        elif prop is None:
            result.error(line, "property", _("Unknown property “%(property)s” (e.g. TiO2, FeO, Th, Pb-Pb age, Mg#).")
                         % {"property": csvio.shorten(cells["property"])})
        value = _decimal(cells["value"]) if cells["value"] else None
        if not cells["value"]:
            result.error(line, "value", _("The value is missing."))
        elif value is None:
            result.error(line, "value", _("“%(value)s” is not a number.") % {"value": csvio.shorten(cells["value"])})
        unit = None
        try:
            unit = normalise_unit(cells["unit"])
        except UnitError:
            result.error(line, "unit", _("Unknown unit “%(unit)s” (e.g. wt%%, ppm, Ma, Ga).") % {"unit": csvio.shorten(cells["unit"])})
        value_canonical = None
        if unit is not None and kind is not None:
            try:
                value_canonical = to_canonical(value if value is not None else 0, unit, kind)
            except UnitError:
                unit = None
                result.error(line, "unit", _("The unit “%(unit)s” does not fit %(property)s (a %(kind)s, e.g. in %(canonical)s).")
                             % {"unit": csvio.shorten(cells["unit"]) or "-", "property": prop, "kind": kind.label,
                                "canonical": kind.canonical_unit or _("no unit")})
        uncertainty = None
        if cells["uncertainty"]:
            uncertainty = _decimal(cells["uncertainty"])
            if uncertainty is None:
                result.error(line, "uncertainty", _("“%(value)s” is not a number.") % {"value": csvio.shorten(cells["uncertainty"])})
            elif uncertainty < 0:
                result.error(line, "uncertainty", _("An uncertainty cannot be negative."))
        sigma = _SIGMA.get(cells["uncertainty_type"].lower().replace(" ", "")) if cells["uncertainty_type"] else ""
        if cells["uncertainty"] and not cells["uncertainty_type"]:
            result.error(line, "uncertainty_type", _("An uncertainty needs its type: 1s, 2s (or unstated, for a source that does not say)."))
        elif cells["uncertainty_type"] and sigma is None:
            result.error(line, "uncertainty_type", _("Unknown uncertainty type “%(value)s”: use 1s, 2s or unstated.")
                         % {"value": csvio.shorten(cells["uncertainty_type"])})
        elif cells["uncertainty_type"] and not cells["uncertainty"]:
            result.error(line, "uncertainty", _("An uncertainty type is given but no uncertainty."))
        if len(cells["method"]) > 200:
            result.error(line, "method", _("The method is longer than 200 characters."))
        key = (sample, prop, cells["method"])
        if prop and sample and key in seen:
            result.error(line, "", _("Repeats line %(line)s (same sample, property and method).") % {"line": seen[key]})
        seen.setdefault(key, line)
        if len(result.errors) > before:
            continue
        uncertainty_canonical = to_canonical(uncertainty, unit, kind) if uncertainty is not None else None
        sample_id, mission_id = samples[sample]
        result.rows.append(Row(
            line=line, sample=sample, property=prop, kind=kind.code, value=value, unit=unit,
            value_canonical=value_canonical, uncertainty=uncertainty, uncertainty_type=sigma or "",
            uncertainty_canonical=uncertainty_canonical, method=cells["method"], sample_id=sample_id,
            mission_id=mission_id,
        ))
    return result


def render(rows) -> str:
    """Write measurement dicts (or objects with the HEADER attributes) in the upload format."""
    buffer = io.StringIO()
    writer = csvio.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        get = row.get if isinstance(row, dict) else (lambda name, r=row: getattr(r, name))
        writer.writerow(["" if get(name) is None else get(name) for name in HEADER])
    return buffer.getvalue()
