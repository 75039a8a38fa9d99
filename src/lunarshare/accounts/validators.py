"""Identifier validators: ORCID iD (ISO 7064 MOD 11-2 checksum) and ROR id (base32 + checksum)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORCID_RE = re.compile(r"^(?:https?://orcid\.org/)?(\d{4})-(\d{4})-(\d{4})-(\d{3}[\dX])$")
ROR_RE = re.compile(r"^(?:https?://ror\.org/)?(0[0-9a-hjkmnp-tv-z]{6})(\d{2})$")
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def orcid_checksum_ok(digits: str) -> bool:
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    remainder = (12 - total % 11) % 11
    check = "X" if remainder == 10 else str(remainder)
    return digits[-1] == check


def normalize_orcid(value: str) -> str:
    """Return the bare ``0000-0002-1825-0097`` form, or raise ValidationError."""
    match = ORCID_RE.match((value or "").strip().upper().replace("HTTPS://ORCID.ORG/", "https://orcid.org/").replace("HTTP://ORCID.ORG/", "http://orcid.org/"))
    if not match:
        raise ValidationError(_("“%(value)s” is not an ORCID iD (format 0000-0000-0000-000X)."), params={"value": value}, code="orcid_format")
    bare = "-".join(match.groups())
    if not orcid_checksum_ok(bare.replace("-", "")):
        raise ValidationError(_("“%(value)s” is not a valid ORCID iD: its check digit is wrong."), params={"value": value}, code="orcid_checksum")
    return bare


def validate_orcid(value: str) -> None:
    normalize_orcid(value)


def ror_checksum_ok(body: str, check: str) -> bool:
    number = 0
    for char in body:
        number = number * 32 + _CROCKFORD.index(char)
    return 98 - ((number * 100) % 97) == int(check)


def normalize_ror(value: str) -> str:
    """Return the bare 9-character ROR id (``02mhbdp94``), or raise ValidationError."""
    match = ROR_RE.match((value or "").strip().lower())
    if not match:
        raise ValidationError(_("“%(value)s” is not a ROR id (nine characters such as 02mhbdp94)."), params={"value": value}, code="ror_format")
    body, check = match.groups()
    if not ror_checksum_ok(body, check):
        raise ValidationError(_("“%(value)s” is not a valid ROR id: its checksum is wrong."), params={"value": value}, code="ror_checksum")
    return body + check


def validate_ror(value: str) -> None:
    normalize_ror(value)
