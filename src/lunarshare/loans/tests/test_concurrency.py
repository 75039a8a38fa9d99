"""Twenty curators allocating from the same parent at once never overdraw it (PostgreSQL, real threads)."""

import threading

import pytest
from django.db import connection

from lunarshare.catalog.models import Sample
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.errors import DomainError
from lunarshare.loans.models import LoanItem
from lunarshare.loans.services import Pick, loan_allocate, loan_sign
from lunarshare.loans.tests.factories import make_loan
from lunarshare.testing.factories import MissionFactory, make_sample


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_allocations_never_overdraw_the_parent(people, postgres_only):
    parent = make_sample(identifier="CE5C9000", mission=MissionFactory(code="CE5"), mass_ug=1_000_000, type="regolith")
    loans = []
    for _ in range(20):
        loan = make_loan(people, masses=(150_000,), parent=parent)
        loan_sign(actor=people.alice, loan=loan, typed_name="A")
        loan_sign(actor=people.officer, loan=loan, typed_name="O")
        loans.append(loan)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def allocate(loan):
        try:
            barrier.wait()
            loan_allocate(actor=people.curator, loan=loan, item=loan.items.get(), picks=[Pick(parent.identifier, 150_000)])
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate, args=(loan,)) for loan in loans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    parent.refresh_from_db()
    assert outcomes.count("ok") == 6, outcomes  # 6 × 150 mg fit in 1 g; the other 14 are refused
    assert parent.mass_ug == 1_000_000 - 6 * 150_000 and parent.mass_ug >= 0
    assert LoanItem.objects.filter(status="allocated").count() == 6
    assert Sample.objects.filter(parent=parent, status="reserved").count() == 6
    assert ledger_breaks() == []
