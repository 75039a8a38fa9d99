"""Bulk import of samples from CSV: ``lunarshare import_samples FILE.csv`` and the curator upload page.

Columns: ``identifier,mission,parent,type,category,mass_mg,description,location``.

- ``mass_mg`` is milligrams with at most three decimals, converted exactly to µg with
  :func:`lunarshare.mass.parse_mass` (0 is allowed: historical records with no mass).
- ``parent`` is empty for a root sample, or the identifier of a sample that appears on an
  earlier line or already exists. A child is recorded as a *split* of its parent: the parent
  gets a ``split_out`` ledger entry, the child a ``split_in``, so ``check_ledger`` holds after
  every import exactly as after :func:`catalog.services.sample_split`.
- ``location`` is empty or the code of a storage location.

The import is all or nothing. Every row is validated first and every error is reported with
its line number; with any error nothing is written. A row whose identifier already exists is
skipped when it is identical to the stored sample and is an error when it differs, so
running the same file twice changes nothing.

Why this module writes with raw ``COPY``/``executemany`` and not ``bulk_create``: it must load
a million rows at a throughput close to the database's own. Per-row model instances and SQL
compilation cost more than the insert itself, so rows are built as tuples from the model's
own field list (new fields get their model default) and sent in batches. Primary keys are
reserved first (``nextval`` on PostgreSQL; on SQLite the IMMEDIATE transaction holds the
write lock, so ``MAX(id)`` cannot move), which lets children reference parents inserted in
the same batch. No query is made per row: existing identifiers and parents are fetched in
chunks.

Why the audit log gets ONE event per imported file (``sample.imported``) rather than one per
sample: the file is the unit a curator decides on and can be shown again; its SHA-256, row
counts and the parents drawn on identify exactly what was written, and the per-sample facts
are in the ledger rows the import writes. Those rows carry the import's ``reference`` and the
event an order-free digest of them (``ledger_batch``), so ``check_ledger`` can still prove
every row against the audit log (see :mod:`lunarshare.catalog.ledger_audit`). A million audit events would make the hash chain
(which serialises appends) the bottleneck and bury every other event. Re-running a file that
changes nothing writes no event.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lunarshare import audit, csvio
from lunarshare.errors import ConflictError, ValidationFailed
from lunarshare.mass import parse_mass
from lunarshare.permissions import require

from .identifiers import IDENTIFIER_RE, split_number_of
from .ledger_audit import IMPORT_PREFIX, BatchDigest
from .models import (
    LedgerEntry,
    Mission,
    Sample,
    SampleCategory,
    SampleStatus,
    SampleType,
    StorageLocation,
)

COLUMNS = ["identifier", "mission", "parent", "type", "category", "mass_mg", "description", "location"]
CHUNK = 5_000
MAX_BYTES = 4 * 1024 ** 3  # the command line loads millions of rows; the web upload has its own, smaller limit

_TYPES = frozenset(SampleType.values)
_CATEGORIES = frozenset(SampleCategory.values)


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    skipped: int = 0
    roots: int = 0
    splits: int = 0
    sha256: str = ""
    errors: list[RowError] = field(default_factory=list)

    def summary(self) -> str:
        return _("%(rows)s rows: %(created)s samples created (%(roots)s roots, %(splits)s splits), "
                 "%(skipped)s already present.") % self.__dict__


class ImportRejected(ValidationFailed):
    """The file has errors; nothing was imported. ``errors`` lists every one with its line."""

    code = "import_rejected"

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        message = ngettext("The file has %(count)s error; nothing was imported.",
                           "The file has %(count)s errors; nothing was imported.", len(errors)) % {"count": len(errors)}
        super().__init__(message, errors=[{"line": e.line, "message": e.message} for e in errors[:1000]],
                         error_count=len(errors))


class _NullProgress:
    def update(self, n: int = 1) -> None:
        pass

    def reset(self, total=None) -> None:
        pass

    def set_description(self, text: str) -> None:
        pass


def _text_rows(source: IO[bytes]) -> Iterator[tuple[int, dict]]:
    """``(line number, {column: value})`` for every data row; a row with more fields than the
    header has them under the key ``None`` (as ``csv.DictReader`` does), missing ones are ``None``.
    A file that is not readable CSV (encoding, NUL byte, sizes: see :mod:`lunarshare.csvio`) is
    refused with :class:`ImportRejected` naming the line."""
    source.seek(0)
    rows = csvio.read_rows(source, max_bytes=MAX_BYTES, max_columns=len(COLUMNS) * 2)
    try:
        _line, header = next(rows, (0, None))
        if header is None:
            return
        header = [h.strip() for h in header]
        width = len(header)
        for line, values in rows:
            if not values:
                continue
            if len(values) == width:
                yield line, dict(zip(header, values, strict=True))
            else:
                row = dict(zip(header, values[:width], strict=False))
                if len(values) > width:
                    row[None] = values[width:]
                yield line, row
    except csvio.CsvRejected as exc:
        raise ImportRejected([RowError(exc.line, exc.problem)]) from None


def _uids(count: int) -> list[str]:
    """``count`` fresh sample uids (the shape of ``models.new_sample_uid``) from one urandom call."""
    encoded = base64.urlsafe_b64encode(os.urandom(9 * count)).decode().replace("-", "x").replace("_", "y")
    return [encoded[i:i + 10] for i in range(0, 12 * count, 12)]


@dataclass(slots=True)
class _Seen:
    line: int
    mass_ug: int
    mission_id: int
    parent: str
    existing: bool


@dataclass(slots=True)
class _DbParent:
    id: int
    identifier: str
    mass_ug: int
    status: str
    mission_id: int
    generic: str


class _Validator:
    """Pass one: check every row; remember only what the write pass and the parent checks need."""

    def __init__(self):
        self.missions = {m.code: m for m in Mission.objects.all()}
        self.mission_by_id = {m.pk: m for m in self.missions.values()}
        self.locations = dict(StorageLocation.objects.values_list("code", "id"))
        self.location_codes = {v: k for k, v in self.locations.items()}
        self.errors: list[RowError] = []
        self.seen: dict[str, _Seen] = {}
        self.drawn: dict[str, int] = defaultdict(int)  # parent identifier -> µg its new children take
        self.first_child_line: dict[str, int] = {}
        self.existing: set[str] = set()
        self.db_parents: dict[str, _DbParent] = {}
        self.rows = 0
        self._buffer: list[tuple[int, str, dict, int]] = []

    def error(self, line: int, message: str) -> None:
        self.errors.append(RowError(line, message))

    def check_header(self, source: IO[bytes]) -> bool:
        source.seek(0)
        try:
            _line, header = next(csvio.read_rows(source, max_bytes=MAX_BYTES, max_columns=len(COLUMNS) * 2), (0, None))
        except csvio.CsvRejected as exc:
            self.error(exc.line, exc.problem)
            return False
        if header is None:
            self.error(1, _("The file is empty."))
            return False
        header = [h.strip() for h in header]
        missing = [c for c in COLUMNS if c not in header]
        unknown = [h for h in header if h not in COLUMNS]
        if missing or unknown:
            self.error(1, _("The header must name the columns %(columns)s (missing: %(missing)s; unknown: %(unknown)s).")
                       % {"columns": ",".join(COLUMNS), "missing": ", ".join(missing) or "—",
                          "unknown": ", ".join(unknown) or "—"})
            return False
        return True

    def row(self, line: int, row: dict) -> None:
        self.rows += 1
        errors_before = len(self.errors)
        if None in row:
            self.error(line, _("The row has more fields than the header."))
            return
        identifier = (row.get("identifier") or "").strip()
        if not IDENTIFIER_RE.match(identifier):
            self.error(line, _("“%(identifier)s” is not a valid sample identifier.") % {"identifier": csvio.shorten(identifier)})
            identifier = ""
        elif identifier in self.seen:
            self.error(line, _("%(identifier)s is also on line %(other)s.")
                       % {"identifier": identifier, "other": self.seen[identifier].line})
            identifier = ""
        mission = self.missions.get((row.get("mission") or "").strip())
        if mission is None:
            self.error(line, _("Unknown mission “%(code)s”.") % {"code": csvio.shorten(row.get("mission") or "")})
        if (row.get("type") or "").strip() not in _TYPES:
            self.error(line, _("Unknown sample type “%(value)s”.") % {"value": csvio.shorten(row.get("type") or "")})
        category = (row.get("category") or "").strip() or SampleCategory.RESEARCH
        if category not in _CATEGORIES:
            self.error(line, _("Unknown category “%(value)s”.") % {"value": csvio.shorten(category)})
        mass_ug = 0
        try:
            mass_ug = parse_mass(row.get("mass_mg") or "", "mg", allow_zero=True)
        except ValidationFailed as exc:
            self.error(line, _("mass_mg: %(message)s") % {"message": exc.message})
        location = (row.get("location") or "").strip()
        if location and location not in self.locations:
            self.error(line, _("Unknown storage location “%(code)s”.") % {"code": csvio.shorten(location)})
        parent = (row.get("parent") or "").strip()
        if parent and parent == identifier:
            self.error(line, _("A sample cannot be its own parent."))
        if identifier:
            # Remember the identifier even when the row has other errors, so later children
            # do not also report "unknown parent".
            self.seen[identifier] = _Seen(line, mass_ug, mission.pk if mission else 0, parent, False)
        if len(self.errors) == errors_before:
            self._buffer.append((line, identifier, row, mass_ug))
            if len(self._buffer) >= CHUNK:
                self.flush()

    def flush(self) -> None:
        """Compare the buffered rows with samples that already exist (one query per chunk)."""
        buffer, self._buffer = self._buffer, []
        if not buffer:
            return
        stored = {
            r["identifier"]: r for r in Sample.objects.filter(identifier__in=[b[1] for b in buffer]).values(
                "identifier", "mission_id", "parent__identifier", "type", "category", "initial_mass_ug",
                "description", "location_id", "mass_ug", "status", "generic", "id")
        }
        for line, identifier, row, mass_ug in buffer:
            parent = self.seen[identifier].parent
            existing = stored.get(identifier)
            if existing is not None:
                mine = (self.seen[identifier].mission_id, parent, row["type"].strip(),
                        (row.get("category") or "").strip() or SampleCategory.RESEARCH, mass_ug,
                        row.get("description") or "", self.locations.get((row.get("location") or "").strip()))
                theirs = (existing["mission_id"], existing["parent__identifier"] or "", existing["type"],
                          existing["category"], existing["initial_mass_ug"], existing["description"],
                          existing["location_id"])
                if mine != theirs:
                    differs = [name for name, a, b in zip(
                        ["mission", "parent", "type", "category", "mass_mg", "description", "location"], mine, theirs,
                        strict=True) if a != b]
                    self.error(line, _("%(identifier)s already exists with a different %(fields)s.")
                               % {"identifier": identifier, "fields": ", ".join(differs)})
                else:
                    self.seen[identifier].existing = True
                    self.existing.add(identifier)
                    # An existing sample may be the parent of new rows: it draws on its stored mass.
                    self.db_parents[identifier] = _DbParent(existing["id"], identifier, existing["mass_ug"],
                                                            existing["status"], existing["mission_id"], existing["generic"])
                continue
            if parent:
                self.drawn[parent] += mass_ug
                self.first_child_line.setdefault(parent, line)

    def check_parents(self) -> None:
        """Every parent exists (earlier in the file or stored), matches its child's mission, and
        holds enough mass for the children it gets; stored parents are locked from here on."""
        self.flush()
        wanted = [p for p, s in self.seen.items() if s.parent]
        missing_in_file = sorted({self.seen[p].parent for p in wanted} - self.seen.keys())
        for start in range(0, len(missing_in_file), CHUNK):
            chunk = missing_in_file[start:start + CHUNK]
            for r in Sample.objects.select_for_update().filter(identifier__in=chunk).values(
                    "id", "identifier", "mass_ug", "status", "mission_id", "generic"):
                self.db_parents[r["identifier"]] = _DbParent(**r)
        # Lock every stored parent that new rows draw on and read its mass and status again
        # under the lock: that is what the checks below and the write pass rely on.
        drawn_on = {p.id: p for i, p in self.db_parents.items() if i in self.drawn}
        ids = list(drawn_on)
        for start in range(0, len(ids), CHUNK):
            for pk, mass_ug, status in (Sample.objects.select_for_update().filter(pk__in=ids[start:start + CHUNK])
                                        .values_list("id", "mass_ug", "status")):
                drawn_on[pk].mass_ug, drawn_on[pk].status = mass_ug, status
        for identifier in wanted:
            child = self.seen[identifier]
            if child.existing:
                continue
            parent_id = child.parent
            parent = self.seen.get(parent_id)
            if parent is not None and parent.line > child.line:
                self.error(child.line, _("The parent %(parent)s must come before its children (it is on line %(other)s).")
                           % {"parent": parent_id, "other": parent.line})
            elif parent is None and parent_id not in self.db_parents:
                self.error(child.line, _("Unknown parent %(parent)s: it is neither earlier in the file nor in the catalogue.")
                           % {"parent": csvio.shorten(parent_id)})
            else:
                mission_id = parent.mission_id if parent is not None else self.db_parents[parent_id].mission_id
                if mission_id and child.mission_id and mission_id != child.mission_id:
                    self.error(child.line, _("%(identifier)s belongs to another mission than its parent %(parent)s.")
                               % {"identifier": identifier, "parent": parent_id})
        for parent_id, total in self.drawn.items():
            line = self.first_child_line[parent_id]
            in_file = self.seen.get(parent_id)
            if in_file is not None and not in_file.existing:
                if total > in_file.mass_ug:
                    self.error(line, _("The children of %(parent)s weigh %(total)s µg in all but it has %(mass)s µg.")
                               % {"parent": parent_id, "total": total, "mass": in_file.mass_ug})
            elif parent_id in self.db_parents:
                stored = self.db_parents[parent_id]
                if stored.status != SampleStatus.AVAILABLE:
                    self.error(line, _("The parent %(parent)s is %(status)s and cannot be split.")
                               % {"parent": parent_id, "status": SampleStatus(stored.status).label})
                elif total > stored.mass_ug:
                    self.error(line, _("The new children of %(parent)s weigh %(total)s µg in all but it holds %(mass)s µg.")
                               % {"parent": parent_id, "total": total, "mass": stored.mass_ug})
        self.errors.sort(key=lambda e: e.line)


class _Writer:
    """Pass two: reserve ids, then send samples and ledger entries in batches."""

    KNOWN = ("id", "uid", "identifier", "mission_id", "parent_id", "generic", "split_number", "type", "category",
             "status", "description", "initial_mass_ug", "mass_ug", "location_id", "created_at", "updated_at")

    def __init__(self, validator: _Validator, actor, reason: str, reference: str = ""):
        self.v = validator
        self.reference = reference
        self.digest = BatchDigest()  # what the audit event will say about the entries written
        self.actor_id = getattr(actor, "pk", None)
        self.reason = reason
        self.vendor = connection.vendor
        self.now = timezone.now()
        self.now_db = connection.ops.adapt_datetimefield_value(self.now) if self.vendor != "postgresql" else self.now
        fields = [f for f in Sample._meta.concrete_fields]
        self.extra_fields = [f for f in fields if f.attname not in self.KNOWN]
        self.extra_values = tuple(f.get_db_prep_save(f.get_default(), connection) for f in self.extra_fields)
        self.sample_columns = list(self.KNOWN) + [f.column for f in self.extra_fields]
        self.ledger_columns = ["sample_id", "kind", "delta_ug", "balance_ug", "counterpart_id", "reason", "reference",
                               "actor_id", "created_at"]
        self.ids: dict[str, int] = {p: d.id for p, d in validator.db_parents.items()}
        self.generics: dict[str, str] = {p: d.generic for p, d in validator.db_parents.items()}
        self.balance: dict[str, int] = {p: d.mass_ug for p, d in validator.db_parents.items()}
        self.parents = set(validator.drawn)
        self.conventions = {m.pk: m.id_convention for m in validator.mission_by_id.values()}
        self._next_sqlite_id = None

    def reserve_ids(self, count: int) -> list[int]:
        table = Sample._meta.db_table
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
                return [r[0] for r in cursor.fetchall()]
            if self._next_sqlite_id is None:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
                start = cursor.fetchone()[0]
                if self.vendor == "sqlite":
                    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                    row = cursor.fetchone()
                    start = max(start, row[0] if row else 0)
                self._next_sqlite_id = start + 1
            first = self._next_sqlite_id
            self._next_sqlite_id += count
            return list(range(first, first + count))

    def insert(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def write(self, rows: list[tuple[int, dict]]) -> tuple[int, int]:
        v = self.v
        todo = [(line, row) for line, row in rows if row["identifier"].strip() not in v.existing]
        ids = self.reserve_ids(len(todo))
        uids = iter(_uids(len(todo)))
        samples, ledger = [], []
        roots = splits = 0
        SPLIT_IN, SPLIT_OUT, REGISTER = LedgerEntry.Kind.SPLIT_IN, LedgerEntry.Kind.SPLIT_OUT, LedgerEntry.Kind.REGISTER
        for (_line, row), pk in zip(todo, ids, strict=True):
            identifier = row["identifier"].strip()
            seen = v.seen[identifier]
            mass = seen.mass_ug
            parent = seen.parent
            location = (row.get("location") or "").strip()
            current = mass - v.drawn.get(identifier, 0) if identifier in self.parents else mass
            if parent:
                parent_id = self.ids[parent]
                generic = self.generics[parent]
                number = split_number_of(identifier, parent, self.conventions[seen.mission_id])
                self.balance[parent] -= mass
                ledger.append((parent_id, SPLIT_OUT, -mass, self.balance[parent], pk, self.reason, self.reference,
                               self.actor_id, self.now_db))
                ledger.append((pk, SPLIT_IN, mass, mass, parent_id, self.reason, self.reference, self.actor_id, self.now_db))
                self.digest.add(parent, SPLIT_OUT, -mass)
                self.digest.add(identifier, SPLIT_IN, mass)
                splits += 1
            else:
                parent_id, generic, number = None, identifier, None
                ledger.append((pk, REGISTER, mass, mass, None, self.reason, self.reference, self.actor_id, self.now_db))
                self.digest.add(identifier, REGISTER, mass)
                roots += 1
            if identifier in self.parents:
                self.ids[identifier] = pk
                self.generics[identifier] = generic
                self.balance[identifier] = mass
            samples.append((pk, next(uids), identifier, seen.mission_id, parent_id, generic, number,
                            row["type"].strip(), (row.get("category") or "").strip() or SampleCategory.RESEARCH,
                            SampleStatus.AVAILABLE, row.get("description") or "", mass, current,
                            v.locations.get(location), self.now_db, self.now_db) + self.extra_values)
        self.insert(Sample._meta.db_table, self.sample_columns, samples)
        self.insert(LedgerEntry._meta.db_table, self.ledger_columns, ledger)
        return roots, splits

    def draw_on_stored_parents(self) -> None:
        """Take the new children's mass from parents that were already in the catalogue."""
        for identifier, stored in self.v.db_parents.items():
            total = self.v.drawn.get(identifier, 0)
            if total:
                updated = Sample.objects.filter(pk=stored.id, mass_ug__gte=total).update(mass_ug=F("mass_ug") - total)
                if updated != 1:  # cannot happen while the row is locked; refuse rather than overdraw
                    raise ImportRejected([RowError(self.v.first_child_line[identifier],
                                                   _("The parent %(parent)s changed during the import.") % {"parent": identifier})])


