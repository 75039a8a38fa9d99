"""Science demo data: the real basalt chemistry and ages in ``SHARED_DATA_DIR``, loaded through
the same CSV upload users use (``services.measurements_upload``), then compared.

- ``basalt_chemistry_ages.csv`` (hand-compiled: Apollo rows from the Lunar Sample Compendium,
  Chang'e rows from paper abstracts; each row names its source) and
  ``basalt_ages_chemistry_extended.csv`` (Compendium extraction) become two curation datasets.
- Values are uploaded as printed. Oxides in wt%, Mg# without unit, ages in Ga. The sources give
  "±" values without saying 1σ or 2σ, so their uncertainty type is ``unstated``.
- Rows that are aggregates from papers (e.g. "CE-5 basalt clasts", several clasts summarised)
  and samples missing from the catalogue (Luna 16 B1) become clearly labelled catalogue records of
  mass 0 ("literature record; not material held by the agency").
- The Chang'e-5 versus Apollo age comparison is computed from the uploaded data and printed;
  nothing in this file states the result.

Idempotent: datasets are found by title, the upload is keyed, the release happens once.
"""

from __future__ import annotations

import re

from django.conf import settings

from lunarshare import csvio
from lunarshare.accounts.models import Role
from lunarshare.accounts.selectors import users_with_role
from lunarshare.catalog.models import Mission, Sample, SampleType
from lunarshare.catalog.services import sample_register

from . import csv_format, selectors, services
from .models import Dataset, DatasetStatus

MISSION_CODES = {
    "Apollo 11": "A11", "Apollo 12": "A12", "Apollo 14": "A14", "Apollo 15": "A15", "Apollo 16": "A16",
    "Apollo 17": "A17", "Luna 16": "L16", "Luna 20": "L20", "Luna 24": "L24", "Chang'e-5": "CE5", "Chang'e-6": "CE6",
}
OXIDES = ("SiO2", "TiO2", "Al2O3", "FeO", "MnO", "MgO", "CaO")
AGE_METHODS = {"pb-pb": "Pb-Pb", "ar-ar": "Ar-Ar", "rb-sr": "Rb-Sr", "sm-nd": "Sm-Nd", "u-pb": "U-Pb", "k-ar": "K-Ar"}

DATASETS = [
    {
        "file": "basalt_chemistry_ages.csv",
        "title": "Apollo and Chang'e mare basalts: chemistry and crystallisation ages (hand-compiled)",
        "description": (
            "Bulk major elements (wt%) and crystallisation ages (Ga) of Apollo mare basalts, copied from the first data "
            "column of each sample's chemistry table in the Lunar Sample Compendium, and Chang'e-5/6 values quoted from "
            "paper abstracts. The Chang'e rows are aggregate, per-clast or per-batch values as labelled, not full "
            "analyses; their catalogue records are literature records. Ages as printed (many Apollo ages use old decay "
            "constants). Uncertainties are the printed ± values; the sources do not state their confidence level."
        ),
        "keywords": ["mare basalt", "geochronology", "major elements", "Apollo", "Chang'e-5"],
    },
    {
        "file": "basalt_ages_chemistry_extended.csv",
        "title": "Lunar Sample Compendium basalt compilation",
        "description": (
            "Major-element chemistry (wt%) and median crystallisation ages (Ga) of 74 Apollo mare basalts extracted by "
            "script from C. Meyer's Lunar Sample Compendium (NASA JSC), plus two Luna basalts copied by hand. Each row is "
            "one analysis on one Compendium page, not a best estimate. Ages are the median of the determinations listed "
            "on the page, as printed in b.y. (= Ga), not recalculated for modern decay constants; where they spread over "
            "more than 0.3 b.y. no age is given. Mg# computed from MgO and FeO by the extraction script."
        ),
        "keywords": ["mare basalt", "Lunar Sample Compendium", "geochronology", "major elements", "Apollo", "Luna"],
    },
]


def _curator():
    return users_with_role(Role.CURATOR).order_by("pk").first()


def _literature_identifier(name: str, mission_code: str) -> str:
    """``CE-5 basalt clasts`` → ``CE5-LIT-BASALT-CLASTS`` (a valid, readable catalogue identifier)."""
    rest = re.sub(r"^(CE-?\d|Luna\s*\d+)\s*", "", name, flags=re.IGNORECASE)
    slug = re.sub(r"[^A-Za-z0-9]+", "-", rest).strip("-").upper()
    return f"{mission_code}-LIT-{slug}"[:64]


