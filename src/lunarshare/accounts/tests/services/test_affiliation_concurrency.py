"""Two officers confirming the same request at once: exactly one wins (row lock on PostgreSQL)."""

import threading

import pytest
from django.db import connection

from lunarshare.accounts.services import affiliation_confirm, affiliation_request
from lunarshare.audit.models import Event
from lunarshare.errors import InvalidTransition
from lunarshare.testing.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_officers_confirming_at_once_confirm_once(postgres_only, people):
    second_officer = UserFactory(username="offi2", institution=people.naoc, roles=["officer"])
    newcomer = UserFactory(username="newcomer", institution=None, roles=[])
    request = affiliation_request(actor=newcomer, institution=people.cologne)
    barrier = threading.Barrier(2)
    outcomes = []

    def confirm(officer):
        try:
            barrier.wait()
            affiliation_confirm(actor=officer, request=request)
            outcomes.append("confirmed")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(officer,)) for officer in (people.officer, second_officer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["confirmed", "refused"]
    assert Event.objects.filter(verb="lunarshare.affiliation.confirmed").count() == 1
    assert Event.objects.filter(verb="lunarshare.user.role_granted", subject_id=str(newcomer.pk)).count() == 1
