"""Backups that restore: ``lunarshare backup`` and ``lunarshare restore``.

One archive ``lunarshare-YYYYmmddTHHMMSSZ.tar.gz`` holds

- ``database.sqlite3`` (SQLite's online backup API: consistent while the site runs) or
  ``database.pgdump`` (``pg_dump -Fc``, one consistent snapshot);
- ``storage/<alias>/<name>``: every file of every configured storage except static files, read
  through Django's storage API (local disk or S3 alike);
- ``audit-checkpoints/<file>``: the signed audit checkpoints;
- ``manifest.json``: format, time, database vendor, the audit chain's head and the SHA-256 and
  size of every member. Restore checks every checksum before it changes anything.

Retention (``backup --prune``): keep the newest archive of each of the last 7 days that have
one, of each of the last 4 ISO weeks and of each of the last 12 months; delete the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection, connections
from django.utils import timezone

from lunarshare import audit
from lunarshare.errors import ConflictError, ValidationFailed

from .checkpoints import checkpoint_dir
from .models import ChainHead

FORMAT = "lunarshare-backup/1"
NAME_RE = re.compile(r"^lunarshare-(\d{8}T\d{6}Z)\.tar\.gz$")
SKIPPED_STORAGES = {"staticfiles"}  # rebuilt by collectstatic, not data


class BackupError(ValidationFailed):
    code = "backup_invalid"


class RestoreTargetNotEmpty(ConflictError):
    code = "restore_target_not_empty"


# --- Helpers --------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _storage_aliases() -> list[str]:
    return [alias for alias in settings.STORAGES if alias not in SKIPPED_STORAGES]


def _walk(storage, path: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:  # a local storage whose folder was never created holds nothing
        return
    for name in files:
        yield f"{path}/{name}" if path else name
    for name in dirs:
        yield from _walk(storage, f"{path}/{name}" if path else name)


def _pg_env() -> tuple[list[str], dict]:
    """libpq arguments for the default database (password through the environment, not argv)."""
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed; it is needed to back up or restore PostgreSQL.") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")


# --- Backup ---------------------------------------------------------------------------------

def _dump_database(target_dir: Path) -> tuple[str, str]:
    vendor = connection.vendor
    if connection.in_atomic_block:  # SQLite would wait forever for its own write lock; PostgreSQL would miss uncommitted rows
        raise BackupError("A backup cannot be taken inside a transaction.")
    if vendor == "sqlite":
        path = target_dir / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(path)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return vendor, path.name
    if vendor == "postgresql":
        path = target_dir / "database.pgdump"
        args, env = _pg_env()
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(path), *args], env)
        return vendor, path.name
    raise BackupError(f"Backups of a {vendor} database are not supported.")


def backup_create(*, actor, output_dir: str | Path | None = None) -> Path:
    """Write one dated archive (database, stored files, audit checkpoints, manifest) and record it."""
    output = Path(output_dir or settings.LUNARSHARE_BACKUP_DIR)
    output.mkdir(parents=True, exist_ok=True)
    now = timezone.now().astimezone(dt.UTC)
    final = output / f"lunarshare-{now:%Y%m%dT%H%M%SZ}.tar.gz"
    if final.exists():
        raise ConflictError(f"{final.name} already exists; wait a second and run the backup again.")
    head = ChainHead.objects.filter(id=1).first()
    with tempfile.TemporaryDirectory(prefix="lunarshare-backup-") as tmp:
        work = Path(tmp)
        vendor, db_name = _dump_database(work)
        members: dict[str, Path] = {db_name: work / db_name}
        for alias in _storage_aliases():
            storage = storages[alias]
            for name in _walk(storage):
                local = work / "storage" / alias / name
                local.parent.mkdir(parents=True, exist_ok=True)
                with storage.open(name, "rb") as source, open(local, "wb") as out:
                    shutil.copyfileobj(source, out)
                members[f"storage/{alias}/{name}"] = local
        folder = checkpoint_dir()
        for path in sorted(folder.glob("checkpoint-*.json")) if folder.is_dir() else []:
            members[f"audit-checkpoints/{path.name}"] = path
        manifest = {
            "format": FORMAT, "created_at": now.isoformat().replace("+00:00", "Z"),
            "database": {"vendor": vendor, "file": db_name},
            "audit_head": {"seq": head.seq, "hash": head.hash} if head else {"seq": 0, "hash": "0" * 64},
            "members": {name: {"sha256": _sha256(path), "size": path.stat().st_size} for name, path in members.items()},
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        partial = output / f".{final.name}.partial"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / "manifest.json", arcname="manifest.json")
            for name, path in members.items():
                tar.add(path, arcname=name)
        os.replace(partial, final)
    audit.record(actor=actor, verb="backup.created", obj=None,
                 data={"archive": final.name, "sha256": _sha256(final), "files": len(members) - 1,
                       "audit_head_seq": manifest["audit_head"]["seq"]})
    return final


# --- Restore --------------------------------------------------------------------------------

@dataclass
class RestoreResult:
    archive: str
    vendor: str
    files: int
    checkpoints: int
    audit_head_seq: int
    problems: list[str] = field(default_factory=list)


def _unpack(archive: Path, work: Path) -> dict:
    """Extract and check every member against the manifest; raise before anything is restored."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")  # refuses absolute paths, .. and links out of ``work``
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{archive} is not a readable backup archive: {exc}") from None
    try:
        manifest = json.loads((work / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{archive.name} has no readable manifest.json: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive.name} is not a LunarShare backup (format {manifest.get('format')!r}).")
    for name, meta in manifest["members"].items():
        path = work / name
        if not path.is_file():
            raise BackupError(f"{archive.name} lacks {name}, which its manifest lists.")
        if _sha256(path) != meta["sha256"]:
            raise BackupError(f"{name} in {archive.name} does not match its checksum: the archive is damaged.")
    return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    if "audit_event" not in tables:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_event")
        return cursor.fetchone()[0] == 0


def _restore_database(vendor: str, dump: Path) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)  # replaces every page of the live database
        finally:
            source.close()
        connections.close_all()
        return
    args, env = _pg_env()
    connections.close_all()
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction", *args, str(dump)], env)


