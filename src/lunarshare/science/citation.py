"""How a dataset is cited, and its DataCite-style metadata (schema 4 field names)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import LICENCE_URLS, Dataset

DEFAULT_PUBLISHER = "LunarShare"


def _year(dataset: Dataset) -> int:
    moment = dataset.released_at or dataset.created_at or timezone.now()
    return moment.year


def _author_names(dataset: Dataset) -> str:
    names = [a.get("name", "") for a in dataset.authors or [] if a.get("name")]
    if not names:
        return dataset.publisher or DEFAULT_PUBLISHER
    if len(names) > 10:
        return "; ".join(names[:10]) + "; et al."
    return "; ".join(names)


def citation_text(dataset: Dataset, *, landing_url: str = "") -> str:
    """``Authors (year). Title [Data set]. Publisher. https://doi.org/… (or the landing page).``"""
    locator = f"https://doi.org/{dataset.doi}" if dataset.doi else landing_url
    parts = [f"{_author_names(dataset)} ({_year(dataset)}). {dataset.title} [{_('Data set')}].",
             f"{dataset.publisher or DEFAULT_PUBLISHER}."]
    if locator:
        parts.append(locator)
    return " ".join(parts)


def datacite_metadata(dataset: Dataset, *, landing_url: str = "") -> dict:
    """DataCite Metadata Schema 4 properties as JSON. ``identifiers`` holds a DOI only when one was
    given; otherwise the landing URL is the identifier (LunarShare never mints DOIs)."""
    creators = []
    for author in dataset.authors or []:
        creator = {"name": author.get("name", ""), "nameType": "Personal"}
        if author.get("orcid"):
            creator["nameIdentifiers"] = [{"nameIdentifier": f"https://orcid.org/{author['orcid']}",
                                           "nameIdentifierScheme": "ORCID", "schemeUri": "https://orcid.org"}]
        if author.get("affiliation"):
            creator["affiliation"] = [{"name": author["affiliation"]}]
        creators.append(creator)
    if not creators:
        creators.append({"name": dataset.publisher or DEFAULT_PUBLISHER, "nameType": "Organizational"})
    identifiers = ([{"identifier": dataset.doi, "identifierType": "DOI"}] if dataset.doi
                   else [{"identifier": landing_url, "identifierType": "URL"}] if landing_url else [])
    dates = [{"date": dataset.created_at.date().isoformat(), "dateType": "Created"}] if dataset.created_at else []
    if dataset.released_at:
        dates.append({"date": dataset.released_at.date().isoformat(), "dateType": "Available"})
    elif dataset.embargo_until:
        dates.append({"date": f"{dataset.created_at.date().isoformat()}/{dataset.embargo_until.isoformat()}"
                      if dataset.created_at else dataset.embargo_until.isoformat(), "dateType": "Other",
                      "dateInformation": "embargo"})
    related = [{"relatedIdentifier": p.doi, "relatedIdentifierType": "DOI", "relationType": "IsCitedBy"}
               for p in dataset.publications.exclude(doi="")]
    samples = list(dataset.samples.select_related("mission").order_by("identifier")[:500])
    descriptions = []
    if dataset.description:
        descriptions.append({"description": dataset.description, "descriptionType": "Abstract"})
    if dataset.method or dataset.instrument or dataset.laboratory:
        descriptions.append({"description": "; ".join(x for x in (dataset.method, dataset.instrument, dataset.laboratory) if x),
                             "descriptionType": "Methods"})
    if dataset.sources:
        descriptions.append({"description": dataset.sources, "descriptionType": "Other"})
    return {
        "schemaVersion": "http://datacite.org/schema/kernel-4",
        "identifiers": identifiers,
        "doi": dataset.doi or None,
        "url": landing_url or None,
        "creators": creators,
        "titles": [{"title": dataset.title}],
        "publisher": {"name": dataset.publisher or DEFAULT_PUBLISHER},
        "publicationYear": str(_year(dataset)),
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Lunar sample measurements"},
        "subjects": [{"subject": k} for k in dataset.keywords or []]
        + [{"subject": f"{s.mission.name} sample {s.identifier}"} for s in samples],
        "dates": dates,
        "language": "en",
        "rightsList": [{"rights": dataset.get_licence_display(), "rightsUri": LICENCE_URLS.get(dataset.licence, ""),
                        "rightsIdentifier": dataset.licence.lower(), "rightsIdentifierScheme": "SPDX"}],
        "descriptions": descriptions,
        "relatedIdentifiers": related,
        "formats": ["text/csv"],
        "version": "1",
        "sizes": [f"{dataset.measurements.count()} measurements"],
        "alternateIdentifiers": [{"alternateIdentifier": str(dataset.pk), "alternateIdentifierType": "LunarShare dataset id"}],
        "_lunarshare": {"status": dataset.status, "embargo_until": dataset.embargo_until.isoformat() if dataset.embargo_until else None,
                        "site": getattr(settings, "SITE_NAME", "LunarShare")},
    }
