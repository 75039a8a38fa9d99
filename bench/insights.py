"""Benchmark of the public statistics API (``GET /api/v1/statistics/``).

Builds, in a throwaway database, a collection of ``1,000,000 × scale`` samples (with a
ledger of about 1.1 entries per sample), ``100,000 × scale`` loan items in ``20,000 × scale``
loans, ``20,000 × scale`` applications in 20 rounds, ``1,000,000 × scale`` measurements in
``2,000 × scale`` datasets (half embargoed) and ``5,000 × scale`` publications, then measures:

* raw   — the aggregate SQL the statistics selectors issue, captured once and replayed
          straight through a DB cursor (no ORM, no Python aggregation, no HTTP): the floor;
* cold  — the API with an empty cache (every aggregate recomputed), through Django's full
          request stack, JSON rendering included;
* warm  — the API with the cache filled (one primary-key read of the audit chain head).

Usage::

    .venv/bin/python bench/insights.py --scale 0.01                 # SQLite temp file, seconds
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_insights .venv/bin/python bench/insights.py

With ``DATABASE_URL`` the named database is dropped and created again, so its name must
contain "bench".
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta

from _common import prepare_database  # noqa: E402  (bench/ is the script's folder, first on sys.path)


def _series_insert(model, count: int, exprs: dict[str, str], *, batch: int = 250_000) -> None:
    """INSERT ``count`` rows of ``model`` computed in SQL from a counter ``x`` (1-based).

    ``exprs`` maps field names (``id`` included) to SQL expressions of ``x``; every other column
    gets its Python default (or NULL) as a parameter. Runs in batches so SQLite's recursive CTE
    and PostgreSQL's generate_series stay small.
    """
    from django.db import connection
    from django.utils import timezone

    columns, values, params = [], [], []
    for field in model._meta.concrete_fields:
        columns.append(connection.ops.quote_name(field.column))
        key = field.attname if field.attname in exprs else field.name
        if key in exprs:
            values.append(exprs[key].replace("%", "%%"))  # SQL modulo, not a placeholder
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("%s")
            params.append(field.get_db_prep_value(timezone.now(), connection))
        elif field.has_default():
            values.append("%s")
            params.append(field.get_db_prep_value(field.get_default(), connection, prepared=False))
        elif field.null:
            values.append("NULL")
        elif field.empty_strings_allowed and field.get_internal_type() in ("CharField", "TextField", "SlugField"):
            values.append("''")
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs an expression")
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, count, batch):
            stop = min(count, start + batch)
            if connection.vendor == "postgresql":
                source = f"FROM generate_series({start + 1}, {stop}) AS s(x)"
                sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} {source}"
            else:
                sql = (f"INSERT INTO {table} ({', '.join(columns)}) WITH RECURSIVE s(x) AS "
                       f"(SELECT {start + 1} UNION ALL SELECT x + 1 FROM s WHERE x < {stop}) "
                       f"SELECT {', '.join(values)} FROM s")
            cursor.execute(sql, params)


def _date(expr: str) -> str:
    from django.db import connection

    return f"CAST({expr} AS DATE)" if connection.vendor == "postgresql" else expr


def _bool(expr: str) -> str:
    from django.db import connection

    return f"({expr})" if connection.vendor == "postgresql" else f"(CASE WHEN {expr} THEN 1 ELSE 0 END)"


def _reset_sequences(models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def build(scale: float) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from lunarshare.accounts.models import Institution, User
    from lunarshare.audit.models import ChainHead
    from lunarshare.catalog.models import LedgerEntry, Mission, Sample
    from lunarshare.loans.models import Loan, LoanItem
    from lunarshare.programs.models import Application, ApplicationItem, Round, SampleSet
    from lunarshare.science.models import Dataset, Measurement, Publication

    n_samples = max(1_000, int(1_000_000 * scale))
    n_items = max(100, int(100_000 * scale))
    n_loans = max(20, int(20_000 * scale))
    n_apps = max(n_loans, int(20_000 * scale))
    n_measurements = max(1_000, int(1_000_000 * scale))
    n_datasets = max(10, int(2_000 * scale))
    n_publications = max(10, int(5_000 * scale))
    n_institutions = 500
    codes = ["A11", "A12", "A14", "A15", "A16", "A17", "L16", "L20", "L24", "CE5", "CE6"]
    countries = ["CN", "DE", "US", "FR", "GB", "JP", "IT", "PK", "CH", "AU", "CA", "RU", "SE", "NL", "ES", "IN",
                 "KR", "BR", "ZA", "AT"]
    now = timezone.now()
    timings = {}
    started = time.perf_counter()
    with transaction.atomic():
        Mission.objects.bulk_create([Mission(id=i + 1, code=c, name_en=f"Mission {c}", agency="bench", sort_order=i)
                                     for i, c in enumerate(codes)])
        Institution.objects.bulk_create([Institution(id=i, name_en=f"Bench Institution {i}",
                                                     country=countries[i % len(countries)]) for i in range(1, n_institutions + 1)])
        User.objects.bulk_create([User(id=i, username=f"bench{i}", institution_id=i, password="!")
                                  for i in range(1, n_institutions + 1)])
        rounds = Round.objects.bulk_create([
            Round(id=i, code=f"bench-{i}", title_en=f"Bench round {i}", opens_at=now - timedelta(days=90), closes_at=now,
                  status="published" if i % 2 else "decided", results_published_at=now if i % 2 else None)
            for i in range(1, 21)])
        SampleSet.objects.bulk_create([SampleSet(id=r.id, round=r, name_en="Bench set", offered_mass_ug=10**9) for r in rounds])
        m = len(codes)
        # Sample x: mission (x % 11) + 1; every 10th had 1 mg consumed, every 1000th (+7) lost 0.5 mg;
        # the first n_items samples are lent (held by an institution).
        _series_insert(Sample, n_samples, {
            "id": "x", "uid": "'u' || CAST(x AS TEXT)", "identifier": "'B' || CAST(x AS TEXT)",
            "mission": f"(x % {m}) + 1", "generic": "'B' || CAST(x AS TEXT)", "type": "'regolith'",
            "category": "'research'",
            "status": f"CASE WHEN x <= {n_items} THEN 'on_loan' ELSE 'available' END",
            "initial_mass_ug": "1000 + (x % 1000) * 1000 + CASE WHEN x % 10 = 0 THEN 1000 ELSE 0 END "
                               "+ CASE WHEN x % 1000 = 7 THEN 500 ELSE 0 END",
            "mass_ug": "1000 + (x % 1000) * 1000",
            "holder_institution": f"CASE WHEN x <= {n_items} THEN (x % {n_institutions}) + 1 ELSE NULL END",
        })
        _series_insert(LedgerEntry, n_samples, {
            "id": "x", "sample": "x", "kind": "'register'",
            "delta_ug": "1000 + (x % 1000) * 1000 + CASE WHEN x % 10 = 0 THEN 1000 ELSE 0 END "
                        "+ CASE WHEN x % 1000 = 7 THEN 500 ELSE 0 END",
            "balance_ug": "1000 + (x % 1000) * 1000", "actor": "NULL",
        })
        _series_insert(LedgerEntry, n_samples // 10, {
            "id": f"{n_samples} + x", "sample": "x * 10", "kind": "'consumption'", "delta_ug": "-1000",
            "balance_ug": "1000 + ((x * 10) % 1000) * 1000", "actor": "NULL"})
        _series_insert(LedgerEntry, n_samples // 1000, {
            "id": f"{n_samples + n_samples // 10} + x", "sample": "(x - 1) * 1000 + 7", "kind": "'loss'",
            "delta_ug": "-500", "balance_ug": "0", "actor": "NULL"})
        statuses = "CASE x % 4 WHEN 0 THEN 'approved' WHEN 1 THEN 'reduced' WHEN 2 THEN 'rejected' ELSE 'withdrawn' END"
        _series_insert(Application, n_apps, {
            "id": "x", "reference": "'BENCH-' || CAST(x AS TEXT)", "round": "(x % 20) + 1",
            "applicant": f"(x % {n_institutions}) + 1", "institution": f"(x % {n_institutions}) + 1",
            "title": "'Bench application'", "status": statuses, "submitted_at": "NULL"})
        with connection.cursor() as cursor:
            cursor.execute("UPDATE programs_application SET submitted_at = created_at")
        _series_insert(ApplicationItem, n_apps, {
            "id": "x", "application": "x", "sample_set": "(x % 20) + 1", "form": "'powder'",
            "requested_mass_ug": "100000",
            "approved_mass_ug": "CASE x % 4 WHEN 0 THEN 100000 WHEN 1 THEN 50000 WHEN 2 THEN 0 ELSE NULL END"})
        loan_status = ("CASE x % 5 WHEN 0 THEN 'shipped' WHEN 1 THEN 'in_use' WHEN 2 THEN 'closed' "
                       "WHEN 3 THEN 'returned' ELSE 'cancelled' END")
        _series_insert(Loan, n_loans, {
            "id": "x", "application": "CASE WHEN x % 4 = 0 THEN NULL ELSE x END",
            "borrower_institution": f"(x % {n_institutions}) + 1", "responsible": f"(x % {n_institutions}) + 1",
            "status": loan_status, "start_date": _date("CAST(2021 + x % 5 AS TEXT) || '-06-01'"),
            "due_date": _date("'2030-01-01'")})
        item_status = ("CASE x % 4 WHEN 0 THEN 'with_borrower' WHEN 1 THEN 'returned' WHEN 2 THEN 'consumed' "
                       "ELSE 'shipped' END")
        _series_insert(LoanItem, n_items, {
            "id": "x", "loan": f"(x % {n_loans}) + 1", "sample": "x", "approved_mass_ug": "1000",
            "mass_ug": "1000", "status": item_status,
            "returned_mass_ug": "CASE WHEN x % 4 = 1 THEN 900 ELSE NULL END",
            "closed_at": "NULL"})
        _series_insert(Dataset, n_datasets, {
            "id": "x", "title": "'Bench dataset ' || CAST(x AS TEXT)",
            "status": "'embargoed'", "released_at": "NULL",
            "embargo_until": _date("'2030-01-01'"), "created_by": "NULL"})
        with connection.cursor() as cursor:
            cursor.execute("UPDATE science_dataset SET status = 'released', released_at = created_at WHERE id % 2 = 0")
        _series_insert(Measurement, n_measurements, {
            "id": "x", "dataset": f"(x % {n_datasets}) + 1", "sample": f"((x - 1) % {n_samples}) + 1",
            "mission": f"((((x - 1) % {n_samples}) + 1) % {m}) + 1",
            "property": f"'P' || CAST((x - 1) / {n_samples} AS TEXT) || '_' || CAST(x % 10 AS TEXT)",
            "kind": "'oxide'", "value": "x % 100", "unit": "'wt%'", "value_canonical": "x % 100",
            "public": _bool(f"((x % {n_datasets}) + 1) % 2 = 0")})
        _series_insert(Publication, n_publications, {
            "id": "x", "title": "'Bench publication ' || CAST(x AS TEXT)", "year": "2021 + x % 5",
            "reported_by": "NULL"})
        ChainHead.objects.update_or_create(id=1, defaults={"seq": 1})
    _reset_sequences([Mission, Institution, User, Round, SampleSet, Sample, LedgerEntry, Application, ApplicationItem,
                      Loan, LoanItem, Dataset, Measurement, Publication])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["build_s"] = time.perf_counter() - started
    return {"samples": n_samples, "loan_items": n_items, "loans": n_loans, "applications": n_apps,
            "measurements": n_measurements, "datasets": n_datasets, "publications": n_publications, **timings}


def _median_ms(fn, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    runs.sort()
    return statistics.median(runs), runs[min(len(runs) - 1, int(len(runs) * 0.95))]


def measure(repeat_cold: int, repeat_warm: int) -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lunarshare.insights import selectors

    client = Client()

    def api():
        response = client.get("/api/v1/statistics/")
        assert response.status_code == 200, response.content[:300]
        return response

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        body = api().json()
    queries = [q["sql"] for q in captured.captured_queries]

    def raw():
        with connection.cursor() as cursor:
            for sql in queries:
                cursor.execute(sql)
                cursor.fetchall()

    def cold():
        cache.clear()
        api()

    # Raw and cold alternate, so that load from other processes on a shared machine falls on both alike.
    raw_runs, cold_runs = [], []
    for _ in range(repeat_cold):
        raw_runs.append(_median_ms(raw, 1)[0])
        cold_runs.append(_median_ms(cold, 1)[0])
    raw_runs.sort()
    cold_runs.sort()
    raw_ms, raw_p95 = statistics.median(raw_runs), raw_runs[-1]
    cold_ms, cold_p95 = statistics.median(cold_runs), cold_runs[-1]
    api()
    warm_ms, warm_p95 = _median_ms(api, repeat_warm)
    selector_ms, _ = _median_ms(lambda: (cache.clear(), selectors.public_statistics()), repeat_cold)
    return {"queries": len(queries), "raw_ms": raw_ms, "raw_p95": raw_p95, "cold_ms": cold_ms, "cold_p95": cold_p95,
            "warm_ms": warm_ms, "warm_p95": warm_p95, "selector_ms": selector_ms,
            "bytes": len(client.get("/api/v1/statistics/").content), "totals": body["totals"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 samples (default)")
    parser.add_argument("--repeat", type=int, default=5, help="cold and raw repetitions (median reported)")
    parser.add_argument("--warm-repeat", type=int, default=200)
    parser.add_argument("--reuse", action="store_true",
                        help="measure again on the database a previous run built (PostgreSQL only; no rebuild)")
    args = parser.parse_args()

    backend = prepare_database("insights", reuse=args.reuse)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lunarshare.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    print(f"database: {backend}; cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")
    if args.reuse:
        from lunarshare.catalog.models import Sample

        print(f"reusing {Sample.objects.count():,} samples")
    else:
        built = build(args.scale)
        print("built in {build_s:.1f} s: {samples:,} samples, {loan_items:,} loan items in {loans:,} loans, "
          "{applications:,} applications, {measurements:,} measurements in {datasets:,} datasets, "
              "{publications:,} publications".format(**built))
    result = measure(args.repeat, args.warm_repeat)
    print(f"statistics API ({result['queries']} aggregate queries, {result['bytes']:,} bytes of JSON):")
    print(f"  raw aggregate SQL  median {result['raw_ms']:9.1f} ms  max {result['raw_p95']:9.1f} ms")
    print(f"  cold cache (API)   median {result['cold_ms']:9.1f} ms  max {result['cold_p95']:9.1f} ms"
          f"   ratio to raw {result['cold_ms'] / result['raw_ms']:.2f}x  (aim ≤ 2x)")
    print(f"  cold selectors     median {result['selector_ms']:9.1f} ms                     "
          f"   ratio to raw {result['selector_ms'] / result['raw_ms']:.2f}x")
    print(f"  warm cache (API)   median {result['warm_ms']:9.2f} ms  p95 {result['warm_p95']:9.2f} ms"
          f"   ratio to raw {result['warm_ms'] / result['raw_ms']:.4f}x  (aim < 20 ms)")
    print(f"  totals: {result['totals']}")


if __name__ == "__main__":
    main()