def backup_restore(*, actor, archive: str | Path, force: bool = False) -> RestoreResult:
    """Restore an archive into this site's database, storages and checkpoint folder.

    Refuses (changing nothing) a damaged archive, one from another database vendor, and a
    database with audit events or storages with files unless ``force``.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"There is no backup archive {archive}.")
    with tempfile.TemporaryDirectory(prefix="lunarshare-restore-") as tmp:
        work = Path(tmp)
        manifest = _unpack(archive, work)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(f"The archive holds a {vendor} database but this site runs on {connection.vendor}.")
        files = [n for n in manifest["members"] if n.startswith("storage/")]
        occupied = [alias for alias in _storage_aliases() if next(_walk(storages[alias]), None) is not None]
        if not force and not _database_is_empty():
            occupied.insert(0, "the database holds audit events")
        elif not force and occupied:
            occupied = [f"storage {', '.join(occupied)} holds files"]
        if not force and occupied:
            where = occupied[0]
            raise RestoreTargetNotEmpty(f"Refusing to restore over live data: {where}. Restore into an empty "
                                        "database and storage, or pass --force to replace them.")
        unknown = sorted({name.split("/", 2)[1] for name in files} - set(settings.STORAGES))
        if unknown:
            raise BackupError(f"The archive holds files for storage {', '.join(unknown)}, which this site does not configure.")
        _restore_database(vendor, work / manifest["database"]["file"])
        for name in files:
            _prefix, alias, stored_name = name.split("/", 2)
            storage = storages[alias]
            if storage.exists(stored_name):
                storage.delete(stored_name)
            with open(work / name, "rb") as source:
                saved = storage.save(stored_name, File(source))
            if saved != stored_name:
                raise BackupError(f"{stored_name} was stored as {saved}; the storage renamed it.")
        checkpoints = [n for n in manifest["members"] if n.startswith("audit-checkpoints/")]
        folder = checkpoint_dir()
        for name in checkpoints:
            target = folder / PurePosixPath(name).name
            folder.mkdir(parents=True, exist_ok=True)
            if target.exists() and target.read_bytes() != (work / name).read_bytes():
                raise BackupError(f"{target} exists and differs from the archive's copy; checkpoints are never overwritten.")
            shutil.copyfile(work / name, target)
    audit.record(actor=actor, verb="backup.restored", obj=None,
                 data={"archive": archive.name, "sha256": _sha256(archive), "created_at": manifest["created_at"],
                       "files": len(files), "audit_head_seq": manifest["audit_head"]["seq"]})
    return RestoreResult(archive.name, vendor, len(files), len(checkpoints), manifest["audit_head"]["seq"])


# --- Retention ------------------------------------------------------------------------------

def retention_keep(names: list[str], *, daily: int = 7, weekly: int = 4, monthly: int = 12) -> set[str]:
    """Names to keep: the newest archive of each of the last ``daily`` days that have one, of
    each of the last ``weekly`` ISO weeks and of each of the last ``monthly`` months."""
    stamped = sorted(((dt.datetime.strptime(m.group(1), "%Y%m%dT%H%M%SZ"), n) for n in names
                      if (m := NAME_RE.match(n))), reverse=True)
    keep: set[str] = set()
    for count, bucket in ((daily, lambda t: t.date()), (weekly, lambda t: t.isocalendar()[:2]),
                          (monthly, lambda t: (t.year, t.month))):
        seen: set = set()
        for when, name in stamped:
            key = bucket(when)
            if key not in seen and len(seen) < count:
                seen.add(key)
                keep.add(name)
    return keep


def backup_prune(*, actor, directory: str | Path | None = None, daily: int = 7, weekly: int = 4,
                 monthly: int = 12) -> list[str]:
    """Delete the archives the retention rule does not keep; other files are never touched."""
    folder = Path(directory or settings.LUNARSHARE_BACKUP_DIR)
    names = [p.name for p in folder.iterdir() if NAME_RE.match(p.name)] if folder.is_dir() else []
    keep = retention_keep(names, daily=daily, weekly=weekly, monthly=monthly)
    removed = sorted(set(names) - keep)
    for name in removed:
        (folder / name).unlink()
    if removed:
        audit.record(actor=actor, verb="backup.pruned", obj=None, data={"removed": removed, "kept": sorted(keep)})
    return removed
