"""Reads of the catalogue: availability (the one formula), genealogy, ledger conservation."""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from lunarshare.errors import NotFoundError

from .ledger_audit import LedgerBreak, ledger_audit_breaks
from .models import CustodyEvent, LedgerEntry, Mission, Sample, SampleStatus

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
    """All descendants of ``sample`` as dicts, ordered by depth then identifier.

    Each row has ``id``, ``identifier``, ``parent_id``, ``depth``, ``type``, ``status``,
    ``mass_ug``, ``initial_mass_ug``.

    Every sample of a split tree carries its root's identifier in ``generic`` (services and the
    importer set it), so one index scan on ``generic`` fetches the whole tree and the
    descendants are walked in memory. A recursive CTE would do the same, but PostgreSQL cannot
    estimate its size and plans hash joins over the whole table (seconds at a million rows).
    The CTE remains the fallback should a tree ever have inconsistent ``generic`` values.
    """
    if not Sample.objects.filter(parent_id=sample.pk).exists():
        return []
    fields = ("id", "identifier", "parent_id", "type", "status", "mass_ug", "initial_mass_ug")
    by_parent: dict[int, list[tuple]] = {}
    for row in Sample.objects.filter(generic=sample.generic).values_list(*fields):
        by_parent.setdefault(row[2], []).append(row)
    if sample.pk not in by_parent:
        return _descendant_rows_cte(sample, limit)
    result: list[dict] = []
    level, depth = [sample.pk], 1
    while level and (limit is None or len(result) < limit):
        children = sorted((r for pk in level for r in by_parent.get(pk, ())), key=lambda r: r[1])
        for row in children:
            result.append(dict(zip(fields, row, strict=True), depth=depth))
        level, depth = [r[0] for r in children], depth + 1
    return result if limit is None else result[:limit]


def _descendant_rows_cte(sample: Sample, limit: int | None = None) -> list[dict]:
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


GENEALOGY_LIMIT = 50_000


def genealogy(sample: Sample, limit: int = GENEALOGY_LIMIT) -> dict:
    """Ancestors and the nested descendant tree of ``sample`` (at most ``limit`` descendants,
    nearest generations first; ``truncated`` says when more exist)."""
    rows = descendant_rows(sample, limit=limit + 1)
    truncated = len(rows) > limit
    rows = rows[:limit]
    # Rows come by depth then identifier, so every parent is placed before its children and
    # siblings stay in identifier order: one pass, no recursion (trees may be deep).
    top: list[dict] = []
    nodes: dict[int, dict] = {}
    for r in rows:
        node = {"identifier": r["identifier"], "type": r["type"], "status": r["status"], "mass_ug": r["mass_ug"],
                "initial_mass_ug": r["initial_mass_ug"], "depth": r["depth"], "children": []}
        nodes[r["id"]] = node
        (top if r["parent_id"] == sample.pk else nodes[r["parent_id"]]["children"]).append(node)

    return {
        "sample": sample.identifier,
        "ancestors": [{"identifier": a.identifier, "type": a.type, "mass_ug": a.mass_ug} for a in ancestors(sample)],
        "descendants_count": len(rows),
        "truncated": truncated,
        "descendants": top,
    }


