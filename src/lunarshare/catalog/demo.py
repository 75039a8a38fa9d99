"""Catalogue demo data: missions, storage, real Apollo/Luna samples and Chang'e sample sets.

What is real and what is not:

- Missions: names, agencies, dates and returned masses from ``shared/data/missions.csv`` and
  ``programme-facts.md``; Apollo and Luna landing coordinates are the widely published values
  (NASA NSSDCA / mission articles), each mission's ``source`` says so. Chang'e-6 coordinates
  are left blank (not verified here).
- Apollo and Luna samples: the real NASA generic samples of ``shared/data/apollo_samples.csv``
  (MoonDB/EarthChem compilation of NASA JSC records), loaded THROUGH the CSV importer exactly as a
  curator's file would be. Rows without a mass are skipped and counted. The published genealogy
  "bulk soil 10002 yielded fines 10084 and 10086; basalt 10092 began as split 10002,22" is written
  into those samples' descriptions: they are separate generics, and no split is invented.
- Chang'e-5/6: the lot structure (scooped ``C`` / drilled ``Z`` lots, permanent / backup /
  research / public-welfare, powders, rock chips, polished sections) follows the programme's
  published description, and the three sample codes seen in papers (``change_samples.csv``) are
  included. Every other code and every lot or item mass is DEMO data and says so in its
  description. Lot masses add up to each mission's published returned mass.
- Storage: the NAOC Lunar Sample Laboratory (main store) and the Hunan University backup store at
  Shaoshan (nitrogen) are real institutions; rooms, cabinets and containers are demo.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from lunarshare import csvio
from lunarshare.mass import UG_PER_G

from .importer import COLUMNS, samples_import
from .models import LedgerEntry, Mission, Sample, StorageLocation
from .services import sample_change_status, sample_describe, sample_record_custody, sample_write_off

DEMO = "DEMO data (fictional identifier/mass)"
# Each mission's sources, one citation per line, in English and Chinese (see SOURCE.md of the
# shared data): returned masses of Apollo and Luna from the table of Wikipedia's "Moon rock"
# article (rounded, CC BY-SA), landing coordinates as widely published by NASA's NSSDCA.
MOON_ROCK_TABLE = ("Returned mass: Wikipedia, “Moon rock”, table of returned samples (CC BY-SA), rounded to the kg; "
                   "quoted at https://www.liquisearch.com/moonrocks/curation_and_availability",
                   "返回质量：维基百科“Moon rock（月球岩石）”条目中的返回样品表（CC BY-SA），取整到千克；"
                   "引自 https://www.liquisearch.com/moonrocks/curation_and_availability")
NSSDCA = ("Landing coordinates: NASA NSSDCA mission pages (widely published values).",
          "着陆坐标：NASA 国家空间科学数据中心（NSSDCA）任务页面（广泛发布的数值）。")


def _luna_source(coordinates: str) -> tuple[str, str]:
    return (f"Landing coordinates: {coordinates}, NASA NSSDCA (widely published value).\n{MOON_ROCK_TABLE[0]}",
            f"着陆坐标：{coordinates}，NASA 国家空间科学数据中心（广泛发布的数值）。\n{MOON_ROCK_TABLE[1]}")


APOLLO_SOURCE = (f"{NSSDCA[0]}\n{MOON_ROCK_TABLE[0]}", f"{NSSDCA[1]}\n{MOON_ROCK_TABLE[1]}")
AGENCIES_ZH = {"NASA": "美国国家航空航天局（NASA）", "Soviet space programme": "苏联航天计划",
               "CNSA": "国家航天局（CNSA）"}

# code, name_en, name_zh, agency, landing (Moon, UTC), return (Earth), site_en, site_zh, lat, lon, returned g, rounded, sort, convention, source
MISSIONS = [
    ("A11", "Apollo 11", "阿波罗11号", "NASA", "1969-07-20", "1969-07-24", "Mare Tranquillitatis (Tranquility Base)", "静海（宁静基地）",
     "0.6741", "23.4730", 22_000, True, 1, "apollo", APOLLO_SOURCE),
    ("A12", "Apollo 12", "阿波罗12号", "NASA", "1969-11-19", "1969-11-24", "Oceanus Procellarum", "风暴洋",
     "-3.0124", "-23.4216", 34_000, True, 2, "apollo", APOLLO_SOURCE),
    ("A14", "Apollo 14", "阿波罗14号", "NASA", "1971-02-05", "1971-02-09", "Fra Mauro highlands", "弗拉·毛罗高地",
     "-3.6453", "-17.4714", 43_000, True, 3, "apollo", APOLLO_SOURCE),
    ("A15", "Apollo 15", "阿波罗15号", "NASA", "1971-07-30", "1971-08-07", "Hadley–Apennine", "哈德利-亚平宁",
     "26.1322", "3.6339", 77_000, True, 4, "apollo", APOLLO_SOURCE),
    ("A16", "Apollo 16", "阿波罗16号", "NASA", "1972-04-21", "1972-04-27", "Descartes Highlands", "笛卡尔高地",
     "-8.9730", "15.5002", 95_000, True, 5, "apollo", APOLLO_SOURCE),
    ("A17", "Apollo 17", "阿波罗17号", "NASA", "1972-12-11", "1972-12-19", "Taurus–Littrow valley", "金牛-利特罗谷",
     "20.1908", "30.7717", 111_000, True, 6, "apollo", APOLLO_SOURCE),
    ("L16", "Luna 16", "月球16号", "Soviet space programme", "1970-09-20", "1970-09-24", "Mare Fecunditatis", "丰富海",
     "-0.6833", "56.3000", 101, True, 7, "luna", _luna_source("0°41′S 56°18′E")),
    ("L20", "Luna 20", "月球20号", "Soviet space programme", "1972-02-21", "1972-02-25", "Apollonius highlands near Mare Fecunditatis",
     "丰富海附近的阿波罗尼奥斯高地", "3.5333", "56.5500", 55, True, 8, "luna",
     _luna_source("3°32′N 56°33′E")),
    ("L24", "Luna 24", "月球24号", "Soviet space programme", "1976-08-18", "1976-08-22", "Mare Crisium", "危海",
     "12.7500", "62.2000", 170, True, 9, "luna",
     _luna_source("12°45′N 62°12′E")),
    ("CE5", "Chang'e-5", "嫦娥五号", "CNSA", "2020-12-01", "2020-12-17", "Mons Rümker, Oceanus Procellarum", "风暴洋吕姆克山",
     "43.0580", "-51.9160", Decimal("1731"), False, 10, "change",
     ("Returned mass 1,731 g: Wu et al. 2024; Zhang et al. 2025, Appl. Surf. Sci. 702:163331.\n"
      "Capsule landing on Earth, 17 Dec 2020: China Aerospace Science and Technology Corporation, "
      "http://english.spacechina.com/n17212/c3111999/content.html\n"
      "Landing coordinates 43.058° N, 51.916° W: Zhang et al. 2025, Appl. Surf. Sci. 702:163331.",
      "返回质量 1731 克：Wu 等，2024；Zhang 等，2025，Appl. Surf. Sci. 702:163331。\n"
      "返回舱于 2020 年 12 月 17 日着陆地球：中国航天科技集团 "
      "http://english.spacechina.com/n17212/c3111999/content.html\n"
      "着陆坐标 北纬 43.058°、西经 51.916°：Zhang 等，2025，Appl. Surf. Sci. 702:163331。")),
    ("CE6", "Chang'e-6", "嫦娥六号", "CNSA", "2024-06-01", "2024-06-25", "South Pole–Aitken basin (far side)", "月球背面南极-艾特肯盆地",
     None, None, Decimal("1935.3"), False, 11, "change",
     ("Returned mass 1,935.3 g and return on 25 Jun 2024: RTHK, "
      "https://news.rthk.hk/rthk/en/component/k2/1759476-20240628.htm ; CGTN, "
      "https://news.cgtn.com/news/2024-09-21/Chang-e-6-lunar-samples-from-moon-s-far-side-unveiled-1x57hdm2puE/share_amp.html\n"
      "Landing on the Moon 2 June 2024, Beijing time (1 June UTC). Landing coordinates not recorded: not verified "
      "from a source at hand.",
      "返回质量 1935.3 克，2024 年 6 月 25 日返回：香港电台 "
      "https://news.rthk.hk/rthk/en/component/k2/1759476-20240628.htm ；中国国际电视台（CGTN） "
      "https://news.cgtn.com/news/2024-09-21/Chang-e-6-lunar-samples-from-moon-s-far-side-unveiled-1x57hdm2puE/share_amp.html\n"
      "北京时间 2024 年 6 月 2 日着陆月球（协调世界时 6 月 1 日）。着陆坐标未记录：手头没有可核实的来源。")),
]

# code, parent code, kind, environment, name_en, name_zh, description
LOCATIONS = [
    ("NAOC-LSL", None, "facility", "air", "NAOC Lunar Sample Laboratory", "国家天文台月球样品实验室",
     "Main curatorial facility (National Astronomical Observatories, CAS, Beijing)."),
    ("NAOC-LSL-R1", "NAOC-LSL", "room", "air", "Permanent storage room (demo)", "永久存储室（演示）", DEMO),
    ("NAOC-LSL-R1-N01", "NAOC-LSL-R1", "cabinet", "nitrogen", "Nitrogen cabinet N01", "氮气柜 N01", DEMO),
    ("NAOC-LSL-R1-N02", "NAOC-LSL-R1", "cabinet", "nitrogen", "Nitrogen cabinet N02", "氮气柜 N02", DEMO),
    ("NAOC-LSL-R2", "NAOC-LSL", "room", "air", "Research sample room (demo)", "研究样品室（演示）", DEMO),
    ("NAOC-LSL-R2-N01", "NAOC-LSL-R2", "cabinet", "nitrogen", "Nitrogen cabinet N01", "氮气柜 N01", DEMO),
    ("NAOC-LSL-R2-N01-C01", "NAOC-LSL-R2-N01", "container", "nitrogen", "Container C01 (scooped lots)", "容器 C01（铲取）", DEMO),
    ("NAOC-LSL-R2-N01-C02", "NAOC-LSL-R2-N01", "container", "nitrogen", "Container C02 (drilled lots)", "容器 C02（钻取）", DEMO),
    ("NAOC-LSL-R2-N02", "NAOC-LSL-R2", "cabinet", "nitrogen", "Nitrogen cabinet N02", "氮气柜 N02", DEMO),
    ("NAOC-LSL-R2-N02-C01", "NAOC-LSL-R2-N02", "container", "nitrogen", "Container C01 (prepared samples)", "容器 C01（制备样品）", DEMO),
    ("NAOC-LSL-R2-N02-C02", "NAOC-LSL-R2-N02", "container", "nitrogen", "Container C02 (Chang'e-6)", "容器 C02（嫦娥六号）", DEMO),
    ("HNU-SS", None, "facility", "nitrogen", "Hunan University lunar sample backup store, Shaoshan", "湖南大学韶山月球样品灾备存储库",
     "Off-site backup store at Tian'e Mountain, Shaoshan; nitrogen slightly above 1 atm (programme-facts 1.3)."),
    ("HNU-SS-V1", "HNU-SS", "room", "nitrogen", "Backup vault (demo)", "灾备库房（演示）", DEMO),
    ("HNU-SS-V1-N01", "HNU-SS-V1", "cabinet", "nitrogen", "Nitrogen cabinet N01", "氮气柜 N01", DEMO),
]

MISSION_OF = {"Apollo 11": "A11", "Apollo 12": "A12", "Apollo 14": "A14", "Apollo 15": "A15", "Apollo 16": "A16",
              "Apollo 17": "A17", "Luna 16": "L16", "Luna 20": "L20", "Luna 24": "L24"}

GENEALOGY_NOTES = {
    "10002": "NASA genealogy: this bulk soil yielded the fines 10084 and 10086; basalt 10092 began as its split 10002,22 "
             "(programme-facts 2.2, ulix.app).",
    "10084": "NASA genealogy: fines separated from bulk soil 10002 and given their own generic number (programme-facts 2.2).",
    "10086": "NASA genealogy: fines separated from bulk soil 10002 and given their own generic number (programme-facts 2.2).",
    "10092": "NASA genealogy: began as split 10002,22 of bulk soil 10002, later given its own generic number (programme-facts 2.2).",
}


def apollo_type(material: str, classification: str) -> str:
    if material == "SOIL":
        return "regolith"
    if material == "COM":
        return "core"
    lowered = classification.lower()
    if "basalt" in lowered:
        return "basalt"
    if "breccia" in lowered:
        return "breccia"
    if "glass" in lowered:
        return "glass"
    return "rock"


def apollo_category(pristinity: str) -> str:
    """Generics that are still mostly pristine are the collection of record (permanent); those
    already largely allocated or processed (under 75 % pristine, NASA's keep-75 % rule) count as research."""
    try:
        return "permanent" if Decimal(pristinity) >= 75 else "research"
    except Exception:
        return "permanent"


def apollo_rows(path: Path) -> tuple[list[dict], int]:
    rows, skipped = [], 0
    with path.open("rb") as handle:
        for r in csvio.read_dicts(handle):
            if not r["original_mass_g"].strip():
                skipped += 1
                continue
            mass_mg = Decimal(r["original_mass_g"]) * 1000
            parts = [r["description"].strip(), r["classification"].strip()]
            where = ", ".join(x for x in (r["station"].strip(), r["landmark"].strip().title()) if x)
            if where:
                parts.append(where)
            if r["return_container"].strip():
                parts.append(r["return_container"].strip())
            description = "; ".join(p for p in parts if p)
            if r["sample_number"] in GENEALOGY_NOTES:
                description += ". " + GENEALOGY_NOTES[r["sample_number"]]
            rows.append({
                "identifier": r["sample_number"].strip(), "mission": MISSION_OF[r["mission"]], "parent": "",
                "type": apollo_type(r["material"], r["classification"]),
                "category": apollo_category(r["pristinity_percent"]),
                "mass_mg": f"{mass_mg.normalize():f}", "description": description, "location": "",
            })
    return rows, skipped


def _row(identifier, mission, parent, type_, category, mass_mg, description, location):
    return {"identifier": identifier, "mission": mission, "parent": parent, "type": type_, "category": category,
            "mass_mg": str(mass_mg), "description": description, "location": location}


# What a published Chang'e sample is, by the words of change_samples.csv's ``material`` column.
MATERIAL_TYPES = (("basalt", "basalt"), ("breccia", "breccia"), ("glass", "glass"))


def published_types(path: Path | None = None) -> dict[str, str]:
    """``{sample code: type}`` for the Chang'e samples the shared data describes (e.g.
    ``CE5C0000YJYX048``: "basalt clast" → basalt), so the demo types them as published."""
    path = path or Path(settings.SHARED_DATA_DIR) / "change_samples.csv"
    if not path.exists():
        return {}
    types = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            material = (row.get("material") or "").lower()
            for word, type_ in MATERIAL_TYPES:
                if word in material:
                    types[row["sample_code"].strip()] = type_
                    break
    return types


def change_rows() -> list[dict]:
    """Chang'e-5/6 lots and prepared samples, parents first. Lot masses add up to the returned mass.

    Samples the shared data describes take their type from it (``published_types``)."""
    R2C1, R2C2, PREP, CE6BOX = ("NAOC-LSL-R2-N01-C01", "NAOC-LSL-R2-N01-C02", "NAOC-LSL-R2-N02-C01",
                                "NAOC-LSL-R2-N02-C02")
    rows = []
    # Chang'e-5: 1,731 g in all (demo split of the real total between lots).
    for ident, type_, cat, grams, text, loc in [
        ("CE5C0100", "regolith", "permanent", 600_000, "Scooped surface material, sealed permanent-storage lot", "NAOC-LSL-R1-N01"),
        ("CE5Z0100", "core", "permanent", 150_000, "Drilled material, sealed permanent-storage lot", "NAOC-LSL-R1-N02"),
        ("CE5C0200", "regolith", "backup", 250_000, "Scooped material, backup permanent storage (Shaoshan)", "HNU-SS-V1-N01"),
        ("CE5Z0200", "core", "backup", 50_000, "Drilled material, backup permanent storage (Shaoshan)", "HNU-SS-V1-N01"),
        ("CE5C0400", "regolith", "research", 450_000, "Scooped surface soil, research lot (code prefix as in published papers)", R2C1),
        ("CE5Z0400", "core", "research", 100_000, "Drilled material, research lot", R2C2),
        ("CE5C0000", "regolith", "research", 31_000, "Scooped material, research lot of clasts (code prefix as in Boschi et al. 2023)", R2C1),
        ("CE5GY001", "regolith", "public_welfare", 100_000, "“Lunar Sample 001”, public-welfare sample, exactly 100 g, displayed at "
         "the National Museum of China since 27 Feb 2021 (museum accession GB93484; programme-facts 1.4). Identifier is demo.", ""),
    ]:
        demo = "" if ident == "CE5GY001" else f" — {DEMO}: lot mass is fictional; scoop/drill masses are not published."
        rows.append(_row(ident, "CE5", "", type_, cat, grams, text + demo, loc))
    # Powder lots and powders (mg-scale research items).
    rows.append(_row("CE5C0400YJFM009", "CE5", "CE5C0400", "powder", "research", 20_000, f"Powder lot — {DEMO}", PREP))
    rows.append(_row("CE5C0400YJFM00901", "CE5", "CE5C0400YJFM009", "powder", "research", 500,
                     "Scooped surface soil powder, 500 mg: real code and mass as used by Zhang et al. 2025, "
                     "Appl. Surf. Sci. 702:163331", PREP))
    for n, mg in enumerate([20, 25, 30, 40, 50, 50, 60, 75, 80, 100, 100, 120, 150, 200, 250, 300, 35, 45], start=2):
        rows.append(_row(f"CE5C0400YJFM009{n:02d}", "CE5", "CE5C0400YJFM009", "powder", "research", mg,
                         f"Scooped soil powder — {DEMO}", PREP))
    rows.append(_row("CE5C0400YJFM005", "CE5", "CE5C0400", "powder", "research", 5_000, f"Powder lot — {DEMO}", PREP))
    rows.append(_row("CE5C0400YJFM00505", "CE5", "CE5C0400YJFM005", "powder", "research", 50,
                     "Soil grains <50 µm; real code as quoted for Mo et al. 2022 (FIB foils -G1, -G2). "
                     f"Mass not published — {DEMO}", PREP))
    # Batch 1 offered 6 polished sections (157.6 mg in all) and 13 rock chips (868.8 mg in all):
    # the totals are public (programme-facts 1.4); the split between items is demo.
    for n, mg in enumerate(["22.4", "25.1", "27.3", "24.8", "28.6", "29.4"], start=1):
        rows.append(_row(f"CE5C0400YJGP{n:03d}", "CE5", "CE5C0400", "polished_section", "research", mg,
                         f"Polished section (lent whole) — {DEMO}; batch-1 sections total 157.6 mg", PREP))
    for n, mg in enumerate(["55.2", "61.7", "70.3", "48.9", "66.0", "72.8", "59.4", "80.1", "63.5", "75.6", "68.2", "71.9", "75.2"], start=1):
        rows.append(_row(f"CE5C0400YJYX{n:03d}", "CE5", "CE5C0400", "rock_chip", "research", mg,
                         f"Rock chip (lent whole) — {DEMO}; batch-1 chips total 868.8 mg", PREP))
    rows.append(_row("CE5C0000YJYX048", "CE5", "CE5C0000", "rock_chip", "research", "17.6",
                     "Basalt clast, 17.6 mg: real code and mass as in Boschi et al. 2023, JGR Planets, doi:10.1029/2022JE007627",
                     PREP))
    for n, mg in enumerate(["12.5", "21.0", "9.8", "15.3", "30.2"], start=40):
        rows.append(_row(f"CE5C0000YJYX{n:03d}", "CE5", "CE5C0000", "basalt", "research", mg,
                         f"Basalt clast — {DEMO}", PREP))
    rows.append(_row("CE5Z0400YJFM001", "CE5", "CE5Z0400", "powder", "research", 10_000, f"Drilled powder lot — {DEMO}", PREP))
    for n, mg in enumerate([30, 50, 80, 100, 150, 200, 60, 40], start=1):
        rows.append(_row(f"CE5Z0400YJFM001{n:02d}", "CE5", "CE5Z0400YJFM001", "powder", "research", mg,
                         f"Drilled material powder — {DEMO}", PREP))
    # Chang'e-6: 1,935.3 g in all; after unsealing it was divided into glass containers of about 150 g.
    for ident, type_, cat, mg, text, loc in [
        ("CE6C0100", "regolith", "permanent", 700_000, "Scooped far-side material, sealed permanent-storage lot", "NAOC-LSL-R1-N01"),
        ("CE6Z0100", "core", "permanent", 100_000, "Drilled far-side material, sealed permanent-storage lot", "NAOC-LSL-R1-N02"),
        ("CE6C0200", "regolith", "backup", 400_000, "Scooped far-side material, backup permanent storage (Shaoshan)", "HNU-SS-V1-N01"),
        ("CE6C0400", "regolith", "research", 600_000, "Scooped far-side material, research lot", CE6BOX),
        ("CE6Z0400", "core", "research", "135300", "Drilled far-side material, research lot", CE6BOX),
    ]:
        rows.append(_row(ident, "CE6", "", type_, cat, mg, f"{text} — {DEMO}: lot mass is fictional.", loc))
    rows.append(_row("CE6C0400YJFM001", "CE6", "CE6C0400", "powder", "research", 15_000, f"Far-side powder lot — {DEMO}", CE6BOX))
    for n, mg in enumerate([20, 30, 40, 50, 60, 80, 100, 120, 150, 200, 25, 35], start=1):
        rows.append(_row(f"CE6C0400YJFM001{n:02d}", "CE6", "CE6C0400YJFM001", "powder", "research", mg,
                         f"Far-side soil powder — {DEMO}", CE6BOX))
    for n, mg in enumerate(["45.0", "52.3", "61.8", "38.4", "70.5", "49.9", "57.2", "66.1"], start=1):
        rows.append(_row(f"CE6C0400YJYX{n:03d}", "CE6", "CE6C0400", "rock_chip", "research", mg,
                         f"Far-side rock chip (lent whole) — {DEMO}", CE6BOX))
    for n, mg in enumerate(["24.2", "26.7", "22.9", "28.3"], start=1):
        rows.append(_row(f"CE6C0400YJGP{n:03d}", "CE6", "CE6C0400", "polished_section", "research", mg,
                         f"Far-side polished section (lent whole) — {DEMO}", CE6BOX))
    rows.append(_row("CE6Z0400YJFM001", "CE6", "CE6Z0400", "powder", "research", 5_000, f"Drilled far-side powder lot — {DEMO}", CE6BOX))
    for n, mg in enumerate([30, 50, 75, 100, 150], start=1):
        rows.append(_row(f"CE6Z0400YJFM001{n:02d}", "CE6", "CE6Z0400YJFM001", "powder", "research", mg,
                         f"Drilled far-side powder — {DEMO}", CE6BOX))
    # A few demo splits of a real Apollo sample (the parent is real; these children are not).
    for n, mg in enumerate([250, 500, 1000], start=9001):
        rows.append(_row(f"70017,{n}", "A17", "70017", "rock_chip", "research", mg,
                         f"Chip of 70017 — {DEMO}: not a real NASA split", ""))
    published = published_types()
    for row in rows:
        row["type"] = published.get(row["identifier"], row["type"])
    return rows


def _csv_bytes(rows: list[dict]) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


def _missions() -> None:
    for (code, en, zh, agency, landing, returned, site, site_zh, lat, lon, grams, rounded, order, convention,
         source) in MISSIONS:
        Mission.objects.update_or_create(code=code, defaults={
            "name_en": en, "name_zh": zh, "agency": agency, "landing_date": dt.date.fromisoformat(landing),
            "return_date": dt.date.fromisoformat(returned), "landing_site": site, "landing_site_zh": site_zh,
            "latitude": Decimal(lat) if lat else None, "longitude": Decimal(lon) if lon else None,
            "returned_mass_ug": int(Decimal(grams) * UG_PER_G), "returned_mass_is_rounded": rounded,
            "sort_order": order, "id_convention": convention, "source": source[0], "source_zh": source[1],
            "agency_zh": AGENCIES_ZH.get(agency, ""),
        })


def _locations() -> None:
    for code, parent, kind, environment, en, zh, description in LOCATIONS:
        StorageLocation.objects.update_or_create(code=code, defaults={
            "parent": StorageLocation.objects.get(code=parent) if parent else None, "kind": kind,
            "environment": environment, "name_en": en, "name_zh": zh, "description": description,
        })


# The demo's own descriptions in Chinese, phrase by phrase (longest first, so a phrase is never
# replaced inside a longer one). The NASA/MoonDB descriptions of Apollo and Luna samples are
# curators' records in English and stay as recorded.
DESCRIPTION_PHRASES_ZH = sorted({
    f" — {DEMO}: lot mass is fictional; scoop/drill masses are not published.": "——演示数据（编号、质量为虚构）：样品批次质量为虚构；铲取与钻取质量未公布。",
    f" — {DEMO}: lot mass is fictional.": "——演示数据（编号、质量为虚构）：样品批次质量为虚构。",
    f" — {DEMO}: not a real NASA split": "——演示数据（编号、质量为虚构）：并非 NASA 的真实分样",
    f" — {DEMO}; batch-1 sections total 157.6 mg": "——演示数据（编号、质量为虚构）；第一批光片合计 157.6 毫克",
    f" — {DEMO}; batch-1 chips total 868.8 mg": "——演示数据（编号、质量为虚构）；第一批岩屑合计 868.8 毫克",
    f" — {DEMO}": "——演示数据（编号、质量为虚构）",
    f"Mass not published — {DEMO}": "质量未公布——演示数据（编号、质量为虚构）",
    "Scooped surface material, sealed permanent-storage lot": "铲取的表层样品，密封永久存储样品批次",
    "Drilled material, sealed permanent-storage lot": "钻取样品，密封永久存储样品批次",
    "Scooped material, backup permanent storage (Shaoshan)": "铲取样品，备份永久存储（韶山）",
    "Drilled material, backup permanent storage (Shaoshan)": "钻取样品，备份永久存储（韶山）",
    "Scooped surface soil, research lot (code prefix as in published papers)": "铲取的表层土壤，科研样品批次（编号前缀与已发表论文一致）",
    "Drilled material, research lot": "钻取样品，科研样品批次",
    "Scooped material, research lot of clasts (code prefix as in Boschi et al. 2023)": "铲取样品，岩屑科研样品批次（编号前缀与 Boschi 等 2023 一致）",
    "“Lunar Sample 001”, public-welfare sample, exactly 100 g, displayed at the National Museum of China since 27 Feb 2021 "
    "(museum accession GB93484; programme-facts 1.4). Identifier is demo.":
        "“月壤001”，公益样品，正好 100 克，自 2021 年 2 月 27 日起在中国国家博物馆展出（馆藏号 GB93484）。编号为演示数据。",
    "Powder lot": "粉末样品批次",
    "Scooped surface soil powder, 500 mg: real code and mass as used by Zhang et al. 2025, Appl. Surf. Sci. 702:163331": "铲取的表层土壤粉末，500 毫克：真实编号与质量，见 Zhang 等 2025，Appl. Surf. Sci. 702:163331",
    "Scooped soil powder": "铲取土壤粉末",
    "Soil grains <50 µm; real code as quoted for Mo et al. 2022 (FIB foils -G1, -G2). ":
        "粒径小于 50 微米的土壤颗粒；真实编号，见 Mo 等 2022 的引用（FIB 薄片 -G1、-G2）。",
    "Polished section (lent whole)": "光片（整件借出）",
    "Rock chip (lent whole)": "岩屑（整件借出）",
    "Basalt clast, 17.6 mg: real code and mass as in Boschi et al. 2023, JGR Planets, doi:10.1029/2022JE007627": "玄武岩岩屑，17.6 毫克：真实编号与质量，见 Boschi 等 2023，JGR Planets，doi:10.1029/2022JE007627",
    "Basalt clast": "玄武岩岩屑",
    "Drilled powder lot": "钻取粉末样品批次",
    "Drilled material powder": "钻取样品粉末",
    "Scooped far-side material, sealed permanent-storage lot": "铲取的月背样品，密封永久存储样品批次",
    "Drilled far-side material, sealed permanent-storage lot": "钻取的月背样品，密封永久存储样品批次",
    "Scooped far-side material, backup permanent storage (Shaoshan)": "铲取的月背样品，备份永久存储（韶山）",
    "Scooped far-side material, research lot": "铲取的月背样品，科研样品批次",
    "Drilled far-side material, research lot": "钻取的月背样品，科研样品批次",
    "Far-side powder lot": "月背粉末样品批次",
    "Far-side soil powder": "月背土壤粉末",
    "Far-side rock chip (lent whole)": "月背岩屑（整件借出）",
    "Far-side polished section (lent whole)": "月背光片（整件借出）",
    "Drilled far-side powder lot": "钻取的月背粉末样品批次",
    "Drilled far-side powder": "钻取的月背粉末",
    "Chip of 70017": "70017 的岩屑",
}.items(), key=lambda pair: -len(pair[0]))


def chinese_description(english: str) -> str:
    text = english
    for phrase, chinese in DESCRIPTION_PHRASES_ZH:
        text = text.replace(phrase, chinese)
    return text


def _describe_in_chinese(curator) -> None:
    """Give the demo's own samples their Chinese description (idempotent: unchanged ones are skipped)."""
    wanted = {row["identifier"]: (row["description"], chinese_description(row["description"])) for row in change_rows()}
    for sample in Sample.objects.filter(identifier__in=wanted):
        english, chinese = wanted[sample.identifier]
        if sample.description_zh != chinese:
            sample_describe(actor=curator, sample=sample, description=sample.description or english, description_zh=chinese)


def _after_import(curator, stdout) -> None:
    """Real events that change the demo collection: state gifts and the museum's public-welfare sample."""
    lot = Sample.objects.get(identifier="CE5C0400")
    for reason in ("State gift to Russia, Feb 2022: 1.5 g of Chang'e-5 material (programme-facts 1.9)",
                   "State gift to France, Apr 2023: 1.5 g of Chang'e-5 material (programme-facts 1.9)"):
        if not LedgerEntry.objects.filter(sample=lot, kind=LedgerEntry.Kind.TRANSFER_OUT, reason=reason).exists():
            sample_write_off(actor=curator, sample=lot, reason=reason, mass_ug=1_500_000, kind=LedgerEntry.Kind.TRANSFER_OUT)
    museum_sample = Sample.objects.get(identifier="CE5GY001")
    from lunarshare.accounts.models import Institution

    museum = Institution.objects.filter(name_en="National Museum of China").first()
    if museum is not None and museum_sample.holder_institution_id is None:
        sample_change_status(actor=curator, sample=museum_sample, status=Sample.Status.ON_LOAN,
                             reason="Public-welfare display at the National Museum of China")
        sample_record_custody(actor=curator, sample=museum_sample, kind="received", holder_institution=museum,
                              note="On display since 27 Feb 2021 (museum accession GB93484).")


@transaction.atomic
def load(stdout) -> None:
    from lunarshare.accounts.models import User

    curator = User.objects.filter(username="curator").first()
    _missions()
    _locations()
    rows, without_mass = apollo_rows(Path(settings.SHARED_DATA_DIR) / "apollo_samples.csv")
    result = samples_import(actor=curator, source=_csv_bytes(rows), filename="apollo_samples.csv (converted)")
    stdout.write(f"  Apollo/Luna: {result.created} imported, {result.skipped} already present, "
                 f"{without_mass} rows without a mass skipped.")
    result = samples_import(actor=curator, source=_csv_bytes(change_rows()), filename="change_demo_samples.csv")
    stdout.write(f"  Chang'e-5/6 and demo splits: {result.created} imported, {result.skipped} already present.")
    _after_import(curator, stdout)
    _describe_in_chinese(curator)
    stdout.write(f"  {Mission.objects.count()} missions, {StorageLocation.objects.count()} storage locations, "
                 f"{Sample.objects.count()} samples.")
