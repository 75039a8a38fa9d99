"""DataCite Metadata Schema 4.5 for samples (``PhysicalObject``, IGSN-style) and released datasets.

One builder per kind returns the metadata as DataCite JSON (the ``attributes`` of the DataCite
REST API); :func:`to_xml` renders that same dictionary as DataCite XML, so the two formats can
never disagree. Every XML is validated against the shipped XSD in the tests
(``schemas/datacite-4.5``).
"""

from __future__ import annotations

from django.conf import settings
from lxml import etree

from lunarshare.accounts.models import Institution
from lunarshare.catalog.models import Sample
from lunarshare.science.models import LICENCE_URLS, Dataset

from .identifiers import dataset_doi, dataset_landing_url, sample_doi, sample_landing_url

NS = "http://datacite.org/schema/kernel-4"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = f"{NS} http://schema.datacite.org/meta/kernel-4.5/metadata.xsd"
MAX_RELATED = 500

# How each mission's material was collected, as the Chang'e codes spell it (C scoop, Z drill).
CHANGE_METHODS = {"C": "Scoop (surface sampling)", "Z": "Drill (core sampling)"}


def publisher_name() -> str:
    return getattr(settings, "LUNARSHARE_PUBLISHER", "LunarShare")


def _ror_url(ror_id: str) -> str:
    return f"https://ror.org/{ror_id}"


def _affiliation(name: str, ror_by_name: dict[str, str]) -> dict:
    affiliation = {"name": name}
    ror = ror_by_name.get(name.strip().casefold())
    if ror:
        affiliation.update(affiliationIdentifier=_ror_url(ror), affiliationIdentifierScheme="ROR",
                           schemeUri="https://ror.org")
    return affiliation


def _ror_index(names) -> dict[str, str]:
    """ROR ids of the institutions named (by English or Chinese name), one query."""
    names = {n.strip() for n in names if n and n.strip()}
    if not names:
        return {}
    index = {}
    for inst in Institution.objects.exclude(ror_id="").filter(name_en__in=names) | \
            Institution.objects.exclude(ror_id="").filter(name_zh__in=names):
        for name in (inst.name_en, inst.name_zh):
            if name:
                index[name.strip().casefold()] = inst.ror_id
    return index


def collection_method(sample: Sample) -> str:
    """From the sample's metadata when recorded; for Chang'e codes from the letter after the mission."""
    recorded = (sample.metadata or {}).get("collection_method", "")
    if recorded:
        return str(recorded)
    code = sample.generic or sample.identifier
    if sample.mission.id_convention == "change" and len(code) > 3:
        return CHANGE_METHODS.get(code[3], "")
    return ""


def _geo_location(mission) -> dict | None:
    place = mission.landing_site
    if not place and mission.latitude is None:
        return None
    geo: dict = {}
    if place:
        geo["geoLocationPlace"] = f"{place} (Moon)"
    if mission.latitude is not None and mission.longitude is not None:
        geo["geoLocationPoint"] = {"pointLatitude": str(mission.latitude), "pointLongitude": str(mission.longitude)}
    return geo


def _rights(licence: str, label: str) -> list[dict]:
    return [{"rights": label, "rightsUri": LICENCE_URLS.get(licence, ""), "rightsIdentifier": licence.lower(),
             "rightsIdentifierScheme": "SPDX", "schemeUri": "https://spdx.org/licenses/"}]


