"""The mass ledger, reproduced from the audit log.

Every service that writes ledger entries puts the same facts into its audit event:
``"ledger": [{"sample": <uid>, "kind": ..., "delta_ug": ...}, ...]``. The bulk importer,
which writes one event per file, tags its entries with a ``reference`` of its own and puts
``"ledger_batch": {"reference", "entries", "digest"}`` into its event, where ``digest`` is an
order-free multiset hash of ``identifier<TAB>kind<TAB>delta_ug`` over those entries.

:func:`ledger_audit_breaks` compares the ledger table with those facts, so an edit to the
``catalog_*`` tables alone, however consistent with itself (a sample's mass, initial mass and
opening entry raised together), no longer passes ``check_ledger``: the audit events are hash
chained and the chain is anchored outside the database by signed checkpoints.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Q

from lunarshare.audit.models import Event

from .models import LedgerEntry, Sample

IMPORT_PREFIX = "import:"
OPENING = ("register", "split_in")
LOOKUP_CHUNK = 500  # samples per query: SQLite limits the parameters of one statement


@dataclass
class LedgerBreak:
    identifier: str
    problem: str


def ledger_facts(*entries: LedgerEntry) -> list[dict]:
    """What an audit event records about the ledger entries its service wrote."""
    return [{"sample": e.sample.uid, "kind": str(e.kind), "delta_ug": e.delta_ug} for e in entries]


class BatchDigest:
    """Order-free digest of many ledger entries: the sum of their SHA-256 values modulo 2**256,
    so the importer can add rows as it writes them and the check as it reads them."""

    def __init__(self) -> None:
        self.total = 0
        self.count = 0

    def add(self, identifier: str, kind: str, delta_ug: int) -> None:
        line = f"{identifier}\t{kind}\t{delta_ug}".encode()
        self.total = (self.total + int.from_bytes(hashlib.sha256(line).digest(), "big")) % (1 << 256)
        self.count += 1

    def hexdigest(self) -> str:
        return f"{self.total:064x}"


def _describe(kind: str, delta: int) -> str:
    return f"{kind} {delta:+d} µg"


def ledger_audit_breaks() -> list[LedgerBreak]:
    """Every sample whose ledger entries (or initial mass) differ from what the audit log recorded."""
    audited: dict[str, Counter] = defaultdict(Counter)
    seqs: dict[str, list[int]] = defaultdict(list)
    batches: dict[str, dict] = {}
    events = (Event.objects.filter(Q(data__has_key="ledger") | Q(data__has_key="ledger_batch"))
              .order_by("seq").values_list("seq", "data"))
    for seq, data in events.iterator(chunk_size=2000):
        for fact in data.get("ledger") or []:
            audited[fact["sample"]][(fact["kind"], fact["delta_ug"])] += 1
            seqs[fact["sample"]].append(seq)
        batch = data.get("ledger_batch")
        if batch:
            batches[batch["reference"]] = {**batch, "seq": seq}

    breaks: list[LedgerBreak] = []
    found: dict[str, Counter] = defaultdict(Counter)
    digests: dict[str, BatchDigest] = defaultdict(BatchDigest)
    rows = LedgerEntry.objects.values_list("sample__uid", "sample__identifier", "kind", "delta_ug", "reference")
    identifiers: dict[str, str] = {}
    for uid, identifier, kind, delta, reference in rows.order_by("id").iterator(chunk_size=5000):
        if reference.startswith(IMPORT_PREFIX) and reference in batches:
            digests[reference].add(identifier, kind, delta)
        else:
            found[uid][(kind, delta)] += 1
            identifiers[uid] = identifier

    for reference, batch in batches.items():
        got = digests.get(reference, BatchDigest())
        if got.count != batch["entries"] or got.hexdigest() != batch["digest"]:
            breaks.append(LedgerBreak(
                f"audit event #{batch['seq']}",
                f"the {got.count} ledger entries of import {reference} do not match the {batch['entries']} "
                f"it recorded (entries were changed, added or removed)"))

    samples_with_facts = set(audited) | set(found)
    initial: dict[str, int] = {}
    known: dict[str, str] = {}
    uids = sorted(samples_with_facts)
    for start in range(0, len(uids), LOOKUP_CHUNK):
        for uid, identifier, initial_mass in (Sample.objects.filter(uid__in=uids[start:start + LOOKUP_CHUNK])
                                              .values_list("uid", "identifier", "initial_mass_ug")):
            known[uid], initial[uid] = identifier, initial_mass
    for uid in sorted(samples_with_facts, key=lambda u: known.get(u, u)):
        name = known.get(uid) or identifiers.get(uid) or f"sample uid {uid}"
        expected, actual = audited.get(uid, Counter()), found.get(uid, Counter())
        if expected != actual:
            unrecorded = [_describe(*k) for k in sorted((actual - expected).elements())]
            missing = [_describe(*k) for k in sorted((expected - actual).elements())]
            parts = []
            if unrecorded:
                parts.append("ledger entries with no audit event: " + ", ".join(unrecorded))
            if missing:
                events_named = ", ".join(f"#{s}" for s in sorted(set(seqs.get(uid, []))))
                parts.append(f"audited entries missing from the ledger (events {events_named}): " + ", ".join(missing))
            breaks.append(LedgerBreak(name, "; ".join(parts)))
        opening = [(delta, n) for (kind, delta), n in expected.items() if kind in OPENING]
        if uid in initial and opening and initial[uid] != sum(delta * n for delta, n in opening):
            breaks.append(LedgerBreak(name, f"initial mass {initial[uid]} µg but the audit log recorded {sum(d * n for d, n in opening)} µg"))
    return breaks
