#!/usr/bin/env python
"""The production stack on one machine, driven through its HTTP ports only.

Starts an S3 stand-in (moto's server mode), an SMTP sink (aiosmtpd, in this process), then the
Procfile with honcho: two gunicorn instances on two ports and Celery beat in one honcho, the
Celery worker in another (so that it can be killed and restarted on its own), against
PostgreSQL and Redis. Then it walks a journey and checks:

 1. both instances are ready (/readyz, which also reaches the bucket and the broker);
 2. a person logs in on one instance and acts on the other (sessions live in the database);
 3. a dataset file and a cooperation-agreement document land in the bucket, not on local disk;
 4. public answers carry an ETag that the *other* instance honours with 304;
 5. the statistics read on one instance change after a change made through the other;
 6. beat runs release_embargoes (a dataset past its embargo becomes public), the loan
    reminders, the round closing and (when the audit app has one) the audit checkpoint;
 7. a notification e-mail is sent by the worker, not by the request: with the worker frozen
    the request answers and the sink holds nothing; thawed, the worker delivers it, and its
    log carries the request id of the request that caused it;
 8. a worker killed while it hands a message to the mail server leaves no duplicate once it is
    restarted (acks_late: the message is handed out again; the outbox row makes it idempotent);
 9. everything stops cleanly.

Every wait polls for a condition with a deadline; nothing sleeps for a fixed time.

    .venv/bin/python scripts/stack_test.py            # PostgreSQL and Redis on 127.0.0.1

Environment: STACK_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/lunarshare_stack,
dropped and created), STACK_REDIS_URL (default redis://127.0.0.1:6379/8, flushed),
STACK_PORT_BASE (default 8400: S3 +10, SMTP +11, web +20 and +21).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import email
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import psutil
import psycopg
import redis
import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PORT_BASE = int(os.environ.get("STACK_PORT_BASE", "8400"))
S3_PORT, SMTP_PORT, WEB_A, WEB_B = PORT_BASE + 10, PORT_BASE + 11, PORT_BASE + 20, PORT_BASE + 21
DATABASE_URL = os.environ.get("STACK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/lunarshare_stack")
REDIS_URL = os.environ.get("STACK_REDIS_URL", "redis://127.0.0.1:6379/8")
BUCKET = "lunarshare-stack"
PASSWORD = "moonrock-demo"  # the demo accounts' password (lunarshare demo)
BEAT_SECONDS = 3
VISIBILITY_TIMEOUT = 8


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def wait_until(what: str, check: Callable[[], object], timeout: float = 60.0, every: float = 0.2):
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as exc:  # not ready yet (connection refused, 503, ...)
            last_error = exc
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last error: {last_error!r})")


# --- the SMTP sink -----------------------------------------------------------------------------
class Sink:
    """Keeps every message it accepts. In ``hold`` mode it keeps the client waiting at the end
    of DATA until ``release`` is set and then refuses the message: the client (a worker killed
    meanwhile) never got an answer, so the message was not delivered."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()
        self.hold = False
        self.held = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.hold:
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 not delivered"
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content))
        return "250 OK"

    def about(self, text: str) -> list[email.message.Message]:
        with self.lock:
            return [m for m in self.messages if text in str(email.header.make_header(email.header.decode_header(m["Subject"])))]


# --- processes ----------------------------------------------------------------------------------
class Processes:
    def __init__(self, logdir: Path, env: dict) -> None:
        self.logdir, self.env, self.running = logdir, env, {}

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.logdir / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)  # its own process group: stopped as one
        self.running[name] = proc
        return proc

    def log(self, name: str) -> str:
        return (self.logdir / f"{name}.log").read_text(errors="replace")

    def tree(self, name: str) -> list[psutil.Process]:
        """honcho and everything under it (honcho puts each child in a process group of its own)."""
        root = psutil.Process(self.running[name].pid)
        return [root, *root.children(recursive=True)]

    def signal(self, name: str, sig: int) -> None:
        for process in self.tree(name):
            with contextlib.suppress(psutil.NoSuchProcess):
                process.send_signal(sig)

    def stop(self, name: str, timeout: float = 30) -> str:
        """Ask honcho to stop (SIGINT, as Ctrl-C would) and check that nothing under it is left."""
        processes = self.tree(name)
        proc = self.running.pop(name)
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.resume()
        proc.send_signal(signal.SIGINT)
        _gone, alive = psutil.wait_procs(processes, timeout=timeout)
        for process in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        return "stopped" if not alive else f"KILLED {len(alive)} left after {timeout:.0f}s"

    def stop_all(self) -> dict:
        return {name: self.stop(name) for name in list(self.running)}


