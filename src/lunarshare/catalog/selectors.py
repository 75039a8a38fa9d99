"""Reads of the catalogue: availability (the one formula), genealogy, ledger conservation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from .models import Sample, SampleStatus

# Only an available sample can be promised to anyone; reserved, lent, consumed or lost
# material has nothing available. This is the single definition of availability.
AVAILABLE_STATUSES = (SampleStatus.AVAILABLE,)


def available_mass_expression():
    return Case(When(status__in=AVAILABLE_STATUSES, then=F("mass_ug")), default=Value(0), output_field=IntegerField())


def available_mass_ug(sample: Sample) -> int:
    return sample.mass_ug if sample.status in AVAILABLE_STATUSES else 0


def samples_with_availability(queryset: QuerySet | None = None) -> QuerySet:
    queryset = Sample.objects.all() if queryset is None else queryset
    return queryset.annotate(available_mass_ug=available_mass_expression())


def ancestors(sample: Sample) -> list[Sample]:
    """Root first, parent last. Trees are shallow, so a walk of parent ids is enough."""
    chain: list[Sample] = []
    node = sample
    while node.parent_id is not None:
        node = Sample.objects.select_related("mission").get(pk=node.parent_id)
        chain.append(node)
    return list(reversed(chain))


def descendant_rows(sample: Sample, limit: int | None = None) -> list[dict]:
    """All descendants of ``sample`` as dicts (one recursive query, index on ``parent_id``).

    Each row has ``id``, ``identifier``, ``parent_id``, ``depth``, ``type``, ``status``,
    ``mass_ug``, ``initial_mass_ug``; ordered by depth then identifier.
    """
    table = Sample._meta.db_table
    sql = f"""
        WITH RECURSIVE tree(id, depth) AS (
            SELECT id, 1 FROM {table} WHERE parent_id = %s
            UNION ALL
            SELECT s.id, t.depth + 1 FROM {table} s JOIN tree t ON s.parent_id = t.id
        )
        SELECT s.id, s.identifier, s.parent_id, t.depth, s.type, s.status, s.mass_ug, s.initial_mass_ug
        FROM tree t JOIN {table} s ON s.id = t.id
        ORDER BY t.depth, s.identifier
    """
    params: list = [sample.pk]
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def genealogy(sample: Sample) -> dict:
    """Ancestors and the nested descendant tree of ``sample``."""
    rows = descendant_rows(sample)
    by_parent: dict[int, list[dict]] = {}
    for row in rows:
        by_parent.setdefault(row["parent_id"], []).append(row)

    def build(node_id: int) -> list[dict]:
        return [
            {"identifier": r["identifier"], "type": r["type"], "status": r["status"], "mass_ug": r["mass_ug"],
             "initial_mass_ug": r["initial_mass_ug"], "depth": r["depth"], "children": build(r["id"])}
            for r in by_parent.get(node_id, [])
        ]

    return {
        "sample": sample.identifier,
        "ancestors": [{"identifier": a.identifier, "type": a.type, "mass_ug": a.mass_ug} for a in ancestors(sample)],
        "descendants_count": len(rows),
        "descendants": build(sample.pk),
    }


@dataclass
class LedgerBreak:
    identifier: str
    problem: str


def ledger_breaks() -> list[LedgerBreak]:
    """Every sample whose ledger does not conserve mass, checked with three aggregate queries.

    1. the current mass equals the sum of the sample's ledger deltas;
    2. the initial mass equals its opening entry (registration or split-in);
    3. every split-out entry takes exactly the child's initial mass.
    Together: initial = current + children at split time + consumed + lost ± reweighs.
    """
    sample_table = Sample._meta.db_table
    ledger_table = Sample.ledger.rel.related_model._meta.db_table
    checks = [
        (f"""SELECT s.identifier, s.mass_ug, COALESCE(l.total, 0) FROM {sample_table} s
             LEFT JOIN (SELECT sample_id, SUM(delta_ug) AS total FROM {ledger_table} GROUP BY sample_id) l
             ON l.sample_id = s.id WHERE s.mass_ug <> COALESCE(l.total, 0)""",
         "current mass {1} µg but its ledger sums to {2} µg"),
        (f"""SELECT s.identifier, s.initial_mass_ug, COALESCE(l.total, 0) FROM {sample_table} s
             LEFT JOIN (SELECT sample_id, SUM(delta_ug) AS total FROM {ledger_table}
                        WHERE kind IN ('register', 'split_in') GROUP BY sample_id) l
             ON l.sample_id = s.id WHERE s.initial_mass_ug <> COALESCE(l.total, 0)""",
         "initial mass {1} µg but its opening entries give {2} µg"),
        (f"""SELECT p.identifier, c.identifier, -l.delta_ug, c.initial_mass_ug FROM {ledger_table} l
             JOIN {sample_table} p ON p.id = l.sample_id JOIN {sample_table} c ON c.id = l.counterpart_id
             WHERE l.kind = 'split_out' AND -l.delta_ug <> c.initial_mass_ug""",
         "split {2} µg off to {1} whose initial mass is {3} µg"),
    ]
    breaks: list[LedgerBreak] = []
    with connection.cursor() as cursor:
        for sql, template in checks:
            cursor.execute(sql)
            for row in cursor.fetchall():
                breaks.append(LedgerBreak(row[0], template.format(*row)))
    return breaks
