"""DOI and author-list validation. ORCID iDs use ``lunarshare.accounts.validators``."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lunarshare.accounts.validators import normalize_orcid

# Crossref's recommended pattern for modern DOIs: "10." + a registrant code of 4-9 digits
# (optionally dotted sub-codes) + "/" + a suffix of printable characters.
DOI_RE = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/[-._;()/:<>\[\]A-Za-z0-9+#%]+$")
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")


def normalize_doi(value: str) -> str:
    """Return the bare lower-case DOI (``10.1038/s41586-021-04100-2``), or raise ValidationError.

    DOIs are case-insensitive; storing them lower-case makes uniqueness meaningful.
    """
    text = (value or "").strip()
    for prefix in _DOI_PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
            break
    if len(text) > 200 or not DOI_RE.match(text):
        raise ValidationError(
            _("“%(value)s” is not a DOI (expected 10.<registrant>/<suffix>, such as 10.1038/s41586-021-04100-2).")
            % {"value": value}, code="doi_format",
        )
    return text.lower()


def validate_doi(value: str) -> None:
    normalize_doi(value)


def clean_authors(authors) -> list[dict]:
    """A list of ``{"name", "orcid"?, "affiliation"?}``; names required, ORCID iDs checked and normalised.

    Also accepts plain strings (a name each).
    """
    if authors is None:
        return []
    if not isinstance(authors, list | tuple):
        raise ValidationError(_("Authors must be a list."), code="authors")
    cleaned = []
    for position, author in enumerate(authors, start=1):
        if isinstance(author, str):
            author = {"name": author}
        if not isinstance(author, dict):
            raise ValidationError(_("Author %(n)s must have a name.") % {"n": position}, code="authors")
        name = str(author.get("name") or "").strip()
        if not name or len(name) > 200:
            raise ValidationError(_("Author %(n)s must have a name (at most 200 characters).") % {"n": position},
                                  code="authors")
        entry = {"name": name}
        orcid = str(author.get("orcid") or "").strip()
        if orcid:
            entry["orcid"] = normalize_orcid(orcid)
        affiliation = str(author.get("affiliation") or "").strip()
        if affiliation:
            entry["affiliation"] = affiliation[:300]
        cleaned.append(entry)
    if len(cleaned) > 500:
        raise ValidationError(_("At most 500 authors."), code="authors")
    return cleaned
