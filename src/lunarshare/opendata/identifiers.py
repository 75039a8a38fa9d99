"""How LunarShare records are named for the wider world (see docs/open-data.md, "Identifiers").

- A sample's stable id is ``Sample.uid`` (URL-safe, never changes); its landing URL is
  ``/s/<uid>`` and its DOI ``<LUNARSHARE_DOI_PREFIX>/ls.s.<uid>`` (IGSN-style, DataCite type
  ``PhysicalObject``). The mission's own code (``74001,6040``, ``CE5C0400YJFM00901``) is kept as
  the sample's ``identifier`` and sent to DataCite as an alternate identifier.
- A dataset's stable id is its number; its landing URL is ``/d/<id>`` and, unless the dataset
  already carries a DOI, its DOI is ``<prefix>/ls.d.<id>``.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def doi_prefix() -> str:
    return getattr(settings, "LUNARSHARE_DOI_PREFIX", "10.80000")


def sample_doi(sample) -> str:
    return f"{doi_prefix()}/ls.s.{sample.uid}"


def dataset_doi(dataset) -> str:
    return dataset.doi or f"{doi_prefix()}/ls.d.{dataset.pk}"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def sample_landing_url(sample) -> str:
    return absolute(reverse("opendata:sample-landing", args=[sample.uid]))


def dataset_landing_url(dataset) -> str:
    return absolute(reverse("opendata:dataset-landing", args=[dataset.pk]))
