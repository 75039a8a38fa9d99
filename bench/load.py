#!/usr/bin/env python
"""Load benchmark: 200 concurrent users (Locust, headless) against the production stack.

Builds a throwaway PostgreSQL database with the demo data, starts the Procfile's ``web`` line
(gunicorn, ``WEB_CONCURRENCY`` workers) on 127.0.0.1 with Redis as cache, and drives it in
three bounded phases, each stopping by itself:

1. **mix** — 200 users with think time (1–3 s), as people browse: anonymous visitors (home,
   results, catalogue with filters, sample pages, statistics, compare, the catalogue API) and
   logged-in applicants (their applications, notifications, catalogue). Per page: requests/s,
   p50/p95/p99 and errors. Aim: 0 errors and p95 < 300 ms for every public page.
2. **capacity, public pages** — the same anonymous mix with no think time: the throughput the
   stack sustains.
3. **capacity, trivial view** — ``/healthz`` (a JSON answer with no database) with no think
   time: the ceiling of this process model. Aim: public pages ≥ 0.5× this.

Before the phases every public page is requested once (printing the cold render times), so
public answers come from the shared page cache, as on a live site between two changes.

    .venv/bin/python bench/load.py [--users 200] [--seconds 40] [--web-concurrency 4]

Only 127.0.0.1 is ever targeted. Environment: BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/lunarshare_bench_load, dropped and created), BENCH_REDIS_URL
(default redis://127.0.0.1:6379/9, flushed), BENCH_PORT (default 8440).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lunarshare_bench_load")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
PORT = int(os.environ.get("BENCH_PORT", "8440"))
PASSWORD = "moonrock-demo"

# --- the Locust users (this file is also the locustfile) ------------------------------------------
try:
    from locust import FastHttpUser, between, constant, tag, task
except ImportError:  # the runner part below needs no Locust until it starts it
    FastHttpUser = None

SAMPLES = [s for s in os.environ.get("LOAD_SAMPLES", "").split(",") if s]
MISSIONS = [m for m in os.environ.get("LOAD_MISSIONS", "").split(",") if m] or [""]
ZERO_WAIT = os.environ.get("LOAD_ZERO_WAIT") == "1"

if FastHttpUser is not None:

    class Visitor(FastHttpUser):
        """An anonymous visitor of the public pages."""

        weight = 4
        wait_time = constant(0) if ZERO_WAIT else between(1, 3)

        @tag("public")
        @task(3)
        def home(self):
            self.client.get("/en/", name="home")

        @tag("public")
        @task(2)
        def results(self):
            self.client.get("/en/results/", name="results")

        @tag("public")
        @task(4)
        def catalogue(self):
            mission = random.choice(MISSIONS)
            self.client.get(f"/en/samples/?mission={mission}&status=&min_mass=1", name="catalogue (filtered)")

        @tag("public")
        @task(4)
        def sample(self):
            if SAMPLES:
                self.client.get(f"/en/samples/{random.choice(SAMPLES)}/", name="sample page")

        @tag("public")
        @task(2)
        def statistics(self):
            self.client.get("/en/statistics/", name="statistics")

        @tag("public")
        @task(1)
        def compare(self):
            self.client.get("/en/compare/", name="compare")

        @tag("public")
        @task(2)
        def api_catalogue(self):
            self.client.get(f"/api/v1/samples/?mission={random.choice(MISSIONS)}", name="API catalogue")

    class Applicant(FastHttpUser):
        """A logged-in applicant: their applications, notifications, the catalogue."""

        weight = 1
        wait_time = between(1, 3)

        def on_start(self):
            page = self.client.get("/en/accounts/login/", name="login form")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            self.client.post("/en/accounts/login/", name="login",
                             data={"login": random.choice(["applicant1", "applicant2"]), "password": PASSWORD,
                                   "csrfmiddlewaretoken": token},
                             headers={"Referer": f"{self.host}/en/accounts/login/"})

        @tag("applicant")
        @task(3)
        def my_applications(self):
            self.client.get("/en/applications/", name="my applications (logged in)")

        @tag("applicant")
        @task(1)
        def notifications(self):
            self.client.get("/en/notifications/", name="notifications (logged in)")

        @tag("applicant")
        @task(2)
        def catalogue(self):
            self.client.get("/en/samples/", name="catalogue (logged in)")

    class Ceiling(FastHttpUser):
        """The trivial JSON view: what this process model can answer at most."""

        weight = 1  # run on its own (phase 3), never mixed with the others
        wait_time = constant(0)

        @task
        def healthz(self):
            self.client.get("/healthz", name="trivial JSON view")


# --- the runner -------------------------------------------------------------------------------------
def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def wait_until(what: str, check, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # not up yet
            pass
        time.sleep(0.3)
    raise SystemExit(f"timed out waiting for {what}")


def setup(env: dict) -> tuple[list[str], list[str]]:
    from urllib.parse import urlsplit

    import psycopg
    import redis

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: a benchmark database's name must contain 'bench'")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(REDIS_URL).flushdb()
    say("migrating and loading the demo data")
    for argv in (["migrate", "--no-input", "-v0"], ["demo"]):
        subprocess.run([str(BIN / "lunarshare"), *argv], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    with psycopg.connect(DATABASE_URL) as conn:
        samples = [row[0] for row in conn.execute(
            "SELECT identifier FROM catalog_sample ORDER BY id LIMIT 200").fetchall()]
        missions = [row[0] for row in conn.execute("SELECT code FROM catalog_mission").fetchall()]
    return samples, missions


def run_locust(env: dict, users: int, seconds: int, classes: list[str], tags: list[str], out: Path,
               zero_wait: bool) -> list[dict]:
    command = [str(BIN / "locust"), "-f", str(Path(__file__)), "--headless", "--host", f"http://127.0.0.1:{PORT}",
               "-u", str(users), "-r", str(max(users // 5, 1)), "--run-time", f"{seconds}s", "--stop-timeout", "5",
               "--csv", str(out), "--only-summary", "--loglevel", "WARNING", *classes]
    if tags:
        command += ["--tags", *tags]
    subprocess.run(command, cwd=ROOT, env={**env, "LOAD_ZERO_WAIT": "1" if zero_wait else "0"},
                   stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    with open(f"{out}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"  {'page':<30} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7}")
    for row in rows:
        print(f"  {row['Name']:<30} {int(row['Request Count']):>9,} {float(row['Requests/s']):>8.1f} "
              f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7} {int(row['Failure Count']):>7}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=40, help="length of each phase")
    parser.add_argument("--web-concurrency", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--scale", type=int, help="ignored (bench/run.py passes it to every benchmark)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="lunarshare-load-"))
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
           "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL, "DEBUG": "0",
           "SECRET_KEY": secrets.token_urlsafe(50), "SECURE_COOKIES": "0", "ALLOWED_HOSTS": "127.0.0.1",
           "LUNARSHARE_DATA_DIR": str(tmp), "WEB_CONCURRENCY": str(args.web_concurrency),
           "GUNICORN_THREADS": "4", "PORT": str(PORT), "LOG_LEVEL": "WARNING"}
    samples, missions = setup(env)
    env.update(LOAD_SAMPLES=",".join(samples), LOAD_MISSIONS=",".join(missions))
    say(f"{len(samples)} sample pages, missions {missions}; starting gunicorn ({args.web_concurrency} workers)")
    log = open(tmp / "web.log", "wb")  # noqa: SIM115
    web = subprocess.Popen([str(BIN / "honcho"), "start", "--port", str(PORT), "web"], cwd=ROOT, env=env,
                           stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        import requests

        wait_until("gunicorn", lambda: requests.get(f"http://127.0.0.1:{PORT}/readyz", timeout=5).ok)
        # Steady state of a public site: every public page rendered once (as after a change, the
        # first visitor of each page pays its render; later ones get the kept answer).
        urls = ["/en/", "/en/results/", "/en/statistics/", "/en/compare/"]
        urls += [f"/en/samples/?mission={m}&status=&min_mass=1" for m in missions]
        urls += [f"/api/v1/samples/?mission={m}" for m in missions] + [f"/en/samples/{s}/" for s in samples]
        renders = []
        for url in urls:
            started = time.perf_counter()
            requests.get(f"http://127.0.0.1:{PORT}{url}", timeout=60)
            renders.append(time.perf_counter() - started)
        renders.sort()
        say(f"warm-up: {len(urls)} public pages rendered once, median {renders[len(renders) // 2] * 1000:.0f} ms, "
            f"slowest {renders[-1] * 1000:.0f} ms")
        load_before = os.getloadavg()
        say(f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
        mix = run_locust(env, args.users, args.seconds, ["Visitor", "Applicant"], [], tmp / "mix", False)
        public = run_locust(env, args.users, args.seconds, ["Visitor"], ["public"], tmp / "public", True)
        ceiling = run_locust(env, args.users, args.seconds, ["Ceiling"], [], tmp / "ceiling", True)
        load_after = os.getloadavg()
    finally:
        os.killpg(web.pid, signal.SIGINT)
        try:
            web.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(web.pid, signal.SIGKILL)
    table(f"Phase 1 — {args.users} users with think time (1–3 s), {args.seconds} s", mix)
    table(f"Phase 2 — {args.users} anonymous users, no think time, public pages, {args.seconds} s", public)
    table(f"Phase 3 — {args.users} users, no think time, trivial JSON view, {args.seconds} s", ceiling)
    agg = {name: next(r for r in rows if r["Name"] == "Aggregated") for name, rows in
           (("mix", mix), ("public", public), ("ceiling", ceiling))}
    ratio = float(agg["public"]["Requests/s"]) / max(float(agg["ceiling"]["Requests/s"]), 0.001)
    public_rows = [r for r in mix if r["Name"] not in ("Aggregated",) and "logged in" not in r["Name"]
                   and not r["Name"].startswith("login")]
    worst = max(public_rows, key=lambda r: int(r["95%"]))
    errors = sum(int(r["Failure Count"]) for r in mix + public + ceiling if r["Name"] == "Aggregated")
    print(f"\nload average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} (2 cores; Locust runs "
          f"on the same machine)")
    print(f"aims: errors {errors} (aim 0); worst public p95 {worst['95%']} ms on {worst['Name']} (aim < 300 ms); "
          f"public throughput {float(agg['public']['Requests/s']):.0f} req/s = {ratio:.2f}x the trivial view's "
          f"{float(agg['ceiling']['Requests/s']):.0f} req/s (aim >= 0.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
