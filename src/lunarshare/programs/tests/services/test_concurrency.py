"""Two committee members approving from the same sample set at once never overdraw it (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from lunarshare.errors import ConflictError
from lunarshare.programs import services
from lunarshare.programs.selectors import round_results
from lunarshare.programs.tests.factories import make_application, make_round
from lunarshare.testing.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_decisions_never_overdraw_a_sample_set(postgres_only, people):
    round_ = make_round(offered_mass_ug=150_000)
    apps = [make_application(people.alice, round_, status="under_review"),
            make_application(people.bob, round_, status="under_review")]
    members = [people.committee, UserFactory(roles=["committee"])]
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(application, member):
        try:
            barrier.wait()
            services.application_decide(actor=member, application=application, decision="approve")
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=pair) for pair in zip(apps, members, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert round_results(round_).total_mass_ug == 100_000
