#!/usr/bin/env python
"""Loans benchmark: one loan of N items (default 20,000) allocated, shipped and returned in bulk.

    .venv/bin/python bench/loans.py [--scale N] [--db postgres|sqlite|both]

In a throwaway database (PostgreSQL on the server of ``BENCH_POSTGRES_URL`` / ``DATABASE_URL``,
default ``postgres://postgres@127.0.0.1:5432/``, and a temporary SQLite file) it imports N
prepared subsamples through the catalogue importer, makes an approved application with N
items and its loan (signed by both parties), then times each step through the real services:

1. allocate — ``loan_allocate_bulk`` (whole samples reserved with one guarded UPDATE, items
   filled in bulk, one audit event);
2. ship — ``loan_ship`` (items and samples change status, one custody row per sample);
3. bulk return — ``loan_return`` of every item at its expected mass (samples back to
   available, custody rows, items closed with their returned mass).

Before each step the same row changes are made with raw SQL inside a transaction that is
rolled back (so both run on the same data); the script prints both times and the ratio, and
finally runs ``check_ledger``. Receipt by the borrower (between 2 and 3) is timed too.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import time

from _common import run_worker_per_database  # noqa: E402  (bench/ is the script's folder, first on sys.path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=20_000, help="items in the loan (default 20,000)")
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="postgres")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.scale)
    return run_worker_per_database(__file__, "loans", args.scale, args.db)


class Rollback(Exception):
    pass


def timed_raw(statements) -> float:
    """Run ``statements(cursor)`` in a transaction, time it, then roll it back."""
    from django.db import connection, transaction

    start = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            statements(cursor)
            elapsed = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    return elapsed


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def report(step: str, service: float, raw: float) -> None:
    ratio = service / raw if raw else float("inf")
    verdict = "ok" if ratio <= 3 and service < 30 else "OVER AIM"
    print(f"{step:<12} service {service:8.2f} s   raw SQL {raw:8.2f} s   ratio {ratio:5.2f}×   [{verdict}]", flush=True)


def setup(scale: int):
    import io

    from django.utils import timezone

    from lunarshare.accounts.models import Institution, Role, User
    from lunarshare.accounts.services import role_grant
    from lunarshare.catalog.importer import samples_import
    from lunarshare.catalog.models import Mission, Sample
    from lunarshare.catalog.services import sample_register
    from lunarshare.loans.services import loan_create_from_application, loan_sign
    from lunarshare.programs.models import Application, ApplicationItem, Method, Round, SampleSet

    mission, _ = Mission.objects.get_or_create(code="CE5", defaults={"name_en": "Chang'e-5", "agency": "CNSA",
                                                                    "id_convention": "change"})
    parent = sample_register(actor=None, identifier="CE5BENCH", mission=mission, type="regolith", mass_ug=10**13)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["identifier", "mission", "parent", "type", "category", "mass_mg", "description", "location"])
    for k in range(1, scale + 1):
        writer.writerow([f"CE5BENCH{k:05d}", "CE5", "CE5BENCH", "powder", "research", f"{1 + k % 50}.000", "", ""])
    samples_import(actor=None, source=io.BytesIO(text.getvalue().encode()), filename="bench.csv")

    institution = Institution.objects.create(name_en="Bench University", country="DE")
    borrower = User.objects.create(username="bench-borrower", institution=institution)
    officer = User.objects.create(username="bench-officer", institution=institution)
    curator = User.objects.create(username="bench-curator", institution=institution)
    role_grant(actor=None, user=borrower, role=Role.APPLICANT)
    role_grant(actor=None, user=officer, role=Role.OFFICER)
    role_grant(actor=None, user=curator, role=Role.CURATOR)
    now = timezone.now()
    round = Round.objects.create(code="bench", title_en="Bench round", opens_at=now - dt.timedelta(days=60), closes_at=now - dt.timedelta(days=30), loan_period_months=12,
                                 kind="international")
    sample_set = SampleSet.objects.create(round=round, name_en="Bench set", form="powder", offered_mass_ug=10**13)
    sample_set.samples.add(parent)
    application = Application.objects.create(round=round, applicant=borrower, institution=institution, title="Bench",
                                             status="approved")
    samples = list(Sample.objects.filter(parent=parent).order_by("id").values_list("pk", "mass_ug", "identifier"))
    ApplicationItem.objects.bulk_create([
        ApplicationItem(application=application, sample_set=sample_set, form="powder", requested_mass_ug=mass,
                        approved_mass_ug=mass) for _pk, mass, _identifier in samples
    ], batch_size=2000)
    Method.objects.create(application=application, name="Bench analysis", destructive=True, video_consent=True)
    loan = loan_create_from_application(actor=officer, application=application)
    loan_sign(actor=borrower, loan=loan, typed_name="Bench Borrower")
    loan_sign(actor=officer, loan=loan, typed_name="Bench Officer")
    return loan, samples, borrower, curator


def worker(scale: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lunarshare.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from lunarshare.catalog.selectors import ledger_breaks
    from lunarshare.loans.models import LoanItem
    from lunarshare.loans.services import ReturnLine, loan_allocate_bulk, loan_receive, loan_return, loan_ship

    call_command("migrate", verbosity=0)
    label = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"== loans benchmark on {label}: one loan of {scale:,} items ==", flush=True)
    start = time.perf_counter()
    loan, samples, borrower, curator = setup(scale)
    print(f"setup (import {scale:,} samples, application, loan, agreement, signatures): {time.perf_counter() - start:.1f} s")
    item_ids = list(loan.items.order_by("id").values_list("pk", flat=True))
    assignments = [(item_id, pk) for item_id, (pk, _mass, _identifier) in zip(item_ids, samples, strict=True)]
    sample_ids = [pk for pk, _mass, _identifier in samples]
    now = timezone.now()
    if connection.vendor == "sqlite":
        now = connection.ops.adapt_datetimefield_value(now)

    def values_update(cursor, sql_pg, sql_lite, rows):
        if connection.vendor == "postgresql":
            cursor.executemany(sql_pg, rows)
        else:
            cursor.executemany(sql_lite, rows)

    # 1. allocate
    def raw_allocate(cursor):
        cursor.execute("SELECT id FROM catalog_sample WHERE id = ANY(%s) FOR UPDATE" if connection.vendor == "postgresql"
                       else "SELECT 1", [sample_ids] if connection.vendor == "postgresql" else [])
        for i in range(0, len(sample_ids), 2000):
            chunk = sample_ids[i:i + 2000]
            cursor.execute(f"UPDATE catalog_sample SET status = 'reserved' WHERE status = 'available' AND id IN ({','.join(['%s'] * len(chunk))})", chunk)
        values_update(cursor, "UPDATE loans_loanitem SET status = 'allocated', sample_id = %s, mass_ug = %s, allocated_at = %s WHERE id = %s",
                      "UPDATE loans_loanitem SET status = 'allocated', sample_id = %s, mass_ug = %s, allocated_at = %s WHERE id = %s",
                      [(pk, mass, now, item_id) for item_id, (pk, mass, _i) in zip(item_ids, samples, strict=True)])

    raw = timed_raw(raw_allocate)
    service = timed(lambda: loan_allocate_bulk(actor=curator, loan=loan, assignments=assignments))
    report("allocate", service, raw)

    # 2. ship
    def raw_ship(cursor):
        cursor.execute("UPDATE loans_loan SET status = 'shipped' WHERE id = %s", [loan.pk])
        cursor.execute("UPDATE catalog_sample SET status = 'on_loan' WHERE status = 'reserved' AND id IN "
                       "(SELECT sample_id FROM loans_loanitem WHERE loan_id = %s)", [loan.pk])
        cursor.executemany("INSERT INTO catalog_custodyevent (sample_id, kind, holder_name, note, reference, at) "
                           "VALUES (%s, 'shipped', 'x', 'c', 'LN', %s)", [(pk, now) for pk in sample_ids])
        cursor.execute("UPDATE loans_loanitem SET status = 'shipped' WHERE loan_id = %s AND status = 'allocated'", [loan.pk])

    raw = timed_raw(raw_ship)
    service = timed(lambda: loan_ship(actor=curator, loan=loan, courier="Bench courier", packaging="Bench", handed_over_to="Bench",
                                      condition_report="Intact"))
    report("ship", service, raw)
    receive = timed(lambda: loan_receive(actor=borrower, loan=loan, condition_report="Intact"))
    print(f"{'receive':<12} service {receive:8.2f} s   (custody to the borrower for every sample)", flush=True)

    # 3. bulk return
    lines = [ReturnLine(identifier, mass) for _pk, mass, identifier in samples]

    def raw_return(cursor):
        cursor.execute("SELECT id FROM loans_loanitem WHERE loan_id = %s FOR UPDATE" if connection.vendor == "postgresql"
                       else "SELECT id FROM loans_loanitem WHERE loan_id = %s", [loan.pk])
        cursor.execute("UPDATE catalog_sample SET status = 'available', holder_institution_id = NULL WHERE status = 'on_loan' AND id IN "
                       "(SELECT sample_id FROM loans_loanitem WHERE loan_id = %s)", [loan.pk])
        cursor.executemany("INSERT INTO catalog_custodyevent (sample_id, kind, holder_name, note, reference, at) "
                           "VALUES (%s, 'returned', '', '', 'LN', %s)", [(pk, now) for pk in sample_ids])
        values_update(cursor, "UPDATE loans_loanitem SET status = 'returned', closed_at = %s, returned_mass_ug = %s WHERE id = %s",
                      "UPDATE loans_loanitem SET status = 'returned', closed_at = %s, returned_mass_ug = %s WHERE id = %s",
                      [(now, mass, item_id) for item_id, (_pk, mass, _i) in zip(item_ids, samples, strict=True)])
        cursor.execute("UPDATE loans_loan SET status = 'returned' WHERE id = %s", [loan.pk])

    raw = timed_raw(raw_return)
    service = timed(lambda: loan_return(actor=curator, loan=loan, lines=lines))
    report("bulk return", service, raw)

    loan.refresh_from_db()
    assert loan.status == "returned", loan.status
    assert LoanItem.objects.filter(loan=loan, status="returned").count() == scale
    breaks = ledger_breaks()
    print(f"loan {loan} is {loan.status}; check_ledger breaks: {len(breaks)}", flush=True)
    return 1 if breaks else 0


if __name__ == "__main__":
    sys.exit(main())
