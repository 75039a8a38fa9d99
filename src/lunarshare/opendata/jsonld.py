"""schema.org JSON-LD for landing pages: ``Dataset`` (Google Dataset rich results: name,
description, license, creator, distribution with contentUrl/encodingFormat, temporal and spatial
coverage, identifier) and Bioschemas-style ``Sample`` (identifier, name, url, additionalProperty).

Built from the DataCite metadata of :mod:`.datacite`, so the page, the XML and the harvest say
the same thing.
"""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from .datacite import collection_method, dataset_metadata, sample_metadata
from .identifiers import absolute

BIOSCHEMAS_SAMPLE = "https://bioschemas.org/profiles/Sample/0.2-RELEASE-2019_06_14"
MIN_DESCRIPTION = 50  # Google's Dataset guideline: 50 to 5000 characters


def _doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


def _place(geo: dict) -> dict:
    place: dict = {"@type": "Place", "name": geo.get("geoLocationPlace", "")}
    point = geo.get("geoLocationPoint")
    if point:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": float(point["pointLatitude"]),
                        "longitude": float(point["pointLongitude"])}
    return place


def _creator(creator: dict) -> dict:
    if creator.get("nameType") != "Personal":
        return {"@type": "Organization", "name": creator["name"]}
    person: dict = {"@type": "Person", "name": creator["name"]}
    orcid = [i["nameIdentifier"] for i in creator.get("nameIdentifiers", []) if i["nameIdentifierScheme"] == "ORCID"]
    if orcid:
        person["sameAs"] = orcid[0]
        person["identifier"] = orcid[0]
    if creator.get("affiliation"):
        affiliation = creator["affiliation"][0]
        person["affiliation"] = {"@type": "Organization", "name": affiliation["name"]}
        if affiliation.get("affiliationIdentifier"):
            person["affiliation"]["sameAs"] = affiliation["affiliationIdentifier"]
    return person


def dataset_jsonld(dataset) -> dict:
    meta = dataset_metadata(dataset)
    description = meta["descriptions"][0]["description"]
    if len(description) < MIN_DESCRIPTION:
        description = f"{description} — measurements of returned lunar samples, published by {meta['publisher']['name']}."
    csv_url = absolute(reverse("science:dataset-csv", args=[dataset.pk]))
    collected = sorted({s.mission.landing_date for s in dataset.samples.select_related("mission") if s.mission.landing_date})
    data = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": _doi_url(meta["doi"]),
        "name": dataset.title,
        "description": description[:5000],
        "url": meta["url"],
        "identifier": [_doi_url(meta["doi"]), meta["url"]],
        "license": meta["rightsList"][0]["rightsUri"],
        "isAccessibleForFree": True,
        "creator": [_creator(c) for c in meta["creators"]],
        "publisher": {"@type": "Organization", "name": meta["publisher"]["name"]},
        "keywords": [s["subject"] for s in meta["subjects"]],
        "datePublished": next((d["date"] for d in meta["dates"] if d["dateType"] == "Available"), None),
        "dateModified": next(d["date"] for d in meta["dates"] if d["dateType"] == "Updated"),
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": csv_url},
            {"@type": "DataDownload", "encodingFormat": "application/vnd.datacite.datacite+xml",
             "contentUrl": f"{meta['url']}?format=datacite-xml"},
        ],
        "spatialCoverage": [_place(g) for g in meta["geoLocations"]],
        "isBasedOn": [_doi_url(r["relatedIdentifier"]) for r in meta["relatedIdentifiers"]
                      if r["relationType"] == "IsDerivedFrom"],
        "citation": [_doi_url(r["relatedIdentifier"]) for r in meta["relatedIdentifiers"]
                     if r["relationType"] == "IsCitedBy"],
    }
    if collected:
        # When the material was collected on the Moon: the landing dates of the samples' missions.
        first, last = collected[0].isoformat(), collected[-1].isoformat()
        data["temporalCoverage"] = first if first == last else f"{first}/{last}"
    return {k: v for k, v in data.items() if v not in (None, [], "")}


def sample_jsonld(sample) -> dict:
    meta = sample_metadata(sample)
    mission = sample.mission
    properties = [("mission", mission.name_en), ("mission code", mission.code),
                  ("sample type", sample.get_type_display()), ("material", f"lunar {sample.get_type_display().lower()}"),
                  ("collection method", collection_method(sample)), ("status", sample.get_status_display()),
                  ("curation category", sample.get_category_display()),
                  ("parent sample", sample.parent.identifier if sample.parent_id else "")]
    data = {
        "@context": "https://schema.org/",
        "@type": "Sample",
        "http://purl.org/dc/terms/conformsTo": {"@id": BIOSCHEMAS_SAMPLE, "@type": "CreativeWork"},
        "@id": _doi_url(meta["doi"]),
        "identifier": [_doi_url(meta["doi"]), sample.identifier, sample.uid],
        "name": f"Lunar sample {sample.identifier}",
        "url": meta["url"],
        "description": next(d["description"] for d in meta["descriptions"] if d["descriptionType"] == "TechnicalInfo"),
        "additionalProperty": [{"@type": "PropertyValue", "name": name, "value": value}
                               for name, value in properties if value],
        "locationCreated": [_place(g) for g in meta["geoLocations"]],
        "isPartOf": _doi_url(meta["relatedIdentifiers"][0]["relatedIdentifier"]) if sample.parent_id else None,
        "dateCreated": mission.landing_date.isoformat() if mission.landing_date else None,
    }
    return {k: v for k, v in data.items() if v not in (None, [], "")}


_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def script_tag(data: dict) -> SafeString:
    """``<script type="application/ld+json">`` with ``<``, ``>`` and ``&`` escaped as in
    Django's ``json_script``: a title containing ``</script>`` cannot end the block."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 (escaped above)