# --- a browser: requests with the CSRF dance ------------------------------------------------------
class Browser:
    def __init__(self) -> None:
        self.session = requests.Session()

    @staticmethod
    def url(port: int, path: str) -> str:
        return f"http://127.0.0.1:{port}{path}"

    def get(self, port: int, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.url(port, path), allow_redirects=False, timeout=30, **kwargs)

    def post(self, port: int, path: str, data: dict, *, form: str | None = None, files=None) -> requests.Response:
        """POST like a browser: read the CSRF token from the page holding the form first."""
        page = self.get(port, form or path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, f"no CSRF token on {form or path} ({page.status_code})"
        url = self.url(port, path)
        return self.session.post(url, data={**data, "csrfmiddlewaretoken": match.group(1)}, files=files,
                                 headers={"Referer": url}, allow_redirects=False, timeout=60)

    def login(self, port: int, username: str) -> None:
        response = self.post(port, "/en/accounts/login/", {"login": username, "password": PASSWORD})
        assert response.status_code == 302, f"login of {username} answered {response.status_code}"


def created_id(response: requests.Response, pattern: str) -> int:
    assert response.status_code == 302, f"expected a redirect, got {response.status_code}: {response.text[:300]}"
    match = re.search(pattern, urlsplit(response.headers["Location"]).path)
    assert match, response.headers["Location"]
    return int(match.group(1))


# --- set-up ---------------------------------------------------------------------------------------
def fresh_database() -> None:
    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def audit_signing_key(tmp: Path) -> Path:
    """A fresh Ed25519 key for the audit checkpoints (PEM, as `lunarshare audit_keygen` writes)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = tmp / "audit-signing.pem"
    path.write_bytes(Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    path.chmod(0o600)
    return path


def stack_env(tmp: Path) -> dict:
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL,
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "SITE_URL": f"http://127.0.0.1:{WEB_A}",
        "LUNARSHARE_DATA_DIR": str(tmp / "data"), "MEDIA_ROOT": str(tmp / "media"),
        "STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{S3_PORT}", "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path", "AWS_ACCESS_KEY_ID": "stack", "AWS_SECRET_ACCESS_KEY": "stack",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(SMTP_PORT), "DEFAULT_FROM_EMAIL": "LunarShare <noreply@lunarshare.invalid>",
        "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4", "CELERY_CONCURRENCY": "2",
        "LUNARSHARE_BEAT_EVERY_SECONDS": str(BEAT_SECONDS), "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp / "celerybeat-schedule"),
        "LOG_LEVEL": "INFO", "LOG_FORMAT": "json",
        "LUNARSHARE_AUDIT_SIGNING_KEY": str(audit_signing_key(tmp)),
        "LUNARSHARE_AUDIT_CHECKPOINT_DIR": str(tmp / "checkpoints"),
    }


def bucket_keys(s3) -> set[str]:
    return {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def local_files(tmp: Path) -> list[Path]:
    media = tmp / "media"
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


# --- the journey ----------------------------------------------------------------------------------
def journey(procs: Processes, sink: Sink, s3, tmp: Path) -> None:
    anonymous, curator, officer = Browser(), Browser(), Browser()
    today = dt.date.today()

    # 2. log in on A, act on B
    curator.login(WEB_A, "curator")
    profile = curator.get(WEB_B, "/en/profile/")
    assert profile.status_code == 200 and "curator" in profile.text, f"B does not know A's session ({profile.status_code})"
    say("ok: logged in on one instance, recognised on the other")

    # 5a. statistics read (and cached) on A
    before = anonymous.get(WEB_A, "/api/v1/statistics/").json()

    # 3. uploads land in the bucket
    keys_before = bucket_keys(s3)
    d1 = created_id(curator.post(WEB_B, "/en/data/new/", {
        "title": "Stack test regolith spectra", "licence": "CC-BY-4.0",
        "embargo_until": (today + dt.timedelta(days=30)).isoformat()}), r"/data/(\d+)/")
    attached = curator.post(WEB_A, f"/en/data/{d1}/files/", {}, form=f"/en/data/{d1}/",
                            files={"file": ("spectra-stack.csv", b"wavelength_nm,reflectance\n750,0.12\n", "text/csv")})
    assert attached.status_code == 302, attached.status_code
    officer.login(WEB_B, "officer")
    listing = officer.get(WEB_A, "/en/cooperation/agreements/").text
    agreement = int(re.search(r"/en/cooperation/agreements/(\d+)/", listing).group(1))
    added = officer.post(WEB_A, f"/en/cooperation/agreements/{agreement}/documents/",
                         {"title": "Stack test annex"}, form=f"/en/cooperation/agreements/{agreement}/",
                         files={"file": ("annex-stack.pdf", b"%PDF-1.4\n% stack test\n", "application/pdf")})
    assert added.status_code == 302, added.status_code
    new_keys = bucket_keys(s3) - keys_before
    assert any("spectra-stack" in key for key in new_keys), f"dataset file not in the bucket: {sorted(new_keys)}"
    assert any("annex-stack" in key for key in new_keys), f"agreement document not in the bucket: {sorted(new_keys)}"
    assert not local_files(tmp), f"uploads written to local disk: {local_files(tmp)}"
    say(f"ok: dataset file and agreement document are in the bucket ({len(new_keys)} new objects), none on disk")

    # 4. a validator from A is honoured by B
    first = anonymous.get(WEB_A, "/en/samples/")
    assert first.status_code == 200 and first.headers.get("ETag"), first.headers
    assert "public" in first.headers["Cache-Control"], first.headers["Cache-Control"]
    again = anonymous.get(WEB_B, "/en/samples/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304, again.status_code
    assert "private" in curator.get(WEB_B, "/en/samples/").headers["Cache-Control"]
    say("ok: public page cacheable, 304 across instances; a logged-in page is private")

    # 5b + 6. a dataset past its embargo, created on B: statistics on A move; beat releases it
    d2 = created_id(curator.post(WEB_B, "/en/data/new/", {
        "title": "Stack test embargo ended", "licence": "CC-BY-4.0",
        "embargo_until": (today - dt.timedelta(days=1)).isoformat()}), r"/data/(\d+)/")
    after = anonymous.get(WEB_A, "/api/v1/statistics/").json()
    assert after["generation"] > before["generation"], (before["generation"], after["generation"])
    wait_until("beat to release the dataset past its embargo",
               lambda: anonymous.get(WEB_A, f"/en/data/{d2}/").status_code == 200, timeout=90)
    released_stats = anonymous.get(WEB_A, "/api/v1/statistics/").json()
    assert released_stats["totals"]["datasets"] == before["totals"]["datasets"] + 1, released_stats["totals"]
    say(f"ok: statistics on A moved from generation {before['generation']} to {after['generation']} after a change "
        f"on B, and count the dataset the beat released ({released_stats['totals']['datasets']} public datasets)")
    expected = ["science.release_embargoes", "lunarshare.loans.tasks.send_loan_reminders",
                "lunarshare.programs.tasks.close_due_rounds"]
    for task in expected:
        wait_until(f"the worker to run {task}",
                   lambda task=task: re.search(rf"Task {re.escape(task)}\[[^\]]+\] succeeded", procs.log("worker")),
                   timeout=60)
    checkpoints = wait_until("beat to have the audit checkpoint signed and written outside the database",
                             lambda: sorted((tmp / "checkpoints").glob("checkpoint-*.json")), timeout=60)
    say("ok: beat ran " + ", ".join(expected) + f" and the audit checkpoint ({checkpoints[-1].name})")

    # 7. the e-mail leaves from the worker, after the request
    assert curator.post(WEB_B, f"/en/data/{d1}/watch/", {}, form=f"/en/data/{d1}/").status_code == 302
    procs.signal("worker", signal.SIGSTOP)
    try:
        released = curator.post(WEB_A, f"/en/data/{d1}/release/", {}, form=f"/en/data/{d1}/")
        assert released.status_code == 302, released.status_code
        assert not sink.about("regolith spectra"), "the request itself sent the e-mail"
    finally:
        procs.signal("worker", signal.SIGCONT)
    message = wait_until("the worker to deliver the notification",
                         lambda: sink.about("regolith spectra"), timeout=60)[0]
    assert re.fullmatch(r"<[0-9a-f-]{36}@lunarshare>", message["Message-ID"]), message["Message-ID"]
    request_id = released.headers["X-Request-ID"]
    wait_until("the worker's log line with the request id",
               lambda: request_id in procs.log("worker") and "sent" in procs.log("worker"), timeout=30)
    say(f"ok: notification delivered by the worker after the request (request id {request_id} in its log)")

    # 8. kill the worker while it talks to the mail server; restart; exactly one message
    d3 = created_id(curator.post(WEB_B, "/en/data/new/", {
        "title": "Stack test worker killed", "licence": "CC-BY-4.0",
        "embargo_until": (today + dt.timedelta(days=30)).isoformat()}), r"/data/(\d+)/")
    assert curator.post(WEB_B, f"/en/data/{d3}/watch/", {}, form=f"/en/data/{d3}/").status_code == 302
    sink.hold = True
    assert curator.post(WEB_A, f"/en/data/{d3}/release/", {}, form=f"/en/data/{d3}/").status_code == 302
    wait_until("the worker to be in the middle of sending", sink.held.is_set, timeout=60)
    doomed = procs.tree("worker")
    procs.signal("worker", signal.SIGKILL)
    psutil.wait_procs(doomed, timeout=30)
    procs.running.pop("worker")
    sink.hold = False
    sink.release.set()
    killed_at = time.monotonic()
    say("worker killed while handing the message to the mail server; restarting it")
    # Redis hands an unacknowledged message out again only once its visibility timeout has
    # passed; a worker that starts earlier sees nothing to restore until kombu's next periodic
    # check (about 100 s), so the restart waits for the timeout (CELERY_VISIBILITY_TIMEOUT).
    wait_until("the killed task's visibility timeout to pass",
               lambda: time.monotonic() - killed_at > VISIBILITY_TIMEOUT + 1, timeout=VISIBILITY_TIMEOUT + 10)
    procs.start("worker", [str(BIN / "honcho"), "start", "worker"])
    wait_until("the restarted worker to be ready", lambda: procs.log("worker").count("ready.") >= 2, timeout=120)
    wait_until("the restarted worker to deliver the message", lambda: sink.about("worker killed"),
               timeout=VISIBILITY_TIMEOUT + 90)
    broker = redis.Redis.from_url(REDIS_URL)
    wait_until("no e-mail task left in the broker (queued or unacknowledged)",
               lambda: not any(b"mail.send_email" in raw for raw in
                               [*broker.hvals("unacked"), *broker.lrange("celery", 0, -1)]), timeout=60)
    copies = sink.about("worker killed")
    assert len(copies) == 1, f"{len(copies)} copies delivered"
    say("ok: the killed task ran again on the restarted worker and sent exactly one message")


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="lunarshare-stack-"))
    env = stack_env(tmp)
    procs = Processes(tmp, env)
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
    started = time.monotonic()
    ok = False
    try:
        say(f"logs in {tmp}")
        reuse = os.environ.get("STACK_REUSE_DATABASE") == "1"  # quicker reruns while developing
        if not reuse:
            fresh_database()
        redis.Redis.from_url(REDIS_URL).flushdb()
        smtp.start()
        procs.start("s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(S3_PORT)])
        s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{S3_PORT}", region_name="us-east-1",
                          aws_access_key_id="stack", aws_secret_access_key="stack")
        wait_until("the S3 stand-in", lambda: s3.create_bucket(Bucket=BUCKET), timeout=60)
        say("S3 stand-in and SMTP sink up; migrating and loading the demo accounts")
        for argv in ([] if reuse else (["migrate", "--no-input", "-v0"], ["demo", "--only", "accounts", "cooperation"])):
            subprocess.run([str(BIN / "lunarshare"), *argv], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)
        procs.start("web", [str(BIN / "honcho"), "start", "--port", str(WEB_A),
                             "--concurrency", "web=2,beat=1", "web", "beat"])
        procs.start("worker", [str(BIN / "honcho"), "start", "worker"])
        for port in (WEB_A, WEB_B):
            wait_until(f"gunicorn on {port} to be ready",
                       lambda port=port: requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5).json()["status"]
                       == "ready", timeout=120)
        wait_until("the worker to be ready", lambda: "ready." in procs.log("worker"), timeout=120)
        say(f"stack ready: web on {WEB_A} and {WEB_B}, worker, beat")
        journey(procs, sink, s3, tmp)
        ok = True
    except Exception as exc:
        say(f"FAILED: {exc!r}")
        for name in ("web", "worker"):
            if (tmp / f"{name}.log").exists():
                print(f"--- last lines of {name}.log ---\n" + "\n".join(procs.log(name).splitlines()[-12:]))
    finally:
        outcomes = procs.stop_all()
        smtp.stop()
        say(f"stopped: {outcomes}")
        if any(outcome != "stopped" for outcome in outcomes.values()):
            ok = False
    say(f"stack test {'passed' if ok else 'FAILED'} in {time.monotonic() - started:.0f}s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
