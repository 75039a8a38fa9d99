#!/usr/bin/env python
"""The catalogue at 10,000,000 samples on PostgreSQL: API, genealogy, integrity checks, statistics.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lunarshare_bench_10m .venv/bin/python bench/catalog_10m.py [--scale N]

1,000 real parents are registered through ``sample_register``; the N subsamples under them (half
Apollo-style ``P,k`` splits, half Chang'e-style codes, five types, four statuses) and their two
ledger rows each (split out of the parent, split into the child) are generated in SQL
(``INSERT … SELECT generate_series``), in batches, and the parents' masses reduced to match, so
``check_ledger`` has a real ledger to check. The CSV import itself is measured at 1,000,000 by
``bench/catalog.py``. Then, with the same code as ``bench/catalog.py``: the genealogy of a
10,000-node tree against its index read, and ``GET /api/v1/samples/`` for five filter sets
(p95 per set); then ``check_ledger``, ``verify_audit``, the public statistics cold and warm,
and the database's size. ``DATABASE_URL`` must name a database with "bench" in its name
(it is dropped and created); default ``postgres://postgres@127.0.0.1:5432/lunarshare_bench_10m``.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time

from _common import p95, prepare_database  # noqa: E402  (bench/ is the script's folder)

BATCH = 1_000_000


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


TABLES = ("catalog_sample", "catalog_ledgerentry")


def _drop_indexes(cursor) -> list[str]:
    """Drop every index and unique constraint but the primary keys; return the SQL that rebuilds them.
    Building an index once over 10 M rows is far cheaper than keeping 14 indexes up to date row by row."""
    rebuild = []
    cursor.execute("""SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                      WHERE conrelid::regclass::text = ANY(%s) AND contype = 'u'""", [list(TABLES)])
    for table, name, definition in cursor.fetchall():
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    cursor.execute("""SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
                      WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary""", [list(TABLES)])
    for name, definition in cursor.fetchall():
        cursor.execute(f"DROP INDEX {name}")
        rebuild.append(definition)
    return rebuild


def generate(scale: int, parents) -> dict[str, float]:
    """``scale`` subsamples spread over ``parents`` and their split ledger rows, in SQL."""
    from django.db import connection

    count = len(parents)
    times = {}
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("DROP TABLE IF EXISTS bench_parent")
        cursor.execute(f"""CREATE UNLOGGED TABLE bench_parent AS
                           SELECT row_number() OVER (ORDER BY s.id) - 1 AS n, s.id, s.identifier, s.generic,
                                  s.mission_id, m.code = 'A17' AS apollo
                           FROM catalog_sample s JOIN catalog_mission m ON m.id = s.mission_id
                           WHERE s.id IN ({", ".join(str(p.pk) for p in parents)})""")
        cursor.execute("CREATE UNIQUE INDEX ON bench_parent (n)")
        cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM catalog_sample")
        base = cursor.fetchone()[0]
        start = time.perf_counter()
        rebuild = _drop_indexes(cursor)
        # Every row is built valid (ids, parents and missions exist): skip the per-row FK triggers.
        cursor.execute("SET session_replication_role = replica")
        try:
            for first in range(0, scale, BATCH):
                last = min(first + BATCH, scale)
                # g: the row number; g % count picks the parent, g / count + 1 is the child's number.
                cursor.execute(f"""
                    INSERT INTO catalog_sample (id, uid, identifier, mission_id, parent_id, generic, split_number,
                        type, category, status, description, initial_mass_ug, mass_ug, metadata, created_at,
                        updated_at)
                    SELECT {base} + g, 'g' || lpad(to_hex(g), 11, '0'),
                           CASE WHEN p.apollo THEN p.identifier || ',' || (g / {count} + 1)
                                ELSE p.identifier || lpad((g / {count} + 1)::text, 5, '0') END,
                           p.mission_id, p.id, p.generic, CASE WHEN p.apollo THEN g / {count} + 1 END,
                           (ARRAY['powder','rock_chip','polished_section','powder','regolith'])[g % 5 + 1],
                           'research',
                           (ARRAY['available','available','available','reserved','on_loan','consumed'])[g % 6 + 1],
                           'generated subsample', 1000 + (g * 7919) % 499000, 1000 + (g * 7919) % 499000,
                           '{{}}', now(), now()
                    FROM generate_series({first}::bigint, {last - 1}) g JOIN bench_parent p ON p.n = g % {count}""")
                cursor.execute(f"""
                    INSERT INTO catalog_ledgerentry (sample_id, kind, delta_ug, balance_ug, counterpart_id, reason,
                        reference, created_at)
                    SELECT c.id, 'split_in', c.initial_mass_ug, c.initial_mass_ug, c.parent_id, '', '', now()
                    FROM catalog_sample c WHERE c.id BETWEEN {base + first} AND {base + last - 1}
                    UNION ALL
                    SELECT c.parent_id, 'split_out', -c.initial_mass_ug, 0, c.id, '', '', now()
                    FROM catalog_sample c WHERE c.id BETWEEN {base + first} AND {base + last - 1}""")
                print(f"  generated {last:,} / {scale:,} ({time.perf_counter() - start:.0f} s)", flush=True)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("""UPDATE catalog_sample p SET mass_ug = p.initial_mass_ug - d.drawn
                          FROM (SELECT parent_id, SUM(initial_mass_ug) AS drawn FROM catalog_sample
                                WHERE parent_id IS NOT NULL GROUP BY parent_id) d WHERE d.parent_id = p.id""")
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('catalog_sample', 'id'), {base + scale})")
        cursor.execute("DROP TABLE bench_parent")
        times["rows"] = time.perf_counter() - start
        start = time.perf_counter()
        for statement in rebuild:
            cursor.execute(statement)
        times["indexes"] = time.perf_counter() - start
        start = time.perf_counter()
        cursor.execute("VACUUM ANALYZE catalog_sample")
        cursor.execute("VACUUM ANALYZE catalog_ledgerentry")
        times["vacuum"] = time.perf_counter() - start
        times["index_count"] = len(rebuild)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10_000_000, help="subsamples to generate (default 10,000,000)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # bench/run.py compatibility: unused
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lunarshare_bench_10m")
    if not os.environ["DATABASE_URL"].startswith("postgres"):
        sys.exit("this benchmark needs PostgreSQL (DATABASE_URL=postgres://…)")
    where = prepare_database("catalog_10m")
    # The API figures measure the queries: the anonymous page cache (ops.httpcache) would answer
    # every repeat from memory instead.
    os.environ["LUNARSHARE_PAGE_CACHE_SECONDS"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lunarshare.settings")
    import django

    django.setup()
    import catalog as catalog_bench  # bench/catalog.py: the same genealogy and API measurements
    from django.core.management import CommandError, call_command
    from django.db import connection
    from django.test import Client

    load = os.getloadavg()
    print(f"== catalogue at {args.scale:,} samples on {where}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} ==",
          flush=True)
    call_command("migrate", verbosity=0)
    parents = catalog_bench.setup_parents(1000)
    print(f"generate {args.scale:,} subsamples under {len(parents)} parents, with 2 ledger rows each (SQL)")
    times = generate(args.scale, parents)
    print(f"  rows in {times['rows']:.0f} s ({args.scale / times['rows']:,.0f} samples/s with their ledger rows), "
          f"{times['index_count']} indexes and unique constraints rebuilt in {times['indexes']:.0f} s, "
          f"VACUUM ANALYZE {times['vacuum']:.0f} s", flush=True)

    catalog_bench.bench_genealogy()
    # A deep page too: page 200 is OFFSET 9,950 (pages are walked with OFFSET, not keysets).
    catalog_bench.bench_api(repeat=120, extra_queries=({"mission": "CE5", "status": "available", "page": "200"},))

    print("integrity checks")
    for command in ("check_ledger", "verify_audit"):
        out = io.StringIO()
        start = time.perf_counter()
        try:
            call_command(command, stdout=out, stderr=out)
            outcome = "passed"
        except (CommandError, SystemExit) as exc:
            outcome = f"FAILED ({exc})"
        last_line = (out.getvalue().strip().splitlines() or [""])[-1]
        print(f"  {command}: {time.perf_counter() - start:.1f} s, {outcome}: {last_line}", flush=True)
    print("public statistics (GET /api/v1/statistics/)")
    from django.core.cache import cache

    cache.clear()
    client = Client()
    start = time.perf_counter()
    assert client.get("/api/v1/statistics/").status_code == 200
    cold = time.perf_counter() - start
    warm = []
    for _ in range(30):
        start = time.perf_counter()
        client.get("/api/v1/statistics/")
        warm.append(time.perf_counter() - start)
    print(f"  cold: {ms(cold)}; warm: median {ms(statistics.median(warm))}, p95 {ms(p95(warm))}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database())), "
                       "pg_size_pretty(pg_total_relation_size('catalog_sample')), "
                       "pg_size_pretty(pg_total_relation_size('catalog_ledgerentry')), (SELECT count(*) FROM catalog_sample)")
        size, samples_size, ledger_size, count = cursor.fetchone()
    load = os.getloadavg()
    print(f"database: {size} (samples {samples_size} with indexes, ledger {ledger_size}); {count:,} samples; "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