def file_sha256(source: IO[bytes]) -> str:
    source.seek(0)
    digest = hashlib.sha256()
    for block in iter(lambda: source.read(1 << 20), b""):
        digest.update(block)
    source.seek(0)
    return digest.hexdigest()


def samples_import(*, actor, source: IO[bytes], filename: str = "", dry_run: bool = False, progress=None,
                   reason: str = "") -> ImportResult:
    """Validate and import a CSV of samples (see the module docstring); all or nothing.

    ``source`` is a seekable binary file (it is read twice: validate, then write).
    Raises :class:`ImportRejected` listing every error, or ``ConflictError`` when another
    curator registered one of the file's identifiers while it was being imported; returns
    the counts otherwise. With ``dry_run`` nothing is written even when the file is valid.
    ``actor=None`` is an operator running ``lunarshare import_samples`` without ``--user``
    (a system task at the command line); everyone else must hold ``catalog.import_samples``.
    """
    if actor is not None:
        require(actor, "catalog.import_samples", message=_("Only curators may import samples."))
    try:
        return _samples_import(actor=actor, source=source, filename=filename, dry_run=dry_run, progress=progress,
                               reason=reason)
    except (IntegrityError, connection.Database.IntegrityError):  # COPY raises the driver's own error
        raise ConflictError(_("A sample of this file was registered by someone else during the import; "
                              "nothing was imported. Run the import again.")) from None


