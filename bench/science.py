#!/usr/bin/env python
"""Science benchmark: the comparison API against the equivalent raw SQL.

    .venv/bin/python bench/science.py [--scale N] [--repeat R]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_science .venv/bin/python bench/science.py

Builds, in a throwaway database (the one named by ``DATABASE_URL``, whose name must contain
"bench" because it is dropped and created again; otherwise a temporary SQLite file), N
measurements (default 1,000,000) of 12 properties on N/20 samples of 11 missions in 200
datasets, half of them released (public). The rows are generated in SQL (``generate_series`` /
a recursive CTE), not through the upload service: this measures reads.

Then it times, R times each (median and p95):

* ``api``  — ``GET /api/v1/compare/?missions=A12,A15,CE5&property=TiO2`` as an anonymous visitor,
  through Django's whole request stack (visibility selector, statistics, up to 2,000 points per
  mission, JSON rendering);
* ``raw``  — the same answer straight through a DB cursor: one grouped COUNT/MIN/MAX, the median
  (``percentile_cont`` on PostgreSQL, the middle row by OFFSET on SQLite) and the same LIMITed
  points query per mission, no ORM, no HTTP;
* ``sel``  — ``selectors.compare`` alone (the ORM and Python, no HTTP and no JSON);
* ``agg``  — the grouped aggregate alone (the floor).

and prints each with the ratio api/raw.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from _common import p95, prepare_database  # noqa: E402  (bench/ is the script's folder, first on sys.path)

CODES = ["A11", "A12", "A14", "A15", "A16", "A17", "L16", "L20", "L24", "CE5", "CE6"]
PROPERTIES = ["SiO2", "TiO2", "Al2O3", "FeO", "MgO", "CaO", "Mg#", "Pb-Pb age", "Ar-Ar age", "Rb-Sr age", "Th", "U"]
KINDS = ["oxide"] * 6 + ["ratio"] + ["age"] * 3 + ["element"] * 2
QUERY = {"missions": "A12,A15,CE5", "property": "TiO2"}



def series(count: int, sql_select: str, table: str, columns: str, batch: int = 250_000) -> None:
    """INSERT rows computed from a counter ``x`` = 1..count, in batches."""
    from django.db import connection

    with connection.cursor() as cursor:
        for start in range(0, count, batch):
            stop = min(count, start + batch)
            if connection.vendor == "postgresql":
                sql = f"INSERT INTO {table} ({columns}) SELECT {sql_select} FROM generate_series({start + 1}, {stop}) AS s(x)"
            else:
                sql = (f"INSERT INTO {table} ({columns}) WITH RECURSIVE s(x) AS (SELECT {start + 1} UNION ALL "
                       f"SELECT x + 1 FROM s WHERE x < {stop}) SELECT {sql_select} FROM s")
            cursor.execute(sql)


def build(n_measurements: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from lunarshare.catalog.models import Mission, Sample
    from lunarshare.science.models import Dataset, Measurement

    n_samples = max(100, n_measurements // 20)
    n_datasets = 200
    now = timezone.now()
    pg = connection.vendor == "postgresql"
    true, false = ("TRUE", "FALSE") if pg else ("1", "0")
    started = time.perf_counter()
    with transaction.atomic():
        missions = [Mission.objects.create(code=code, name_en=code, agency="bench", sort_order=i)
                    for i, code in enumerate(CODES)]
        first_mission = missions[0].pk
        q = connection.ops.quote_name
        ts = f"'{now.isoformat()}'"
        series(n_samples, f"'B' || x, 'u' || x, {first_mission} + (x % 11), 'B' || x, 'basalt', 'research', 'available', "
                          f"'', 1000, 1000, '{{}}', {ts}, {ts}", q(Sample._meta.db_table),
               "identifier, uid, mission_id, generic, type, category, status, description, initial_mass_ug, mass_ug, "
               "metadata, created_at, updated_at")
        first_sample = Sample.objects.order_by("pk").values_list("pk", flat=True).first()
        datasets = Dataset.objects.bulk_create([
            Dataset(title=f"bench {i}", status="released" if i % 2 == 0 else "embargoed",
                    released_at=now if i % 2 == 0 else None) for i in range(n_datasets)])
        first_dataset = min(d.pk for d in datasets)
        prop = "CASE (x % 12) " + " ".join(f"WHEN {i} THEN '{p}'" for i, p in enumerate(PROPERTIES)) + " END"
        kind = "CASE (x % 12) " + " ".join(f"WHEN {i} THEN '{k}'" for i, k in enumerate(KINDS)) + " END"
        # sample (x % n_samples) belongs to mission (sample index % 11): keep mission_id consistent with it.
        sample_index = f"(x % {n_samples})"
        value = "(((CAST(x AS BIGINT) * 7919) % 100000) / 10000.0)"
        dataset_index = f"((x / 7) % {n_datasets})"
        series(
            n_measurements,
            f"{first_dataset} + {dataset_index}, {first_sample} + {sample_index}, "
            f"{first_mission} + (({sample_index} + 1) % 11), {prop}, {kind}, {value}, 'wt%', {value}, "
            f"0.1, '1s', 0.1, CAST(x AS TEXT), CASE WHEN {dataset_index} % 2 = 0 THEN {true} ELSE {false} END, {ts}, {ts}",
            q(Measurement._meta.db_table),
            "dataset_id, sample_id, mission_id, property, kind, value, unit, value_canonical, uncertainty, "
            "uncertainty_type, uncertainty_canonical, method, public, created_at, updated_at",
        )
    # Sample ids were generated so that sample k has mission first + ((k-first+1) % 11): check one.
    check = Measurement.objects.select_related("sample").order_by("?").first()
    assert check.mission_id == check.sample.mission_id, "bench data: mission must match the sample's mission"
    return {"samples": n_samples, "datasets": n_datasets, "measurements": n_measurements,
            "build_s": time.perf_counter() - started}


def vacuum() -> None:
    """What autovacuum does after a bulk load: statistics and the visibility map (index-only scans)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def raw_compare(mission_ids: list[int], points_limit: int, *, with_points: bool = True) -> list:
    """The comparison's answer with plain SQL: aggregate, median and (optionally) the points."""
    from django.db import connection

    table = "science_measurement"
    placeholders = ", ".join(["%s"] * len(mission_ids))
    out = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT mission_id, COUNT(*), COUNT(DISTINCT sample_id), MIN(value_canonical), "
                f"percentile_cont(0.5) WITHIN GROUP (ORDER BY value_canonical), MAX(value_canonical) "
                f"FROM {table} WHERE property = %s AND public AND mission_id IN ({placeholders}) GROUP BY mission_id",
                ["TiO2", *mission_ids])
            out.append(cursor.fetchall())
        else:
            cursor.execute(
                f"SELECT mission_id, COUNT(*), COUNT(DISTINCT sample_id), MIN(value_canonical), MAX(value_canonical) "
                f"FROM {table} WHERE property = %s AND public = 1 AND mission_id IN ({placeholders}) GROUP BY mission_id",
                ["TiO2", *mission_ids])
            rows = cursor.fetchall()
            out.append(rows)
            for mission_id, count, *_rest in rows:
                cursor.execute(f"SELECT value_canonical FROM {table} WHERE property = %s AND public = 1 AND mission_id = %s "
                               f"ORDER BY value_canonical LIMIT 2 OFFSET %s", ["TiO2", mission_id, (count - 1) // 2])
                out.append(cursor.fetchall())
        if with_points:
            # The points, then the identifiers of their samples in one lookup (a JOIN makes the
            # planner hash the whole sample table once the points come from an index-only scan).
            sample_ids = set()
            for mission_id in mission_ids:
                cursor.execute(
                    f"SELECT sample_id, value_canonical, uncertainty_canonical, uncertainty_type, property, dataset_id "
                    f"FROM {table} WHERE property = %s AND public {'' if connection.vendor == 'postgresql' else '= 1'} "
                    f"AND mission_id = %s ORDER BY value_canonical, id LIMIT %s",
                    ["TiO2", mission_id, points_limit])
                rows = cursor.fetchall()
                sample_ids.update(row[0] for row in rows)
                out.append(rows)
            ids = sorted(sample_ids)
            if connection.vendor == "postgresql":
                cursor.execute("SELECT id, identifier FROM catalog_sample WHERE id = ANY(%s)", [ids])
                out.append(cursor.fetchall())
                ids = []
            for start in range(0, len(ids), 900):
                chunk = ids[start:start + 900]
                cursor.execute(f"SELECT id, identifier FROM catalog_sample WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                               chunk)
                out.append(cursor.fetchall())
    return out


def timed(fn, repeat: int) -> list[float]:
    fn()  # warm caches and the connection
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000, help="number of measurements (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the data of a previous run in the DATABASE_URL database (apply new migrations, re-time)")
    args = parser.parse_args()

    backend = prepare_database("science", reuse=args.reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lunarshare.settings")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from lunarshare.catalog.models import Mission
    from lunarshare.science.selectors import DEFAULT_POINTS

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0, skip_checks=True)
    if args.reuse:
        from lunarshare.science.models import Dataset, Measurement

        print(f"{backend}: {Measurement.objects.count():,} measurements in {Dataset.objects.count()} datasets")
    else:
        info = build(args.scale)
        print(f"{backend}: {info['measurements']:,} measurements, {info['samples']:,} samples, "
              f"{info['datasets']} datasets (half released); built in {info['build_s']:.1f} s")
    vacuum()

    client = Client()
    mission_ids = list(Mission.objects.filter(code__in=QUERY["missions"].split(",")).values_list("pk", flat=True))
    response = client.get("/api/v1/compare/", QUERY)
    assert response.status_code == 200, response.content[:500]
    body = response.json()
    counts = {m["mission"]: m["count"] for m in body["missions"]}
    raw = raw_compare(mission_ids, DEFAULT_POINTS)
    raw_counts = {row[0]: row[1] for row in raw[0]}
    assert sorted(counts.values()) == sorted(raw_counts.values()), (counts, raw_counts)
    print(f"query: {QUERY}; per mission count {counts}; points returned "
          f"{sum(len(m['points']) for m in body['missions']):,}")

    from lunarshare.science.selectors import compare, parse_missions

    api = timed(lambda: client.get("/api/v1/compare/", QUERY), args.repeat)
    selector = timed(lambda: compare(None, missions=parse_missions(QUERY["missions"]), property=QUERY["property"]),
                     args.repeat)
    raw_t = timed(lambda: raw_compare(mission_ids, DEFAULT_POINTS), args.repeat)
    agg = timed(lambda: raw_compare(mission_ids, DEFAULT_POINTS, with_points=False), args.repeat)
    rows = [("api  GET /api/v1/compare/", api), ("sel  selectors.compare (no HTTP/JSON)", selector),
            ("raw  same answer, plain SQL", raw_t), ("agg  aggregate only", agg)]
    for label, values in rows:
        print(f"{label:<40} median {statistics.median(values) * 1000:8.1f} ms   p95 {p95(values) * 1000:8.1f} ms")
    print(f"ratio api/raw: median {statistics.median(api) / statistics.median(raw_t):.2f}x, "
          f"p95 {p95(api) / p95(raw_t):.2f}x; selector/raw median {statistics.median(selector) / statistics.median(raw_t):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