def sample_metadata(sample: Sample) -> dict:
    """A sample as a DataCite ``PhysicalObject``: material, type, collection method, mission,
    landing site, the parent as ``IsPartOf``, the curation institution as hosting institution."""
    mission = sample.mission
    method = collection_method(sample)
    facts = [f"Material: lunar {sample.get_type_display().lower()}", f"Sample type: {sample.get_type_display()}",
             f"Mission: {mission.name_en} ({mission.code})", f"Mission sample code: {sample.identifier}",
             f"Status: {sample.get_status_display()}"]
    if method:
        facts.insert(2, f"Collection method: {method}")
    descriptions = [{"description": "; ".join(facts), "descriptionType": "TechnicalInfo"}]
    if sample.description:
        descriptions.insert(0, {"description": sample.description, "descriptionType": "Abstract"})
    related = []
    if sample.parent_id:
        related.append({"relatedIdentifier": sample_doi(sample.parent), "relatedIdentifierType": "DOI",
                        "relationType": "IsPartOf", "resourceTypeGeneral": "PhysicalObject"})
    for child in sample.children.order_by("identifier")[:MAX_RELATED]:
        related.append({"relatedIdentifier": sample_doi(child), "relatedIdentifierType": "DOI",
                        "relationType": "HasPart", "resourceTypeGeneral": "PhysicalObject"})
    for dataset in sample.datasets.filter(status=Dataset.Status.RELEASED).order_by("pk")[:MAX_RELATED]:
        related.append({"relatedIdentifier": dataset_doi(dataset), "relatedIdentifierType": "DOI",
                        "relationType": "IsSourceOf", "resourceTypeGeneral": "Dataset"})
    for publication in sample.publications.exclude(doi="").order_by("pk")[:MAX_RELATED]:
        related.append({"relatedIdentifier": publication.doi, "relatedIdentifierType": "DOI",
                        "relationType": "IsReferencedBy"})
    dates = [{"date": sample.updated_at.date().isoformat(), "dateType": "Updated"}]
    if mission.landing_date:
        dates.insert(0, {"date": mission.landing_date.isoformat(), "dateType": "Collected"})
    holder = sample.holder_institution
    contributors = [{"name": publisher_name(), "nameType": "Organizational", "contributorType": "HostingInstitution"}]
    if holder is not None:
        contributor = {"name": holder.name_en, "nameType": "Organizational", "contributorType": "DataCollector"}
        if holder.ror_id:
            contributor["nameIdentifiers"] = [{"nameIdentifier": _ror_url(holder.ror_id),
                                               "nameIdentifierScheme": "ROR", "schemeUri": "https://ror.org"}]
        contributors.append(contributor)
    geo = _geo_location(mission)
    return {
        "doi": sample_doi(sample),
        "url": sample_landing_url(sample),
        "identifiers": [{"identifier": sample_doi(sample), "identifierType": "DOI"}],
        "alternateIdentifiers": [
            {"alternateIdentifier": sample.identifier, "alternateIdentifierType": f"{mission.code} sample code"},
            {"alternateIdentifier": sample.uid, "alternateIdentifierType": "LunarShare uid"}],
        "creators": [{"name": mission.agency or publisher_name(), "nameType": "Organizational"}],
        "titles": [{"title": f"Lunar sample {sample.identifier} ({mission.name_en})"}]
        + ([{"title": f"月球样品 {sample.identifier}（{mission.name_zh}）", "lang": "zh-Hans",
             "titleType": "TranslatedTitle"}] if mission.name_zh else []),
        "publisher": {"name": publisher_name()},
        "publicationYear": str(sample.created_at.year),
        "types": {"resourceTypeGeneral": "PhysicalObject", "resourceType": f"Lunar sample: {sample.get_type_display()}"},
        "subjects": [{"subject": "Lunar samples"}, {"subject": mission.name_en},
                     {"subject": sample.get_type_display()}],
        "contributors": contributors,
        "dates": dates,
        "language": "en",
        "descriptions": descriptions,
        "geoLocations": [geo] if geo else [],
        "relatedIdentifiers": related,
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    }


