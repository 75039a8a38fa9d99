"""Exact mass arithmetic. Masses are integer micrograms (µg) everywhere below the UI.

Parsing goes through :class:`decimal.Decimal`, never float, so "12.345 mg" is exactly 12345 µg.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .errors import ValidationFailed

UG_PER_MG = 1_000
UG_PER_G = 1_000_000
# 10 t in µg: larger than any collection on Earth, small enough for a signed 64-bit column.
MAX_MASS_UG = 10**16

_UNIT_FACTORS = {"ug": 1, "µg": 1, "mg": UG_PER_MG, "g": UG_PER_G, "kg": 1_000 * UG_PER_G}


def parse_mass(value: str | int | Decimal, unit: str = "mg", *, allow_zero: bool = False) -> int:
    """Return ``value`` (in ``unit``) as integer µg; refuse anything not exactly representable."""
    if unit not in _UNIT_FACTORS:
        raise ValidationFailed(_("Unknown mass unit “%(unit)s”.") % {"unit": unit})
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not amount.is_finite():
        raise ValidationFailed(_("“%(value)s” is not a number.") % {"value": value})
    micrograms = amount * _UNIT_FACTORS[unit]
    if micrograms != micrograms.to_integral_value():
        raise ValidationFailed(
            _("%(value)s %(unit)s is finer than one microgram.") % {"value": value, "unit": unit}
        )
    result = int(micrograms)
    if result < 0 or (result == 0 and not allow_zero):
        raise ValidationFailed(_("A mass must be greater than zero."))
    if result > MAX_MASS_UG:
        raise ValidationFailed(_("A mass of %(value)s %(unit)s is beyond any collection.") % {"value": value, "unit": unit})
    return result


def format_mass(mass_ug: int | None) -> str:
    """Human display: g above one gram, mg above one milligram, else µg. Exact, no float.

    Digits are grouped and the decimal mark chosen for the active language through Django's
    format modules ("1,935.3 g" in English and Chinese; SI unit symbols in both, as Chinese
    scientific writing uses them). Outside a request the default language's formats apply.
    """
    if mass_ug is None:
        return "—"
    sign = "-" if mass_ug < 0 else ""
    value = abs(int(mass_ug))
    if value >= UG_PER_G:
        amount, unit = Decimal(value) / UG_PER_G, "g"
    elif value >= UG_PER_MG:
        amount, unit = Decimal(value) / UG_PER_MG, "mg"
    else:
        amount, unit = Decimal(value), "µg"
    # Exact decimal with no trailing zeros ("157.6", "1731"), then localised digit grouping.
    text = f"{amount:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{sign}{number_format(Decimal(text), force_grouping=True)} {unit}"


def format_mass_brief(mass_ug: int | None, significant: int = 4) -> str:
    """Tables and charts: the unit of ``format_mass`` with ``significant`` digits, never fewer
    than whole units ("382,931 g", "1,731 g", "99.51 g", "1.31 g", "64 mg"), so a figure fits
    its cell and is read at a glance. The exact µg stay in the data (API, CSV)."""
    if mass_ug is None:
        return "—"
    sign = "-" if mass_ug < 0 else ""
    value = abs(int(mass_ug))
    if value == 0:
        return "0"
    factor, unit = (UG_PER_G, "g") if value >= UG_PER_G else (UG_PER_MG, "mg") if value >= UG_PER_MG else (1, "µg")
    amount = Decimal(value) / factor
    decimals = max(0, significant - len(str(int(amount))))
    amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    text = f"{amount:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{sign}{number_format(Decimal(text), force_grouping=True)} {unit}"