def _ensure_sample(row: dict, actor, stdout) -> str | None:
    """The catalogue identifier for a data row, registering a labelled record if needed."""
    name = row["sample_id"].strip()
    code = MISSION_CODES.get(row["mission"])
    mission = Mission.objects.filter(code=code).first() if code else None
    if Sample.objects.filter(identifier=name).exists():
        return name
    if mission is None:
        stdout.write(f"  skipped {name}: mission {row['mission']} is not in the catalogue")
        return None
    is_code = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9,.\-_]{0,63}", name) is not None
    identifier = name if is_code else _literature_identifier(name, mission.code)
    existing = Sample.objects.filter(identifier=identifier).first()
    if existing:
        return identifier
    kind = SampleType.REGOLITH if "soil" in (row["sample_kind"] + row["rock_type"]).lower() else SampleType.BASALT
    if is_code:
        description = (f"{name} ({row['sample_kind']}) as named in {row['age_reference'] or row['source']}. "
                       "Registered for the science demo with mass 0: its mass in this collection is not known.")
    else:
        description = (f"Literature record, not material held by the agency: \"{name}\" ({row['sample_kind']}), "
                       f"values as published in {row['age_reference'] or row['chemistry_reference_as_printed'] or row['source']}.")
    sample_register(
        actor=actor, identifier=identifier, mission=mission, type=kind, mass_ug=0, description=description,
        metadata={"literature_record": not is_code, "published_name": name, "source": row["source"],
                  "sample_kind": row["sample_kind"], "registered_by": "science demo"},
        literature_record=not is_code,
    )
    stdout.write(f"  registered {identifier} ({'literature record' if not is_code else 'mass unknown, 0'}) for {name}")
    return identifier


def _age_property(method: str) -> str:
    text = (method or "").lower().replace("/", "-")
    found = {label for key, label in AGE_METHODS.items() if key in text}
    return f"{found.pop()} age" if len(found) == 1 else "crystallisation age"


def upload_rows(rows: list[dict], identifiers: dict[str, str]) -> list[dict]:
    """Data rows of the shared files → rows of the upload format (values as printed)."""
    out = []
    for row in rows:
        sample = identifiers.get(row["sample_id"].strip())
        if not sample:
            continue
        for oxide in OXIDES:
            value = row.get(f"{oxide}_wt_pct", "").strip()
            if value:
                error = row.get(f"{oxide}_err_wt_pct", "").strip() if oxide == "TiO2" else ""
                out.append({"sample": sample, "property": oxide, "value": value, "unit": "wt%", "uncertainty": error,
                            "uncertainty_type": "unstated" if error else "",
                            "method": (row.get("chemistry_reference_as_printed") or "")[:200]})
        if row.get("mg_number", "").strip():
            out.append({"sample": sample, "property": "Mg#", "value": row["mg_number"].strip(), "unit": "",
                        "uncertainty": "", "uncertainty_type": "", "method": "computed from MgO and FeO"
                        if row.get("extraction") else (row.get("chemistry_reference_as_printed") or "")[:200]})
        if row.get("age_Ga", "").strip():
            error = row.get("age_err_Ga", "").strip()
            out.append({"sample": sample, "property": _age_property(row.get("age_method", "")),
                        "value": row["age_Ga"].strip(), "unit": "Ga", "uncertainty": error,
                        "uncertainty_type": "unstated" if error else "",
                        "method": (row.get("age_method") or "as summarised")[:200]})
    return out


def _sources(rows: list[dict]) -> str:
    seen = []
    for row in rows:
        for key in ("age_reference", "source"):
            value = (row.get(key) or "").strip()
            if value and value != "unattributed" and value not in seen:
                seen.append(value)
    return "\n".join(seen)


def load(stdout) -> None:
    actor = _curator()
    if actor is None:
        stdout.write("  no curator account: load the accounts demo first")
        return
    if not Mission.objects.filter(code__in=["A11", "CE5"]).exists():
        stdout.write("  no missions in the catalogue: load the catalog demo first")
        return
    for spec in DATASETS:
        path = settings.SHARED_DATA_DIR / spec["file"]
        if not path.exists():
            stdout.write(f"  {path} not found; skipped")
            continue
        with open(path, "rb") as handle:
            rows = list(csvio.read_dicts(handle))
        identifiers = {}
        for row in rows:
            ident = _ensure_sample(row, actor, stdout)
            if ident:
                identifiers[row["sample_id"].strip()] = ident
        dataset = Dataset.objects.filter(title=spec["title"], loan__isnull=True).first()
        if dataset is None:
            dataset = services.dataset_create(
                actor=actor, title=spec["title"], description=spec["description"], keywords=spec["keywords"],
                method="Compilation of published values", laboratory="", licence="CC-BY-4.0",
                authors=[], publisher="LunarShare demo (compiled from public sources)", sources=_sources(rows),
            )
        content = csv_format.render(upload_rows(rows, identifiers))
        result = services.measurements_upload(actor=actor, dataset=dataset, content=content, filename=spec["file"])
        stdout.write(f"  {spec['title']}: {result.created} new, {result.updated} updated, "
                     f"{result.unchanged} unchanged measurements")
        if dataset.status == DatasetStatus.EMBARGOED:
            services.dataset_release(actor=actor, dataset=dataset)
    _publications(actor, stdout)
    _embargoed_loan_dataset(stdout)
    _print_age_comparison(stdout)


