#!/usr/bin/env python
"""Catalogue benchmark: CSV import, genealogy and the filtered catalogue API against raw SQL.

    .venv/bin/python bench/catalog.py [--scale N] [--db postgres|sqlite|both]

For each database (a throwaway PostgreSQL database on the server of ``DATABASE_URL`` /
``BENCH_POSTGRES_URL``, default ``postgres://postgres@127.0.0.1:5432/``, and a temporary
SQLite file) it

1. registers real parents through ``sample_register`` and writes a CSV of N subsamples under
   them (half Apollo-style ``P,k`` splits, half Chang'e-style codes);
2. loads the same rows with a raw baseline (csv reader + COPY on PostgreSQL / executemany on
   SQLite of the same sample and ledger rows, one transaction, no validation), deletes them,
   then imports the file with ``lunarshare.catalog.importer`` (full validation, idempotency
   check, ledger) and prints rows/s of both and the ratio;
3. builds a 10,000-descendant tree and times ``selectors.genealogy`` (nested result) against
   the bare recursive CTE;
4. times ``GET /api/v1/samples/`` with filters through the whole Django stack (test client)
   against the equivalent raw SQL (page query + capped count), median and p95.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from _common import p95, run_worker_per_database  # noqa: E402  (bench/ is the script's folder, first on sys.path)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


# --- the parent process: one child process per database ------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000, help="number of subsamples to import (default 1,000,000)")
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.scale, args.worker)

    return run_worker_per_database(__file__, "catalog", args.scale, args.db)


# --- the worker: everything happens in the throwaway database ----------------------------------


def worker(scale: int, vendor: str) -> int:
    # The API figures measure the queries: the anonymous page cache (ops.httpcache) would answer
    # every repeat from memory instead.
    os.environ["LUNARSHARE_PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lunarshare.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    label = "PostgreSQL" if vendor == "postgresql" else "SQLite"
    print(f"== catalog benchmark on {label}, scale {scale:,} ==", flush=True)
    with tempfile.TemporaryDirectory(prefix="lunarshare-bench-csv-") as folder:
        path = Path(folder) / "subsamples.csv"
        bench_import(scale, path)
    bench_genealogy()
    bench_api()
    return 0


def setup_parents(count: int):
    from lunarshare.catalog.models import Mission, StorageLocation
    from lunarshare.catalog.services import sample_register

    apollo, _ = Mission.objects.get_or_create(code="A17", defaults={"name_en": "Apollo 17", "agency": "NASA",
                                                                    "id_convention": "apollo"})
    change, _ = Mission.objects.get_or_create(code="CE5", defaults={"name_en": "Chang'e-5", "agency": "CNSA",
                                                                    "id_convention": "change"})
    StorageLocation.objects.get_or_create(code="BENCH-N2", defaults={"name_en": "Bench cabinet", "kind": "cabinet"})
    parents = []
    for n in range(count):
        mission = apollo if n % 2 == 0 else change
        identifier = f"9{n:05d}" if mission is apollo else f"CE5B{n:05d}"
        parents.append(sample_register(actor=None, identifier=identifier, mission=mission, type="regolith",
                                       mass_ug=10**13, category="research"))
    return parents


def write_csv(path: Path, parents, scale: int) -> None:
    rng = random.Random(42)
    types = ["powder", "rock_chip", "polished_section", "powder", "regolith"]
    per_parent = -(-scale // len(parents))
    written = 0
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["identifier", "mission", "parent", "type", "category", "mass_mg", "description", "location"])
        for k in range(1, per_parent + 1):
            for parent in parents:
                if written == scale:
                    return
                if parent.mission.code == "A17":
                    identifier = f"{parent.identifier},{k}"
                else:
                    identifier = f"{parent.identifier}{k:04d}"
                mass = f"{rng.randint(1, 500_000) / 1000:.3f}"
                writer.writerow([identifier, parent.mission.code, parent.identifier, types[(k + written) % 5],
                                 "research", mass, "generated subsample", "BENCH-N2" if k % 3 == 0 else ""])
                written += 1


def raw_baseline(path: Path, parent_ids: dict[str, int], mission_ids: dict[str, int]) -> float:
    """The same sample and ledger rows, straight from the file into the tables (no checks)."""
    import secrets

    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    now_db = now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
    sample_columns = ["id", "uid", "identifier", "mission_id", "parent_id", "generic", "split_number", "type", "category",
                      "status", "description", "initial_mass_ug", "mass_ug", "location_id", "holder_institution_id",
                      "metadata", "created_at", "updated_at"]
    ledger_columns = ["sample_id", "kind", "delta_ug", "balance_ug", "counterpart_id", "reason", "reference", "actor_id",
                      "created_at"]
    from lunarshare.catalog.models import Sample, StorageLocation

    location_id = StorageLocation.objects.get(code="BENCH-N2").pk
    generics = dict(Sample.objects.filter(pk__in=parent_ids.values()).values_list("identifier", "generic"))
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM catalog_sample")
        next_id = cursor.fetchone()[0] + 1
        samples, ledger, drawn = [], [], {}
        with path.open(newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for identifier, mission, parent, type_, category, mass_mg, description, location in reader:
                mass = int(Decimal(mass_mg) * 1000)
                parent_id = parent_ids[parent]
                samples.append((next_id, secrets.token_urlsafe(8)[:10], identifier, mission_ids[mission], parent_id,
                                generics[parent], None, type_, category, "available", description, mass, mass,
                                location_id if location else None, None, "{}", now_db, now_db))
                ledger.append((parent_id, "split_out", -mass, 0, next_id, "", "", None, now_db))
                ledger.append((next_id, "split_in", mass, mass, parent_id, "", "", None, now_db))
                drawn[parent_id] = drawn.get(parent_id, 0) + mass
                next_id += 1
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('catalog_sample', 'id'), {next_id})")
            with cursor.cursor.copy(f"COPY catalog_sample ({', '.join(sample_columns)}) FROM STDIN") as copy:
                for row in samples:
                    copy.write_row(row)
            with cursor.cursor.copy(f"COPY catalog_ledgerentry ({', '.join(ledger_columns)}) FROM STDIN") as copy:
                for row in ledger:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO catalog_sample ({', '.join(sample_columns)}) VALUES "
                               f"({', '.join(['%s'] * len(sample_columns))})", samples)
            cursor.executemany(f"INSERT INTO catalog_ledgerentry ({', '.join(ledger_columns)}) VALUES "
                               f"({', '.join(['%s'] * len(ledger_columns))})", ledger)
        cursor.executemany("UPDATE catalog_sample SET mass_ug = mass_ug - %s WHERE id = %s",
                           [(amount, pk) for pk, amount in drawn.items()])
    return time.perf_counter() - start


def undo_baseline(parents) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM catalog_ledgerentry WHERE kind IN ('split_out', 'split_in')")
        cursor.execute("DELETE FROM catalog_sample WHERE parent_id IS NOT NULL")
        cursor.execute("UPDATE catalog_sample SET mass_ug = initial_mass_ug")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE catalog_sample")
            cursor.execute("VACUUM ANALYZE catalog_ledgerentry")


def bench_import(scale: int, path: Path) -> None:
    from django.db import connection

    from lunarshare.catalog.importer import samples_import
    from lunarshare.catalog.models import Mission
    from lunarshare.catalog.selectors import ledger_breaks

    parents = setup_parents(max(2, min(1000, scale // 1000)))
    write_csv(path, parents, scale)
    parent_ids = {p.identifier: p.pk for p in parents}
    mission_ids = dict(Mission.objects.values_list("code", "id"))

    raw = raw_baseline(path, parent_ids, mission_ids)
    undo_baseline(parents)
    start = time.perf_counter()
    with path.open("rb") as source:
        result = samples_import(actor=None, source=source, filename=path.name)
    imported = time.perf_counter() - start
    assert result.created == scale, result
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalog_sample")
    start = time.perf_counter()
    with path.open("rb") as source:
        again = samples_import(actor=None, source=source, filename=path.name)
    rerun = time.perf_counter() - start
    assert again.created == 0 and again.skipped == scale
    breaks = ledger_breaks()
    print(f"import {scale:,} subsamples under {len(parents)} parents (samples + 2 ledger rows each)")
    print(f"  importer : {imported:8.2f} s  {scale / imported:10,.0f} rows/s  (validation, idempotency, ledger, audit)")
    print(f"  raw SQL  : {raw:8.2f} s  {scale / raw:10,.0f} rows/s  ({'COPY' if connection.vendor == 'postgresql' else 'executemany'}, no checks)")
    print(f"  ratio    : {raw / imported:8.2f} × raw throughput (aim ≥ 0.5)")
    print(f"  re-run of the same file: {rerun:.2f} s, 0 created; check_ledger breaks: {len(breaks)}", flush=True)


def bench_genealogy(size: int = 10_000, fanout: int = 10, repeat: int = 15) -> None:
    import io

    from django.db import connection

    from lunarshare.catalog.importer import samples_import
    from lunarshare.catalog.models import Sample
    from lunarshare.catalog.selectors import genealogy

    # Breadth-first tree: TREE has `fanout` children, each of those `fanout`, … until `size` nodes.
    parent_of: dict[str, str] = {}
    order = ["TREE"]
    level = ["TREE"]
    while len(parent_of) < size:
        next_level = []
        for parent in level:
            for _ in range(fanout):
                if len(parent_of) == size:
                    break
                identifier = f"TREE,{len(parent_of) + 1}"
                parent_of[identifier] = parent
                order.append(identifier)
                next_level.append(identifier)
        level = next_level
    # Each node weighs 1 mg more than its whole subtree, so every split is possible.
    subtree = dict.fromkeys(order, 1)
    for identifier in reversed(order[1:]):
        subtree[parent_of[identifier]] += subtree[identifier]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["identifier", "mission", "parent", "type", "category", "mass_mg", "description", "location"])
    for identifier in order:
        writer.writerow([identifier, "A17", parent_of.get(identifier, ""), "powder", "research", subtree[identifier], "", ""])
    samples_import(actor=None, source=io.BytesIO(text.getvalue().encode()), filename="tree.csv")
    root = Sample.objects.get(identifier="TREE")

    orm, raw, raw_generic = [], [], []
    generic_sql = """SELECT id, identifier, parent_id, type, status, mass_ug, initial_mass_ug
                     FROM catalog_sample WHERE generic = %s"""
    sql = """WITH RECURSIVE tree(id, depth) AS (
                SELECT id, 1 FROM catalog_sample WHERE parent_id = %s
                UNION ALL SELECT s.id, t.depth + 1 FROM catalog_sample s JOIN tree t ON s.parent_id = t.id)
             SELECT s.id, s.identifier, s.parent_id, t.depth, s.type, s.status, s.mass_ug, s.initial_mass_ug
             FROM tree t JOIN catalog_sample s ON s.id = t.id ORDER BY t.depth, s.identifier"""
    for _ in range(repeat):
        start = time.perf_counter()
        result = genealogy(root)
        orm.append(time.perf_counter() - start)
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, [root.pk])
            rows = cursor.fetchall()
        raw.append(time.perf_counter() - start)
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(generic_sql, [root.generic])
            cursor.fetchall()
        raw_generic.append(time.perf_counter() - start)
    assert result["descendants_count"] == size == len(rows)
    print(f"genealogy of a {size:,}-descendant tree (fan-out {fanout}), {repeat} runs")
    print(f"  selector : median {ms(statistics.median(orm))}, p95 {ms(p95(orm))}  (nested dict)")
    print(f"  raw SQL  : median {ms(statistics.median(raw))}, p95 {ms(p95(raw))}  (recursive CTE, fetchall)")
    print(f"  raw SQL  : median {ms(statistics.median(raw_generic))}, p95 {ms(p95(raw_generic))}  "
          "(the tree's rows by generic, index scan, fetchall; no nesting)")
    print(f"  ratio    : {statistics.median(orm) / statistics.median(raw):.2f} × recursive CTE, "
          f"{statistics.median(orm) / statistics.median(raw_generic):.2f} × generic scan", flush=True)


def bench_api(repeat: int = 60, extra_queries: tuple[dict, ...] = ()) -> None:
    from django.core.exceptions import EmptyResultSet
    from django.db import connection
    from django.test import Client

    from lunarshare.catalog.models import Mission, Sample
    from lunarshare.catalog.selectors import sample_search

    total = Sample.objects.count()
    mission_ids = dict(Mission.objects.values_list("code", "id"))
    queries = [
        {"mission": "CE5", "type": "powder", "status": "available"},
        {"mission": "A17", "min_mass_ug": "100000", "max_mass_ug": "200000"},
        {"mission": "CE5", "type": "rock_chip", "page": "3"},
        {"search": "CE5B0000", "status": "available"},
        {"parent": "900002", "type": "powder"},
        *extra_queries,
    ]
    client = Client()
    api, raw = [], []
    per_query: dict[int, list[float]] = {}
    for params in queries:  # warm up: first connection, plan caches
        client.get("/api/v1/samples/", params)
    for n in range(repeat):
        params = queries[n % len(queries)]
        start = time.perf_counter()
        response = client.get("/api/v1/samples/", params)
        api.append(time.perf_counter() - start)
        per_query.setdefault(n % len(queries), []).append(api[-1])
        assert response.status_code == 200, response.content[:300]
        # Raw equivalent: the same page query and the same capped count, straight SQL.
        arguments = {k: v for k, v in params.items() if k != "page"}
        for key in ("min_mass_ug", "max_mass_ug"):
            if key in arguments:
                arguments[key] = int(arguments[key])
        queryset = sample_search(**arguments)
        page = int(params.get("page", 1))
        try:
            page_sql, page_params = queryset.values_list(
                "identifier", "uid", "mission__code", "parent__identifier", "type", "category", "status",
                "initial_mass_ug", "mass_ug", "description")[(page - 1) * 50: page * 50].query.sql_with_params()
            count_sql, count_params = queryset.order_by().values("pk")[:1_001].query.sql_with_params()
        except EmptyResultSet:  # a filter naming a row absent at this scale: no SQL to compare with
            api.pop()
            per_query[n % len(queries)].pop()
            continue
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(page_sql, page_params)
            cursor.fetchall()
            cursor.execute(f"SELECT COUNT(*) FROM ({count_sql}) sub", count_params)
            cursor.fetchone()
        raw.append(time.perf_counter() - start)
    del mission_ids
    print(f"GET /api/v1/samples/ with filters at {total:,} samples, {repeat} requests over {len(queries)} filter sets")
    print(f"  API      : median {ms(statistics.median(api))}, p95 {ms(p95(api))}  (full Django stack, test client)")
    print(f"  raw SQL  : median {ms(statistics.median(raw))}, p95 {ms(p95(raw))}  (page query + capped count)")
    print(f"  ratio    : {statistics.median(api) / statistics.median(raw):.2f} × raw time (aim: API p95 < 50 ms on PostgreSQL)")
    for index, times in ((i, t) for i, t in per_query.items() if t):
        print(f"    {queries[index]}: median {ms(statistics.median(times))}, max {ms(max(times))}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
