"""Signed checkpoints: the audit chain anchored outside the database.

The hash chain alone proves only that the log is self-consistent: whoever can write the
database can rewrite one event and recompute every later hash. A *checkpoint* fixes the
chain's head at a moment: ``{"seq", "hash", "events", "created_at", "key_id"}`` as canonical
JSON, signed with an Ed25519 private key that lives in a file (``LUNARSHARE_AUDIT_SIGNING_KEY``)
and never in the database. Each checkpoint is one file in ``LUNARSHARE_AUDIT_CHECKPOINT_DIR``
(never overwritten). Like a Certificate Transparency signed tree head, a verifier needs only
the public key and the files: the chain must still hold, at each checkpointed ``seq``, the
hash that was signed, so a rewritten-and-recomputed or truncated history is detected.

Why not key the chain itself with an HMAC: the key would have to sit on every app server
that writes events, and it would have to be secret to verify with; a signature needs the
private key only where checkpoints are made and lets anyone holding the public key verify.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone

from lunarshare import audit
from lunarshare.errors import DomainError

from .models import ChainHead, Event
from .services import ChainProblem, verify_chain

FORMAT = "lunarshare-audit-checkpoint/1"


class AuditKeyError(DomainError):
    """A signing or public key is missing, unreadable or not an Ed25519 key."""

    code = "audit_key"


def canonical_bytes(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


# --- Keys -----------------------------------------------------------------------------------

def generate_key(private_path: Path, public_path: Path | None = None) -> Ed25519PublicKey:
    """Write a new private key (PEM, mode 0600, refusing to overwrite) and its public key."""
    private_path = Path(private_path)
    public_path = Path(public_path) if public_path else private_path.with_name(private_path.name + ".pub")
    for path in (private_path, public_path):
        if path.exists():
            raise AuditKeyError(f"{path} already exists; a key is never overwritten (move it away first).")
    private_path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    public_path.write_bytes(public_pem(key.public_key()))
    return key.public_key()


def _load_key(path, load, expected: type, what: str):
    try:
        key = load(Path(path).read_bytes())
    except FileNotFoundError:
        raise AuditKeyError(f"The {what} file {path} does not exist"
                            + (" (create one with `lunarshare audit_keygen`)." if what == "signing key" else ".")) from None
    except (OSError, ValueError, TypeError) as exc:
        raise AuditKeyError(f"The {what} file {path} cannot be read as a PEM key: {exc}") from None
    if not isinstance(key, expected):
        raise AuditKeyError(f"The {what} file {path} does not hold an Ed25519 key.")
    return key


def load_private_key(path: str | Path | None = None) -> Ed25519PrivateKey:
    path = path or settings.LUNARSHARE_AUDIT_SIGNING_KEY
    if not path:
        raise AuditKeyError("No signing key: set LUNARSHARE_AUDIT_SIGNING_KEY to the private key file "
                            "(create one with `lunarshare audit_keygen --output FILE`).")
    return _load_key(path, lambda data: serialization.load_pem_private_key(data, password=None),
                     Ed25519PrivateKey, "signing key")


def load_public_key(path: str | Path | None = None) -> Ed25519PublicKey:
    """The public key from ``path``, else ``LUNARSHARE_AUDIT_PUBLIC_KEY``, else derived from the signing key."""
    path = path or settings.LUNARSHARE_AUDIT_PUBLIC_KEY
    if not path:
        if settings.LUNARSHARE_AUDIT_SIGNING_KEY:
            return load_private_key().public_key()
        raise AuditKeyError("No public key: pass --public-key FILE or set LUNARSHARE_AUDIT_PUBLIC_KEY.")
    return _load_key(path, serialization.load_pem_public_key, Ed25519PublicKey, "public key")


# --- Writing --------------------------------------------------------------------------------

def checkpoint_dir(directory: str | Path | None = None) -> Path:
    return Path(directory or settings.LUNARSHARE_AUDIT_CHECKPOINT_DIR)


def checkpoint_create(*, actor, key_path: str | Path | None = None, directory: str | Path | None = None) -> Path:
    """Sign the chain's current head and write it as a new file; record an audit event.

    Refuses (``AuditKeyError`` or ``ChainBroken``) when the key is missing or when the chain
    no longer matches itself or an earlier checkpoint: a checkpoint must never bless a
    rewritten history.
    """
    key = load_private_key(key_path)
    folder = checkpoint_dir(directory)
    problem = verify_all(key.public_key(), folder)
    if problem is not None:
        raise ChainBroken(problem)
    head = ChainHead.objects.filter(id=1).first()
    seq, head_hash = (head.seq, head.hash) if head else (0, "0" * 64)
    now = timezone.now().astimezone(dt.UTC)
    payload = {"format": FORMAT, "seq": seq, "hash": head_hash, "events": Event.objects.filter(seq__lte=seq).count(),
               "created_at": now.isoformat(timespec="microseconds").replace("+00:00", "Z"),
               "key_id": key_id(key.public_key())}
    document = {"checkpoint": payload, "signature": base64.b64encode(key.sign(canonical_bytes(payload))).decode("ascii")}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"checkpoint-{seq:012d}-{now:%Y%m%dT%H%M%S%fZ}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)  # never overwrite an earlier checkpoint
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(document, out, sort_keys=True, indent=2)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    audit.record(actor=actor, verb="audit.checkpoint_written", obj=None,
                 data={"seq": seq, "hash": head_hash, "file": path.name, "key_id": payload["key_id"]})
    return path


# --- Verifying ------------------------------------------------------------------------------

class ChainBroken(DomainError):
    code = "audit_chain_broken"
    http_status = 409

    def __init__(self, problem: ChainProblem) -> None:
        super().__init__(f"event #{problem.seq}: {problem.reason}" if problem.seq is not None else problem.reason,
                         seq=problem.seq)
        self.problem = problem


@dataclass
class Checkpoint:
    path: Path
    seq: int
    hash: str
    created_at: str


def read_checkpoints(public_key: Ed25519PublicKey, directory: str | Path | None = None) -> tuple[list[Checkpoint], ChainProblem | None]:
    """Every checkpoint file in ``directory`` with a valid signature, oldest first; or the
    first file that is unreadable or whose signature does not verify under ``public_key``."""
    folder = checkpoint_dir(directory)
    found: list[Checkpoint] = []
    if not folder.is_dir():
        return found, None
    expected_id = key_id(public_key)
    for path in sorted(folder.glob("checkpoint-*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            payload, signature = document["checkpoint"], base64.b64decode(document["signature"], validate=True)
            seq, head_hash, created_at = int(payload["seq"]), str(payload["hash"]), str(payload["created_at"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return found, ChainProblem(None, f"checkpoint {path.name} cannot be read: {exc}")
        try:
            public_key.verify(signature, canonical_bytes(payload))
        except InvalidSignature:
            other = f" (it names key {payload.get('key_id')}, the public key given is {expected_id})" \
                if payload.get("key_id") != expected_id else ""
            return found, ChainProblem(None, f"checkpoint {path.name} has a signature that does not verify: "
                                             f"forged, altered or signed by another key{other}")
        found.append(Checkpoint(path, seq, head_hash, created_at))
    found.sort(key=lambda c: (c.seq, c.created_at))
    return found, None


def verify_against(checkpoints: list[Checkpoint]) -> ChainProblem | None:
    """The first checkpoint whose event is missing or no longer has the signed hash."""
    last_good = 0
    for cp in checkpoints:
        if cp.seq == 0:
            continue
        stored = Event.objects.filter(seq=cp.seq).values_list("hash", flat=True).first()
        if stored is None:
            return ChainProblem(cp.seq, f"event #{cp.seq}, signed in checkpoint {cp.path.name} ({cp.created_at}), "
                                        f"is missing: the chain was truncated or renumbered")
        if stored != cp.hash:
            return ChainProblem(cp.seq, f"event #{cp.seq} no longer has the hash signed in checkpoint {cp.path.name} "
                                        f"({cp.created_at}): history was rewritten within events #{last_good + 1}–#{cp.seq} "
                                        f"and the later hashes recomputed")
        last_good = cp.seq
    return None


def verify_all(public_key: Ed25519PublicKey | None, directory: str | Path | None = None) -> ChainProblem | None:
    """The chain is self-consistent and agrees with every checkpoint (when a key is given)."""
    problem = verify_chain()
    if problem is None and public_key is not None:
        checkpoints, problem = read_checkpoints(public_key, directory)
        problem = problem or verify_against(checkpoints)
    return problem
