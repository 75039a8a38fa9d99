"""The bulk open-data release: a versioned Frictionless Data Package under storage.

``open-data/<version>/datapackage.json`` with a Table Schema per resource, and CSV resources
(missions, the public catalogue of samples, released datasets, released measurements), each
with its size in bytes and sha256. Rows come from the science app's visibility selectors for an
anonymous reader, so embargoed rows are never in it. Validated with ``frictionless`` in tests.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from lunarshare import audit
from lunarshare.catalog.models import Mission, Sample
from lunarshare.errors import ConflictError
from lunarshare.science.models import LICENCE_URLS
from lunarshare.science.selectors import datasets_visible_to, measurements_visible_to

from .identifiers import dataset_doi, dataset_landing_url, sample_doi, sample_landing_url

ROOT = "open-data"
VERSION_RE = re.compile(r"^\d{8}T\d{6}Z$")
NAME = "lunarshare-open-data"


def _field(name, type_, description="", **constraints):
    field = {"name": name, "type": type_}
    if description:
        field["description"] = description
    if constraints:
        field["constraints"] = constraints
    return field


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _missions():
    fields = [_field("code", "string", "Mission code", required=True, unique=True), _field("name_en", "string"),
              _field("name_zh", "string"), _field("agency", "string"), _field("landing_date", "date"),
              _field("return_date", "date"), _field("landing_site", "string"),
              _field("latitude", "number", "Landing site latitude on the Moon, degrees"),
              _field("longitude", "number", "Landing site longitude on the Moon, degrees")]
    rows = ([m.code, m.name_en, m.name_zh, m.agency, m.landing_date, m.return_date, m.landing_site, m.latitude,
             m.longitude] for m in Mission.objects.order_by("sort_order", "code"))
    return fields, ["code"], rows, []


def _samples():
    fields = [_field("uid", "string", "Stable LunarShare id", required=True, unique=True),
              _field("identifier", "string", "The mission's own sample code", required=True, unique=True),
              _field("doi", "string"), _field("landing_url", "string", format="uri"),
              _field("mission", "string", required=True), _field("parent", "string", "Identifier of the parent sample"),
              _field("type", "string"), _field("category", "string"), _field("status", "string"),
              _field("initial_mass_ug", "integer", "Mass when registered, micrograms", minimum=0),
              _field("mass_ug", "integer", "Current mass, micrograms", minimum=0), _field("updated_at", "datetime")]
    fields[3].pop("constraints")
    fields[3]["format"] = "uri"
    queryset = Sample.objects.select_related("mission", "parent").order_by("identifier")
    rows = ([s.uid, s.identifier, sample_doi(s), sample_landing_url(s), s.mission.code,
             s.parent.identifier if s.parent_id else "", s.type, s.category, s.status, s.initial_mass_ug, s.mass_ug,
             s.updated_at.replace(microsecond=0)] for s in queryset.iterator(chunk_size=2000))
    foreign = [{"fields": "mission", "reference": {"resource": "missions", "fields": "code"}}]
    return fields, ["uid"], rows, foreign


def _datasets():
    fields = [_field("id", "integer", "LunarShare dataset id", required=True, unique=True), _field("doi", "string"),
              _field("landing_url", "string"), _field("title", "string", required=True), _field("authors", "string"),
              _field("licence", "string"), _field("licence_url", "string"), _field("released_at", "datetime"),
              _field("method", "string"), _field("laboratory", "string")]
    fields[2]["format"] = "uri"
    queryset = datasets_visible_to(None).order_by("pk")
    rows = ([d.pk, dataset_doi(d), dataset_landing_url(d), d.title, "; ".join(a.get("name", "") for a in d.authors or []),
             d.licence, LICENCE_URLS.get(d.licence, ""), d.released_at.replace(microsecond=0), d.method, d.laboratory]
            for d in queryset)
    return fields, ["id"], rows, []


def _measurements():
    fields = [_field("dataset", "integer", required=True), _field("sample_uid", "string", required=True),
              _field("sample", "string", "The mission's own sample code"), _field("mission", "string"),
              _field("property", "string", required=True), _field("kind", "string"),
              _field("value", "number", "As reported", required=True), _field("unit", "string"),
              _field("uncertainty", "number", minimum=0), _field("uncertainty_type", "string"), _field("method", "string")]
    queryset = (measurements_visible_to(None).select_related("sample", "mission")
                .order_by("dataset_id", "sample__identifier", "property", "method", "pk"))
    rows = ([m.dataset_id, m.sample.uid, m.sample.identifier, m.mission.code, m.property, m.kind,
             format(m.value.normalize(), "f"), m.unit,
             "" if m.uncertainty is None else format(m.uncertainty.normalize(), "f"), m.uncertainty_type, m.method]
            for m in queryset.iterator(chunk_size=5000))
    foreign = [{"fields": "dataset", "reference": {"resource": "datasets", "fields": "id"}},
               {"fields": "sample_uid", "reference": {"resource": "samples", "fields": "uid"}}]
    return fields, None, rows, foreign


RESOURCES = {
    "missions": ("Sample-return missions and their landing sites", _missions),
    "samples": ("The public catalogue of lunar samples", _samples),
    "datasets": ("Released datasets", _datasets),
    "measurements": ("Every measurement of every released dataset", _measurements),
}


def _csv(fields, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f["name"] for f in fields])
    for row in rows:
        writer.writerow([_text(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def open_data_package_publish(*, actor, now=None) -> dict:
    """Write a new version of the package and record it. ``actor`` is None for the nightly task
    and the command (a system action)."""
    now = now or timezone.now()
    version = now.strftime("%Y%m%dT%H%M%SZ")
    if default_storage.exists(f"{ROOT}/{version}/datapackage.json"):
        raise ConflictError(f"Open-data version {version} already exists.")
    resources = []
    for name, (title, build) in RESOURCES.items():
        fields, primary_key, rows, foreign = build()
        content = _csv(fields, rows)
        path = f"{name}.csv"
        default_storage.save(f"{ROOT}/{version}/{path}", ContentFile(content))
        schema: dict = {"fields": fields}
        if primary_key:
            schema["primaryKey"] = primary_key
        if foreign:
            schema["foreignKeys"] = foreign
        resources.append({"name": name, "title": title, "path": path, "format": "csv", "mediatype": "text/csv",
                          "encoding": "utf-8", "bytes": len(content), "hash": f"sha256:{hashlib.sha256(content).hexdigest()}",
                          "rows": content.count(b"\n") - 1, "schema": schema})
    descriptor = {
        "name": NAME, "version": version, "title": "LunarShare open data", "created": now.replace(microsecond=0).isoformat(),
        "description": "The public catalogue of returned lunar samples and every released measurement. "
                       "Embargoed data are not included.",
        "licenses": [{"name": "CC-BY-4.0", "path": LICENCE_URLS["CC-BY-4.0"],
                      "title": "Creative Commons Attribution 4.0"}],
        "resources": resources,
    }
    body = json.dumps(descriptor, indent=2, ensure_ascii=False).encode("utf-8")
    with transaction.atomic():
        default_storage.save(f"{ROOT}/{version}/datapackage.json", ContentFile(body))
        audit.record(actor=actor, verb="opendata.package_published",
                     data={"version": version, "rows": {r["name"]: r["rows"] for r in resources},
                           "sha256": hashlib.sha256(body).hexdigest()})
    return descriptor


def _read_descriptor(version: str) -> dict | None:
    if not VERSION_RE.match(version or ""):
        return None
    path = f"{ROOT}/{version}/datapackage.json"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        return json.loads(handle.read())


def package_versions() -> list[dict]:
    """Published versions, newest first, each with its resources (name, rows, bytes, hash)."""
    try:
        directories, _files = default_storage.listdir(ROOT)
    except (FileNotFoundError, NotADirectoryError):
        return []
    versions = []
    for version in sorted((d for d in directories if VERSION_RE.match(d)), reverse=True):
        descriptor = _read_descriptor(version)
        if descriptor is not None:
            versions.append(descriptor)
    return versions


def package_file_path(version: str, name: str) -> str | None:
    """Storage path of ``name`` in ``version`` if the package lists it; otherwise None."""
    descriptor = _read_descriptor(version)
    if descriptor is None:
        return None
    if name == "datapackage.json" or name in {r["path"] for r in descriptor["resources"]}:
        return f"{ROOT}/{version}/{name}"
    return None
