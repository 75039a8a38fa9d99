"""Curators splitting the same parent at the same moment can never overdraw it (PostgreSQL)."""

import threading

import pytest
from django.db import close_old_connections, connection

from lunarshare.catalog.models import LedgerEntry, Sample
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.catalog.services import ChildSpec, sample_consume, sample_split
from lunarshare.errors import DomainError
from lunarshare.testing.factories import UserFactory, make_sample

pytestmark = pytest.mark.django_db(transaction=True)


def _race(threads: int, work) -> tuple[list, list]:
    barrier = threading.Barrier(threads)
    done, refused = [], []

    def run(n):
        try:
            barrier.wait()
            done.append(work(n))
        except DomainError as exc:
            refused.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    close_old_connections()
    return done, refused


class TestConcurrentSplits:
    def test_sixteen_curators_splitting_one_parent_never_overdraw_it(self, postgres_only):
        curator = UserFactory(username="race-curator", roles=["curator"])
        parent = make_sample(identifier="70017", mass_ug=10_000, actor=curator)
        # Each asks for 1,500 µg: at most six can succeed (9,000 ≤ 10,000 < 10,500).
        done, refused = _race(16, lambda n: sample_split(actor=curator, parent=parent,
                                                         children=[ChildSpec(mass_ug=1_000), ChildSpec(mass_ug=500)]))
        parent.refresh_from_db()
        children = Sample.objects.filter(parent=parent)
        assert len(done) == 6 and len(refused) == 10
        assert sum(c.initial_mass_ug for c in children) == 9_000 and parent.mass_ug == 1_000
        # Split numbers are unique across the generic even when taken at the same moment.
        assert sorted(c.split_number for c in children) == list(range(1, 13))
        assert ledger_breaks() == []

    def test_concurrent_consumption_and_splits_keep_the_ledger_exact(self, postgres_only):
        curator = UserFactory(username="race-curator-2", roles=["curator"])
        parent = make_sample(identifier="CE5C0400", mass_ug=5_000, actor=curator)

        def work(n):
            if n % 2:
                return sample_consume(actor=curator, sample=parent, mass_ug=700, reason="race")
            return sample_split(actor=curator, parent=parent, children=[ChildSpec(mass_ug=700)])

        done, refused = _race(12, work)
        parent.refresh_from_db()
        taken = -sum(LedgerEntry.objects.filter(sample=parent, delta_ug__lt=0).values_list("delta_ug", flat=True))
        assert len(done) == 7 and taken == 4_900 and parent.mass_ug == 100
        assert ledger_breaks() == []