def dataset_metadata(dataset: Dataset) -> dict:
    """A released dataset: creators with ORCID and ROR affiliations, the samples it derives from,
    its loan and publications, rights, dates, the landing sites of the samples' missions."""
    authors = dataset.authors or []
    ror = _ror_index([a.get("affiliation", "") for a in authors] + [dataset.laboratory])
    creators = []
    for author in authors:
        creator = {"name": author.get("name", ""), "nameType": "Personal"}
        if author.get("orcid"):
            creator["nameIdentifiers"] = [{"nameIdentifier": f"https://orcid.org/{author['orcid']}",
                                           "nameIdentifierScheme": "ORCID", "schemeUri": "https://orcid.org"}]
        if author.get("affiliation"):
            creator["affiliation"] = [_affiliation(author["affiliation"], ror)]
        creators.append(creator)
    if not creators:
        creators.append({"name": dataset.publisher or publisher_name(), "nameType": "Organizational"})
    samples = list(dataset.samples.select_related("mission").order_by("identifier")[:MAX_RELATED])
    related = [{"relatedIdentifier": sample_doi(s), "relatedIdentifierType": "DOI", "relationType": "IsDerivedFrom",
                "resourceTypeGeneral": "PhysicalObject"} for s in samples]
    if dataset.loan_id:
        from django.urls import reverse

        related.append({"relatedIdentifier": f"{settings.SITE_URL}{reverse('loans:loan-detail', args=[dataset.loan_id])}",
                        "relatedIdentifierType": "URL", "relationType": "IsDocumentedBy"})
    related += [{"relatedIdentifier": p.doi, "relatedIdentifierType": "DOI", "relationType": "IsCitedBy"}
                for p in dataset.publications.exclude(doi="").order_by("pk")]
    dates = [{"date": dataset.created_at.date().isoformat(), "dateType": "Created"},
             {"date": dataset.updated_at.date().isoformat(), "dateType": "Updated"}]
    if dataset.released_at:
        dates.append({"date": dataset.released_at.date().isoformat(), "dateType": "Available"})
    descriptions = [{"description": dataset.description or dataset.title, "descriptionType": "Abstract"}]
    methods = "; ".join(x for x in (dataset.method, dataset.instrument, dataset.laboratory) if x)
    if methods:
        descriptions.append({"description": methods, "descriptionType": "Methods"})
    if dataset.sources:
        descriptions.append({"description": dataset.sources, "descriptionType": "Other"})
    missions = {s.mission_id: s.mission for s in samples}
    geos = [g for g in (_geo_location(m) for m in sorted(missions.values(), key=lambda m: m.sort_order)) if g]
    return {
        "doi": dataset_doi(dataset),
        "url": dataset_landing_url(dataset),
        "identifiers": [{"identifier": dataset_doi(dataset), "identifierType": "DOI"}],
        "alternateIdentifiers": [{"alternateIdentifier": str(dataset.pk), "alternateIdentifierType": "LunarShare dataset id"}],
        "creators": creators,
        "titles": [{"title": dataset.title}],
        "publisher": {"name": dataset.publisher or publisher_name()},
        "publicationYear": str((dataset.released_at or dataset.created_at).year),
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Lunar sample measurements"},
        "subjects": [{"subject": k} for k in dataset.keywords or []]
        + [{"subject": m.name_en} for m in missions.values()],
        "contributors": ([{"name": dataset.laboratory, "nameType": "Organizational", "contributorType": "HostingInstitution"}]
                         if dataset.laboratory else []),
        "dates": dates,
        "language": "en",
        "rightsList": _rights(dataset.licence, dataset.get_licence_display()),
        "descriptions": descriptions,
        "geoLocations": geos,
        "relatedIdentifiers": related,
        "formats": ["text/csv"],
        "sizes": [f"{dataset.measurements.count()} measurements"],
        "version": "1",
        "schemaVersion": "http://datacite.org/schema/kernel-4",
    }


# --- XML -------------------------------------------------------------------------------------

def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}")
    for key, value in attrs.items():
        if value not in (None, ""):
            element.set("{http://www.w3.org/XML/1998/namespace}lang" if key == "lang" else key, str(value))
    if text is not None:
        element.text = str(text)
    return element


