"""What every benchmark shares: where the database comes from, and the percentile maths.

Two ways to get a throwaway database:
- :func:`prepare_database` for benchmarks run inside one process: with ``DATABASE_URL`` set it
  (re)creates that PostgreSQL database, refusing any name without "bench" in it; unset, a
  temporary SQLite folder.
- :func:`run_worker_per_database` for benchmarks that compare both databases: it creates a
  throwaway database per backend and re-runs the script as ``--worker <vendor>`` against it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))


def p95(values) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def prepare_database(label: str, *, reuse: bool = False) -> str:
    """Point Django at a fresh database for benchmark ``label``; return a description of it."""
    url = os.environ.get("DATABASE_URL", "")
    if reuse and url:
        return f"PostgreSQL ({url.rsplit('/', 1)[-1]}, reused)"
    if not url:
        os.environ["LUNARSHARE_DATA_DIR"] = tempfile.mkdtemp(prefix=f"lunarshare-bench-{label}-")
        return "SQLite (temporary file)"
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to drop database {name!r}: a benchmark database's name must contain 'bench'")
    with psycopg.connect(host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432, user=config["USER"],
                         password=config["PASSWORD"] or None, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"PostgreSQL ({name})"


def run_worker_per_database(script: str, label: str, scale: int, db: str) -> int:
    """Run ``script --scale N --worker <vendor>`` once per database named by ``db`` (postgres, sqlite, both)."""
    status = 0
    if db in ("postgres", "both"):
        status |= _run_on_postgres(script, label, scale)
    if db in ("sqlite", "both"):
        status |= _run_on_sqlite(script, scale)
    return status


def _worker_command(script: str, scale: int, vendor: str) -> list[str]:
    return [sys.executable, script, "--scale", str(scale), "--worker", vendor]


def _run_on_postgres(script: str, label: str, scale: int) -> int:
    import psycopg

    base = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        base = "postgres://postgres@127.0.0.1:5432/postgres"
    server = base.rsplit("/", 1)[0]
    name = f"lunarshare_bench_{label}_{os.getpid()}"
    try:
        admin = psycopg.connect(server + "/postgres", autocommit=True)
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL: skipped, no server at {server} ({exc})")
        return 0
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        return subprocess.call(_worker_command(script, scale, "postgresql"), env={**os.environ, "DATABASE_URL": f"{server}/{name}"})
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _run_on_sqlite(script: str, scale: int) -> int:
    with tempfile.TemporaryDirectory(prefix="lunarshare-bench-") as folder:
        path = Path(folder) / "bench.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "LUNARSHARE_DATA_DIR": folder, "MEDIA_ROOT": folder}
        return subprocess.call(_worker_command(script, scale, "sqlite"), env=env)
