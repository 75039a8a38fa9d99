"""Two gifts drawn from the same sample at the same moment can never overdraw it (PostgreSQL)."""

import datetime
import threading

import pytest
from django.db import close_old_connections, connection

from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.cooperation.models import SampleGift
from lunarshare.cooperation.services import gift_record
from lunarshare.errors import DomainError
from lunarshare.testing.factories import MissionFactory, UserFactory, make_sample

from .factories import make_partner

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_gifts_from_one_sample_never_overdraw_it(postgres_only):
    curator = UserFactory(username="gift-curator", roles=["curator"])
    sample = make_sample(identifier="CE5C0400", mission=MissionFactory(code="CE5"), mass_ug=4_000_000, actor=curator)
    recipient = make_partner(kind="government", name_en="Demo Republic")
    barrier = threading.Barrier(4)
    done, refused = [], []

    def run(n):
        try:
            barrier.wait()
            done.append(gift_record(actor=curator, recipient=recipient, date=datetime.date(2023, 4, 1),
                                    occasion_en=f"Demo visit {n}", items=[(sample, 1_500_000)]))
        except DomainError as exc:
            refused.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()
    sample.refresh_from_db()
    # 2 × 1.5 g fit in 4 g; a third would overdraw it.
    assert len(done) == 2 and len(refused) == 2
    assert sample.mass_ug == 1_000_000 and SampleGift.objects.count() == 2
    assert ledger_breaks() == []
