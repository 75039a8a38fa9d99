"""The assignment algorithm on its own: never conflicted, K each, loads within one."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from lunarshare.programs.assignment import Candidate, Need, assign, greedy_baseline


def _pool(n_apps, n_reviewers, k, conflict_rate, seed):
    rng = random.Random(seed)
    tags = ["basalt", "regolith", "isotopes", "spectroscopy", "mineralogy"]
    needs = [Need(a, k, frozenset(rng.sample(tags, 2))) for a in range(n_apps)]
    candidates = [Candidate(r, frozenset(rng.sample(tags, 2))) for r in range(n_reviewers)]
    conflicts = {(a, r) for a in range(n_apps) for r in range(n_reviewers) if rng.random() < conflict_rate}
    return needs, candidates, conflicts


def _check(result, needs, conflicts, k):
    for need in needs:
        reviewers = result.assignments.get(need.id, [])
        assert len(reviewers) == len(set(reviewers)), "a reviewer twice on one application"
        assert not any((need.id, r) in conflicts for r in reviewers), "a conflicted reviewer was assigned"
        assert len(reviewers) + result.shortfall.get(need.id, 0) == k


@settings(max_examples=60, deadline=None)
@given(n_apps=st.integers(1, 40), n_reviewers=st.integers(3, 25), k=st.integers(1, 3),
       conflict_rate=st.floats(0, 0.3), seed=st.integers(0, 10_000))
def test_it_never_assigns_a_conflicted_reviewer_and_balances_loads(n_apps, n_reviewers, k, conflict_rate, seed):
    needs, candidates, conflicts = _pool(n_apps, n_reviewers, k, conflict_rate, seed)
    result = assign(needs, candidates, lambda a, r: (a, r) in conflicts, seed=seed)
    _check(result, needs, conflicts, k)
    # Moderate random conflicts always leave room to balance: loads within one of even.
    if conflict_rate <= 0.3 and not result.shortfall:
        assert result.spread <= 1


@settings(max_examples=40, deadline=None)
@given(n_apps=st.integers(1, 30), n_reviewers=st.integers(2, 12), k=st.integers(1, 4),
       conflict_rate=st.floats(0, 0.9), seed=st.integers(0, 10_000))
def test_it_stays_conflict_free_in_hostile_pools(n_apps, n_reviewers, k, conflict_rate, seed):
    needs, candidates, conflicts = _pool(n_apps, n_reviewers, k, conflict_rate, seed)
    result = assign(needs, candidates, lambda a, r: (a, r) in conflicts, seed=seed)
    _check(result, needs, conflicts, k)
    for need in needs:
        eligible = sum(1 for c in candidates if (need.id, c.id) not in conflicts)
        assert len(result.assignments.get(need.id, [])) == min(k, eligible)


def test_existing_loads_count_toward_balance():
    needs = [Need(a, 1) for a in range(4)]
    candidates = [Candidate("busy", load=3), Candidate("idle", load=0)]
    result = assign(needs, candidates, lambda a, r: False)
    assert result.loads == {"busy": 3, "idle": 4}


def test_existing_reviewers_are_not_assigned_again():
    result = assign([Need("a", 1, existing=frozenset({"x"}))], [Candidate("x"), Candidate("y")], lambda a, r: False)
    assert result.assignments == {"a": ["y"]}


def test_repair_moves_work_along_a_chain():
    # r0 may review everything; r1 only a0..a2; r2 only a3. Greedy order can leave r0 heavy.
    needs = [Need(f"a{i}", 1) for i in range(6)]
    allowed = {"r0": set(range(6)), "r1": {0, 1, 2}, "r2": {3, 4, 5}}
    result = assign(needs, [Candidate(r) for r in allowed], lambda a, r: int(a[1:]) not in allowed[r])
    assert result.spread <= 1 and sorted(result.loads.values()) == [2, 2, 2]


def test_expertise_breaks_ties():
    result = assign([Need("a", 1, frozenset({"basalt"}))],
                    [Candidate("generalist"), Candidate("expert", frozenset({"basalt"}))], lambda a, r: False)
    assert result.assignments == {"a": ["expert"]}


def test_greedy_baseline_piles_work_on_the_first_reviewers():
    needs, candidates, conflicts = _pool(200, 30, 3, 0.05, 1)
    baseline = greedy_baseline(needs, candidates, lambda a, r: (a, r) in conflicts)
    balanced = assign(needs, candidates, lambda a, r: (a, r) in conflicts)
    assert baseline.spread > balanced.spread and balanced.spread <= 1
