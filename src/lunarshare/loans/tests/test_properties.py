"""After any sequence of allocations, consumptions and returns, mass is conserved."""

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lunarshare.catalog.models import Sample
from lunarshare.errors import DomainError
from lunarshare.loans.services import (
    Pick,
    ReturnLine,
    loan_allocate,
    loan_receive,
    loan_report_use,
    loan_return,
    loan_ship,
    loan_sign,
)
from lunarshare.loans.tests.factories import make_loan

pytestmark = pytest.mark.django_db

step = st.tuples(st.sampled_from(["consume", "return"]), st.integers(min_value=0, max_value=2),
                 st.integers(min_value=1, max_value=30_000), st.integers(min_value=-3_000, max_value=3_000))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(masses=st.lists(st.integers(min_value=1, max_value=60_000), min_size=1, max_size=3), steps=st.lists(step, max_size=8))
def test_check_ledger_passes_after_any_sequence(people, masses, steps):
    loan = make_loan(people, masses=tuple(masses))
    loan_sign(actor=people.alice, loan=loan, typed_name="A")
    loan_sign(actor=people.officer, loan=loan, typed_name="O")
    for item in list(loan.items.all()):
        try:
            loan_allocate(actor=people.curator, loan=loan, item=item, picks=[Pick(loan.parent_sample.identifier, item.approved_mass_ug)])
        except DomainError:
            pass
    loan_ship(actor=people.curator, loan=loan, courier="c", packaging="p", condition_report="ok", handed_over_to="a")
    loan_receive(actor=people.alice, loan=loan, condition_report="ok")
    items = list(loan.items.select_related("sample").order_by("id"))
    for action, index, amount, delta in steps:
        item = items[index % len(items)]
        sample = Sample.objects.get(pk=item.sample_id)
        try:
            if action == "consume":
                loan_report_use(actor=people.alice, loan=loan, identifier=sample.identifier, kind="destructive",
                                method="m", mass_ug=amount, video_url="https://v.example.org/1")
            else:
                loan_return(actor=people.curator, loan=loan,
                            lines=[ReturnLine(sample.identifier, max(0, sample.mass_ug + delta))])
        except DomainError:
            pass
    call_command("check_ledger")
    for item in loan.items.select_related("sample"):
        assert item.consumed_ug <= item.destructive_allowance_ug
        assert item.sample.mass_ug >= 0


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(requests=st.lists(st.one_of(st.integers(min_value=1, max_value=400_000), st.just(1_000_000), st.just(400_000)),
                         min_size=1, max_size=6))
def test_allocations_never_promise_more_than_the_parent_holds(people, requests):
    from lunarshare.testing.factories import MissionFactory, make_sample

    parent = make_sample(mission=MissionFactory(code="CE5"), mass_ug=1_000_000, type="regolith")
    granted = 0
    for mass in requests:
        loan = make_loan(people, masses=(mass,), parent=parent)
        loan_sign(actor=people.alice, loan=loan, typed_name="A")
        loan_sign(actor=people.officer, loan=loan, typed_name="O")
        from lunarshare.catalog.selectors import available_mass_ug

        available = available_mass_ug(Sample.objects.get(pk=parent.pk))
        try:
            loan_allocate(actor=people.curator, loan=loan, item=loan.items.get(), picks=[Pick(parent.identifier, mass)])
            granted += mass
        except DomainError:
            assert mass > available  # refused only when it does not fit
        else:
            assert mass <= available
    reserved = sum(Sample.objects.filter(generic=parent.generic, status="reserved").values_list("mass_ug", flat=True))
    assert reserved == granted <= 1_000_000
    call_command("check_ledger")
