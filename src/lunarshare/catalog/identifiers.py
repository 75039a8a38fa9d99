"""Sample identifier conventions.

- Apollo and Luna: a generic number (``10084``, ``L1608``) and splits numbered across the
  whole generic: ``10084,1``, ``10084,2`` … A split of a split gets the next number of the
  same generic (the NASA practice: ``74001,6040`` names split 6040 of generic 74001 whatever
  its parent), and the genealogy lives in the parent link.
- Chang'e: sample codes such as ``CE5C0400`` (C scoop, Z drill). A split appends a two-digit
  serial to its parent's code, so ``CE5C0400YJFM009`` → ``CE5C0400YJFM00901``, the pattern of
  the codes published in papers (``CE5C0400YJFM00901``). Past 99 the serial grows a digit.
"""

from __future__ import annotations

import re

from django.db.models import Max
from django.utils.translation import gettext as _

from lunarshare.errors import ValidationFailed

IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9,.\-_]{0,63}$")
SPLIT_SUFFIX_RE = re.compile(r"^(?P<generic>[^,]+),(?P<number>\d+)$")


def validate_identifier(identifier: str) -> str:
    identifier = (identifier or "").strip()
    if not IDENTIFIER_RE.match(identifier):
        raise ValidationFailed(
            _("“%(identifier)s” is not a valid sample identifier: use letters, digits and , . - _ (at most 64).")
            % {"identifier": identifier}
        )
    return identifier


def split_number_of(identifier: str, parent_identifier: str | None, convention: str) -> int | None:
    """The numeric split suffix an identifier carries under its mission's convention, if any."""
    if convention == "change":
        if parent_identifier and identifier.startswith(parent_identifier):
            rest = identifier[len(parent_identifier):]
            return int(rest) if rest.isascii() and rest.isdigit() else None  # “²”.isdigit() is True
        return None
    match = SPLIT_SUFFIX_RE.match(identifier)
    return int(match["number"]) if match else None


def next_child_identifiers(parent, count: int) -> list[tuple[str, int]]:
    """``count`` fresh ``(identifier, split_number)`` pairs for children of ``parent``.

    Callers hold a lock that serialises numbering (the generic root row), so the maximum read
    here cannot be taken by someone else before the children are inserted.
    """
    from .models import Sample

    if parent.mission.id_convention == "change":
        last = Sample.objects.filter(parent=parent).aggregate(m=Max("split_number"))["m"] or 0
        return [(f"{parent.identifier}{n:02d}", n) for n in range(last + 1, last + 1 + count)]
    last = Sample.objects.filter(generic=parent.generic).aggregate(m=Max("split_number"))["m"] or 0
    return [(f"{parent.generic},{n}", n) for n in range(last + 1, last + 1 + count)]