def _samples_import(*, actor, source: IO[bytes], filename: str, dry_run: bool, progress, reason: str) -> ImportResult:
    progress = _NullProgress() if progress is None else progress
    result = ImportResult(sha256=file_sha256(source))
    reason = reason or _("Imported from %(file)s") % {"file": filename or "CSV"}
    # Pass one reads and checks every row OUTSIDE the transaction: on SQLite the write lock is
    # taken at BEGIN, and a long validation must not keep every other writer waiting. Only the
    # parents' mass and status are read again under the lock, where they matter.
    validator = _Validator()
    header_ok = validator.check_header(source)
    if header_ok:
        progress.set_description(_("checking"))
        for line, row in _text_rows(source):
            validator.row(line, row)
            progress.update(1)
        validator.flush()
    if not header_ok:
        raise ImportRejected(validator.errors)
    with transaction.atomic():
        if header_ok:
            validator.check_parents()
        if validator.errors:
            raise ImportRejected(validator.errors)
        result.rows = validator.rows
        result.skipped = len(validator.existing)
        result.created = result.rows - result.skipped
        if dry_run or result.created == 0:
            return result
        writer = _Writer(validator, actor, reason, reference=f"{IMPORT_PREFIX}{result.sha256[:16]}-{secrets.token_hex(4)}")
        progress.reset(total=result.rows)
        progress.set_description(_("importing"))
        batch: list[tuple[int, dict]] = []
        for line, row in _text_rows(source):
            batch.append((line, row))
            if len(batch) >= CHUNK:
                roots, splits = writer.write(batch)
                result.roots, result.splits = result.roots + roots, result.splits + splits
                progress.update(len(batch))
                batch = []
        roots, splits = writer.write(batch)
        result.roots, result.splits = result.roots + roots, result.splits + splits
        progress.update(len(batch))
        writer.draw_on_stored_parents()
        audit.record(actor=actor, verb="sample.imported", obj=None, data={
            "file": filename, "sha256": result.sha256, "rows": result.rows, "created": result.created,
            "skipped": result.skipped, "roots": result.roots, "splits": result.splits,
            "stored_parents_drawn": len([p for p in validator.db_parents if validator.drawn.get(p)]),
            "ledger_batch": {"reference": writer.reference, "entries": writer.digest.count,
                             "digest": writer.digest.hexdigest()},
        })
    return result
