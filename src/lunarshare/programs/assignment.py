"""Automatic reviewer assignment: a pure algorithm, no database.

Problem: give each application ``k`` distinct reviewers such that no reviewer is conflicted
with an application they get, reviewers' loads are as even as possible (the most loaded has
at most one more than the least loaded whenever the conflicts allow it), and reviewers whose
expertise matches the application are preferred.

Algorithm (two phases, O(A·k·R) for the greedy, repairs are rare):

1. *Greedy, most constrained first.* Applications are visited in increasing number of eligible
   reviewers. Each takes, one at a time, the eligible reviewer with the lowest current load;
   ties go to the larger expertise overlap, then to a seeded random order (so that equal
   reviewers are not always taken in id order).
2. *Repair by load-shifting paths.* While some reviewer has two or more assignments more than
   another, search (breadth first) for a chain ``r_max → r_1 → … → r_min`` where each step
   moves one application from a reviewer to the next one, who is eligible for it and does not
   already review it. Shifting along the chain lowers the top load by one and raises the
   bottom load by one without changing anyone else's. When no chain exists the remaining
   imbalance is forced by the conflicts.

Existing loads (assignments made earlier in the round) count toward balance, and existing
reviewers of an application are never assigned twice.
"""

from __future__ import annotations

import heapq
import random
from collections import deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field


@dataclass
class Candidate:
    id: Hashable
    tags: frozenset[str] = frozenset()
    load: int = 0  # assignments the reviewer already has in the round


@dataclass
class Need:
    id: Hashable
    needed: int
    tags: frozenset[str] = frozenset()
    existing: frozenset = frozenset()  # reviewers already on the application (never assigned again)


@dataclass
class AssignmentResult:
    assignments: dict = field(default_factory=dict)  # application id -> list of new reviewer ids
    loads: dict = field(default_factory=dict)  # reviewer id -> total load after assignment
    shortfall: dict = field(default_factory=dict)  # application id -> how many could not be found
    repairs: int = 0

    @property
    def spread(self) -> int:
        return (max(self.loads.values()) - min(self.loads.values())) if self.loads else 0


def assign(needs: Iterable[Need], candidates: Iterable[Candidate],
           is_conflicted: Callable[[Hashable, Hashable], bool], *, seed: int = 0) -> AssignmentResult:
    needs = list(needs)
    candidates = list(candidates)
    rng = random.Random(seed)
    order = {c.id: rng.random() for c in candidates}
    loads = {c.id: c.load for c in candidates}
    tags = {c.id: c.tags for c in candidates}

    eligible: dict = {}
    for need in needs:
        eligible[need.id] = [c.id for c in candidates if c.id not in need.existing and not is_conflicted(need.id, c.id)]

    result = AssignmentResult()
    assigned_to: dict = {need.id: set(need.existing) for need in needs}
    picks: dict = {need.id: [] for need in needs}
    for need in sorted(needs, key=lambda n: (len(eligible[n.id]) - n.needed, str(n.id))):
        pool = eligible[need.id]
        take = min(need.needed, len(pool))
        if take < need.needed:
            result.shortfall[need.id] = need.needed - take
        if take <= 0:
            continue
        ranked = heapq.nsmallest(take, pool, key=lambda r: (loads[r], -len(tags[r] & need.tags), order[r]))
        for reviewer in ranked:
            picks[need.id].append(reviewer)
            assigned_to[need.id].add(reviewer)
            loads[reviewer] += 1

    result.repairs = _repair(picks, assigned_to, loads, eligible)
    result.assignments = {key: value for key, value in picks.items() if value}
    result.loads = loads
    return result


def _repair(picks: dict, assigned_to: dict, loads: dict, eligible: dict) -> int:
    """Shift assignments along chains from the most to the least loaded reviewer."""
    eligible_sets = {app: set(pool) for app, pool in eligible.items()}
    # Only new picks may move: earlier assignments in the round are people's work in progress.
    held: dict = {reviewer: set() for reviewer in loads}
    for app, reviewers in picks.items():
        for reviewer in reviewers:
            held[reviewer].add(app)
    repairs = 0
    while loads:
        low, high = min(loads.values()), max(loads.values())
        if high - low <= 1:
            break
        path = _find_path({r for r, n in loads.items() if n == high}, {r for r, n in loads.items() if n <= high - 2},
                          held, assigned_to, eligible_sets)
        if path is None:
            break
        for giver, app, taker in path:
            held[giver].discard(app)
            held[taker].add(app)
            assigned_to[app].discard(giver)
            assigned_to[app].add(taker)
            picks[app][picks[app].index(giver)] = taker
        loads[path[0][0]] -= 1
        loads[path[-1][2]] += 1
        repairs += 1
    return repairs


def _find_path(sources: set, sinks: set, held: dict, assigned_to: dict, eligible_sets: dict):
    previous: dict = {source: None for source in sources}
    queue = deque(sources)
    while queue:
        giver = queue.popleft()
        for app in held[giver]:
            for taker in eligible_sets[app]:
                if taker in previous or taker in assigned_to[app]:
                    continue
                previous[taker] = (giver, app)
                if taker in sinks:
                    path, node = [], taker
                    while previous[node] is not None:
                        before, moved = previous[node]
                        path.append((before, moved, node))
                        node = before
                    return list(reversed(path))
                queue.append(taker)
    return None


def greedy_baseline(needs: Iterable[Need], candidates: Iterable[Candidate],
                    is_conflicted: Callable[[Hashable, Hashable], bool]) -> AssignmentResult:
    """What a first attempt does: walk the applications in order and take the first k
    non-conflicted reviewers of the list (expertise first), ignoring load. For the benchmark."""
    candidates = list(candidates)
    loads = {c.id: c.load for c in candidates}
    result = AssignmentResult()
    for need in needs:
        chosen = []
        for c in sorted(candidates, key=lambda c: -len(c.tags & need.tags)):
            if len(chosen) == need.needed:
                break
            if c.id in need.existing or is_conflicted(need.id, c.id):
                continue
            chosen.append(c.id)
            loads[c.id] += 1
        if len(chosen) < need.needed:
            result.shortfall[need.id] = need.needed - len(chosen)
        result.assignments[need.id] = chosen
    result.loads = loads
    return result