def ledger_breaks() -> list[LedgerBreak]:
    """Every sample whose ledger does not conserve mass, checked with three aggregate queries.

    1. the current mass equals the sum of the sample's ledger deltas;
    2. the initial mass equals its opening entry (registration or split-in);
    3. every split-out entry takes exactly the child's initial mass.
    Together: initial = current + children at split time + consumed + lost ± reweighs.
    A fourth query checks that every child is in its parent's tree (same ``generic``), which
    the genealogy relies on. Last, every entry and initial mass must match the audit event that
    recorded it (:func:`~lunarshare.catalog.ledger_audit.ledger_audit_breaks`).
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
        (f"""SELECT c.identifier, c.generic, p.generic FROM {sample_table} c JOIN {sample_table} p ON p.id = c.parent_id
             WHERE c.generic <> p.generic""",
         "belongs to the tree of {1} but its parent to the tree of {2} (genealogy would miss it)"),
    ]
    breaks: list[LedgerBreak] = []
    with connection.cursor() as cursor:
        for sql, template in checks:
            cursor.execute(sql)
            for row in cursor.fetchall():
                breaks.append(LedgerBreak(row[0], template.format(*row)))
    return breaks + ledger_audit_breaks()


# --- Lookups for pages and the API ------------------------------------------------------------

def sample_get_for_user(user, identifier: str) -> Sample:
    """The one way pages and the API fetch a sample. The catalogue is public, so every sample is
    visible; what a user may see of it (storage) is decided by ``catalog.view_storage``."""
    sample = (Sample.objects.select_related("mission", "parent", "location", "location__parent",
                                            "location__parent__parent", "location__parent__parent__parent",
                                            "holder_institution")
              .annotate(available_mass_ug=available_mass_expression())
              .filter(identifier=(identifier or "").strip()[:64]).first())
    if sample is None:
        raise NotFoundError(_("There is no sample %(identifier)s.") % {"identifier": identifier})
    return sample


def sample_search(*, mission: str | None = None, type: str | None = None, category: str | None = None,
                  status: str | None = None, parent: str | None = None, search: str | None = None,
                  min_mass_ug: int | None = None, max_mass_ug: int | None = None) -> QuerySet:
    """The catalogue list, filtered; ordered by identifier so every filter can walk an index.

    ``search`` matches an identifier prefix (as typed and upper-cased, so ``ce5c04`` finds
    ``CE5C0400…``); a word without digits also matches descriptions.
    """
    queryset = samples_with_availability(Sample.objects.select_related("mission", "parent"))
    # Mission and parent are resolved to ids first: the planner then sees ``mission_id = 2`` and
    # picks the (mission, status, identifier) index instead of walking another one.
    if mission:
        mission_id = Mission.objects.filter(code=mission).values_list("id", flat=True).first()
        queryset = queryset.filter(mission_id=mission_id) if mission_id else queryset.none()
    if type:
        queryset = queryset.filter(type=type)
    if category:
        queryset = queryset.filter(category=category)
    if status:
        queryset = queryset.filter(status=status)
    if parent:
        parent_id = Sample.objects.filter(identifier=parent).values_list("id", flat=True).first()
        queryset = queryset.filter(parent_id=parent_id) if parent_id else queryset.none()
    if min_mass_ug is not None:
        queryset = queryset.filter(mass_ug__gte=min_mass_ug)
    if max_mass_ug is not None:
        queryset = queryset.filter(mass_ug__lte=max_mass_ug)
    term = (search or "").strip()[:64]
    if term:
        condition = _identifier_prefix(term)
        if term.upper() != term:
            condition |= _identifier_prefix(term.upper())
        if not any(ch.isdigit() for ch in term) and len(term) >= 3:
            condition |= Q(description__icontains=term)
        queryset = queryset.filter(condition)
    return queryset.order_by("identifier")


def _identifier_prefix(prefix: str) -> Q:
    """Identifiers starting with ``prefix`` as the index range ``prefix <= identifier < prefix'``
    (``prefix'`` = ``prefix`` with its last character incremented).

    Exact because identifiers compare by code point (SQLite ``BINARY``; ``COLLATE "C"`` on
    PostgreSQL, migration 0006). Unlike ``LIKE 'p%'`` (case-insensitive on SQLite, so never
    indexed there) the range can follow an equality on the first column of a composite index,
    e.g. ``(status, identifier)``.
    """
    return Q(identifier__gte=prefix, identifier__lt=prefix[:-1] + chr(ord(prefix[-1]) + 1))


def ledger_for(sample: Sample) -> QuerySet:
    return LedgerEntry.objects.filter(sample=sample).select_related("counterpart", "actor").order_by("id")


def custody_for(sample: Sample) -> QuerySet:
    return (CustodyEvent.objects.filter(sample=sample)
            .select_related("from_location", "to_location", "holder_institution", "actor").order_by("at", "id"))