def _person(parent, tag: str, person: dict) -> None:
    node = _el(parent, tag)
    if tag == "contributor":
        node.set("contributorType", person["contributorType"])
    _el(node, f"{tag}Name", person["name"], nameType=person.get("nameType"))
    for ident in person.get("nameIdentifiers", []):
        _el(node, "nameIdentifier", ident["nameIdentifier"], nameIdentifierScheme=ident["nameIdentifierScheme"],
            schemeURI=ident.get("schemeUri"))
    for aff in person.get("affiliation", []):
        _el(node, "affiliation", aff["name"], affiliationIdentifier=aff.get("affiliationIdentifier"),
            affiliationIdentifierScheme=aff.get("affiliationIdentifierScheme"), schemeURI=aff.get("schemeUri"))


def to_xml_element(meta: dict) -> etree._Element:
    """The DataCite JSON of :func:`sample_metadata` / :func:`dataset_metadata` as a ``<resource>``."""
    root = etree.Element(f"{{{NS}}}resource", nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    _el(root, "identifier", meta["doi"], identifierType="DOI")
    creators = _el(root, "creators")
    for person in meta["creators"]:
        _person(creators, "creator", person)
    titles = _el(root, "titles")
    for title in meta["titles"]:
        _el(titles, "title", title["title"], lang=title.get("lang"), titleType=title.get("titleType"))
    _el(root, "publisher", meta["publisher"]["name"])
    _el(root, "publicationYear", meta["publicationYear"])
    _el(root, "resourceType", meta["types"]["resourceType"], resourceTypeGeneral=meta["types"]["resourceTypeGeneral"])
    if meta.get("subjects"):
        subjects = _el(root, "subjects")
        for subject in meta["subjects"]:
            _el(subjects, "subject", subject["subject"])
    if meta.get("contributors"):
        contributors = _el(root, "contributors")
        for person in meta["contributors"]:
            _person(contributors, "contributor", person)
    dates = _el(root, "dates")
    for date in meta["dates"]:
        _el(dates, "date", date["date"], dateType=date["dateType"])
    _el(root, "language", meta["language"])
    alternates = _el(root, "alternateIdentifiers")
    for alt in meta["alternateIdentifiers"]:
        _el(alternates, "alternateIdentifier", alt["alternateIdentifier"],
            alternateIdentifierType=alt["alternateIdentifierType"])
    if meta.get("relatedIdentifiers"):
        related = _el(root, "relatedIdentifiers")
        for rel in meta["relatedIdentifiers"]:
            _el(related, "relatedIdentifier", rel["relatedIdentifier"], relatedIdentifierType=rel["relatedIdentifierType"],
                relationType=rel["relationType"], resourceTypeGeneral=rel.get("resourceTypeGeneral"))
    if meta.get("sizes"):
        sizes = _el(root, "sizes")
        for size in meta["sizes"]:
            _el(sizes, "size", size)
    if meta.get("formats"):
        formats = _el(root, "formats")
        for fmt in meta["formats"]:
            _el(formats, "format", fmt)
    if meta.get("version"):
        _el(root, "version", meta["version"])
    if meta.get("rightsList"):
        rights = _el(root, "rightsList")
        for right in meta["rightsList"]:
            _el(rights, "rights", right["rights"], rightsURI=right.get("rightsUri"),
                rightsIdentifier=right.get("rightsIdentifier"), rightsIdentifierScheme=right.get("rightsIdentifierScheme"),
                schemeURI=right.get("schemeUri"))
    descriptions = _el(root, "descriptions")
    for desc in meta["descriptions"]:
        _el(descriptions, "description", desc["description"], descriptionType=desc["descriptionType"])
    if meta.get("geoLocations"):
        geos = _el(root, "geoLocations")
        for geo in meta["geoLocations"]:
            node = _el(geos, "geoLocation")
            if geo.get("geoLocationPlace"):
                _el(node, "geoLocationPlace", geo["geoLocationPlace"])
            if geo.get("geoLocationPoint"):
                point = _el(node, "geoLocationPoint")
                _el(point, "pointLongitude", geo["geoLocationPoint"]["pointLongitude"])
                _el(point, "pointLatitude", geo["geoLocationPoint"]["pointLatitude"])
    return root


def to_xml(meta: dict) -> bytes:
    return etree.tostring(to_xml_element(meta), xml_declaration=True, encoding="UTF-8", pretty_print=True)