# Papers behind the Chang'e rows, as named in basalt_chemistry_ages.csv (titles only where the
# shared data or the paper's own abstract page give them).
PUBLICATIONS = [
    {"doi": "10.1038/s41586-021-04100-2", "title": "Two-billion-year-old volcanism on the Moon from Chang'e-5 basalts",
     "authors": ["Li Q.-L."], "journal": "Nature 600:54-58", "year": 2021,
     "samples": ["CE5-LIT-BASALT-CLASTS"]},
    {"doi": "10.1126/science.abl7957",
     "title": "Age and composition of young basalts on the Moon, measured from samples returned by Chang'e-5",
     "authors": ["Che X."], "journal": "Science", "year": 2021, "samples": ["CE5-LIT-BASALT-FRAGMENTS"]},
    {"doi": "10.1029/2025GL117921",
     "title": "Petrogenesis of Very-Low-Ti Basalts Returned by Chang'e-6 From the Lunar Farside",
     "authors": [], "journal": "Geophysical Research Letters", "year": 2025,
     "samples": ["CE6-LIT-VLT-BASALT-FRAGMENTS"]},
]


def _publications(actor, stdout) -> None:
    from .models import Publication

    dataset = Dataset.objects.filter(title=DATASETS[0]["title"]).first()
    for spec in PUBLICATIONS:
        if Publication.objects.filter(doi=spec["doi"].lower()).exists():
            continue
        samples = list(Sample.objects.filter(identifier__in=spec["samples"]))
        services.publication_create(actor=actor, doi=spec["doi"], title=spec["title"], authors=spec["authors"],
                                    journal=spec["journal"], year=spec["year"], samples=samples,
                                    datasets=[dataset] if dataset else [])
        stdout.write(f"  publication doi:{spec['doi']}")


def _embargoed_loan_dataset(stdout) -> None:
    """One embargoed dataset on the first received demo loan, recorded by its borrower: it shows the
    embargo (only the team and staff see it) and fulfils the loan's data report. It holds no values:
    the demo invents no measurements."""
    try:
        from lunarshare.loans.models import Loan
    except ImportError:  # pragma: no cover - loans app absent
        return
    loan = Loan.objects.filter(received_at__isnull=False).order_by("pk").first()
    if loan is None or Dataset.objects.filter(loan=loan).exists():
        return
    samples = [item.sample for item in loan.items.select_related("sample") if item.sample_id]
    dataset = services.dataset_create(
        actor=loan.responsible, loan=loan, samples=samples,
        title=f"Demo dataset (fictional, no values yet): analyses under loan {loan}",
        description="Demo only. A borrower's dataset under embargo: visible to the loan's team, curators, officers and "
                    "auditors until its release date; it holds no measurements because the demo invents none.",
        keywords=["demo"],
    )
    stdout.write(f"  embargoed demo dataset {dataset.pk} on loan {loan} until {dataset.embargo_until}")


def _print_age_comparison(stdout) -> None:
    """Compute, from the public data, how the Chang'e-5 ages sit against the Apollo ages."""
    apollo = list(Mission.objects.filter(code__startswith="A").order_by("sort_order", "code"))
    ce5 = Mission.objects.filter(code="CE5").first()
    if not apollo or ce5 is None:
        return
    result = selectors.compare(None, missions=[*apollo, ce5], property="age", points_limit=0)
    apollo_series = [s for s in result.series if s.code != "CE5" and s.count]
    ce5_series = next(s for s in result.series if s.code == "CE5")
    if not apollo_series or not ce5_series.count:
        stdout.write("  not enough public age data to compare Chang'e-5 with Apollo")
        return
    apollo_min = min(s.min for s in apollo_series)
    apollo_count = sum(s.count for s in apollo_series)
    verdict = "younger than every" if ce5_series.max < apollo_min else "NOT younger than every"
    stdout.write(
        f"  ages from the data: Chang'e-5 n={ce5_series.count}, max {ce5_series.max:.3f} Ga; "
        f"Apollo n={apollo_count}, min {apollo_min:.3f} Ga → the Chang'e-5 basalts are {verdict} Apollo basalt "
        f"in these data. See /en/compare/?missions=A11&missions=A12&missions=A15&missions=A17&missions=CE5&property=age"
    )
