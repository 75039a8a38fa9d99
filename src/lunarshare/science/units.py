"""Properties (analytes) and their units: the one place that knows what ``TiO2`` or ``Pb-Pb age`` is.

Units are parsed with pint in a project registry that also knows the geochemists' spellings
``wt%`` (weight per cent) and ``ppm``/``ppb`` (by mass). Each property belongs to a kind, and
every kind has one canonical unit in which values are compared: ages in Ga, oxides in wt%,
trace elements in ppm, ratios (Mg#) without a unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pint
from django.utils.translation import gettext_lazy as _

OXIDES = ("SiO2", "TiO2", "Al2O3", "Cr2O3", "FeO", "Fe2O3", "FeOT", "MnO", "MgO", "CaO", "Na2O", "K2O", "P2O5")
ELEMENTS = (
    "Li", "Be", "B", "Sc", "V", "Cr", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "Rb", "Sr", "Y", "Zr", "Nb", "Cs", "Ba",
    "La", "Ce", "Pr", "Nd", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Ir", "Au",
    "Pb", "Th", "U", "S", "Cl", "F", "H2O",
)
AGE_METHODS = ("Pb-Pb", "U-Pb", "Ar-Ar", "K-Ar", "Rb-Sr", "Sm-Nd", "Lu-Hf", "exposure", "crystallisation", "model")
RATIOS = ("Mg#",)


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    canonical_unit: str  # display spelling
    dimension: str  # pint dimensionality as text


KINDS = {
    "oxide": Kind("oxide", _("major oxide"), "wt%", "dimensionless"),
    "element": Kind("element", _("trace element"), "ppm", "dimensionless"),
    "age": Kind("age", _("age"), "Ga", "[time]"),
    "ratio": Kind("ratio", _("ratio"), "", "dimensionless"),
}

PROPERTIES: dict[str, str] = {}
PROPERTIES.update({name: "oxide" for name in OXIDES})
PROPERTIES.update({name: "element" for name in ELEMENTS})
PROPERTIES.update({f"{method} age": "age" for method in AGE_METHODS})
PROPERTIES.update({name: "ratio" for name in RATIOS})
_CASEFOLD = {name.casefold(): name for name in PROPERTIES}

# How users write units → what pint parses. Display spellings are kept for round trips.
_ALIASES = {
    "wt%": "weight_percent", "wt.%": "weight_percent", "wt %": "weight_percent", "wt_pct": "weight_percent",
    "%": "percent", "ppm": "ppm", "ppb": "ppb", "µg/g": "microgram/gram", "ug/g": "microgram/gram",
    "ng/g": "nanogram/gram", "mg/kg": "milligram/kilogram", "Ga": "gigayear", "Ma": "megayear", "ka": "kiloyear",
    "Gyr": "gigayear", "Myr": "megayear", "b.y.": "gigayear", "m.y.": "megayear", "a": "year", "yr": "year",
    "": "dimensionless", "1": "dimensionless",
}
_DISPLAY = {"weight_percent": "wt%", "gigayear": "Ga", "megayear": "Ma", "kiloyear": "ka", "year": "a",
            "microgram/gram": "µg/g", "nanogram/gram": "ng/g", "milligram/kilogram": "mg/kg", "dimensionless": ""}


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    ureg = pint.UnitRegistry()
    ureg.define("weight_percent = 0.01 = wt_percent")
    ureg.define("ppb = 1e-9")
    return ureg


class UnitError(ValueError):
    pass


def canonical_property(name: str) -> str | None:
    """The registered spelling of a property (``tio2`` → ``TiO2``), or None when unknown."""
    return _CASEFOLD.get((name or "").strip().casefold())


def property_kind(name: str) -> Kind | None:
    canonical = canonical_property(name)
    return KINDS[PROPERTIES[canonical]] if canonical else None


# Names that stand for a group of properties in comparisons: ``age`` compares every dated age.
PROPERTY_GROUPS = {"age": tuple(f"{method} age" for method in AGE_METHODS)}


def expand_property(name: str) -> tuple[str, ...]:
    """The properties a comparison over ``name`` covers (a group or one property); empty if unknown."""
    key = (name or "").strip()
    if key.casefold() in PROPERTY_GROUPS:
        return PROPERTY_GROUPS[key.casefold()]
    canonical = canonical_property(key)
    return (canonical,) if canonical else ()


def comparison_kind(name: str) -> Kind | None:
    names = expand_property(name)
    return KINDS[PROPERTIES[names[0]]] if names else None


def property_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(PROPERTIES, key=lambda n: (PROPERTIES[n], n))]


@lru_cache(maxsize=256)
def _parse_unit(text: str) -> tuple[str, str]:
    """(pint expression, display spelling) for a unit text; raises UnitError."""
    text = (text or "").strip()
    expression = _ALIASES.get(text, text)
    if not re.fullmatch(r"[A-Za-zµ0-9_/.*^ %]*", expression):
        raise UnitError(text)
    try:
        unit = registry().parse_units(expression)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError, TypeError, ValueError,
            AssertionError):
        raise UnitError(text) from None
    display = _DISPLAY.get(expression, text)
    return str(unit), display


def normalise_unit(text: str) -> str:
    """The display spelling of a valid unit (``wt.%`` → ``wt%``); raises UnitError."""
    return _parse_unit(text)[1]


def to_canonical(value: Decimal | float, unit: str, kind: Kind) -> float:
    """``value`` in ``unit`` expressed in the kind's canonical unit; raises UnitError on a wrong dimension."""
    expression, _display = _parse_unit(unit)
    ureg = registry()
    quantity = ureg.Quantity(float(value), ureg.parse_units(expression))
    target = ureg.parse_units(_ALIASES[kind.canonical_unit])
    if quantity.dimensionality != target.dimensionality:
        raise UnitError(unit)
    # 12 significant digits: drop binary noise such as 0.49999999999999994 for 5000 ppm.
    return float(f"{quantity.to(target).magnitude:.12g}")


def unit_fits_kind(unit: str, kind: Kind) -> bool:
    try:
        to_canonical(1, unit, kind)
    except UnitError:
        return False
    return True
