"""Property: whatever sequence of splits, reweighs, consumptions and write-offs happens,
mass is conserved (``ledger_breaks()`` is empty and ``check_ledger`` passes)."""

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lunarshare.catalog.models import Sample
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.catalog.services import (
    ChildSpec,
    sample_consume,
    sample_reweigh,
    sample_split,
    sample_write_off,
)
from lunarshare.errors import DomainError
from lunarshare.testing.factories import UserFactory, make_sample

pytestmark = pytest.mark.django_db

operation = st.tuples(
    st.sampled_from(["split", "reweigh", "consume", "write_off"]),
    st.integers(min_value=0, max_value=50),  # which sample (modulo the number that exist)
    st.lists(st.integers(min_value=-5, max_value=4_000), min_size=1, max_size=4),  # masses (some invalid)
)


def _apply(actor, kind, target, masses):
    if kind == "split":
        sample_split(actor=actor, parent=target, children=[ChildSpec(mass_ug=m) for m in masses], reason="property")
    elif kind == "reweigh":
        sample_reweigh(actor=actor, sample=target, measured_mass_ug=masses[0], reason="property")
    elif kind == "consume":
        sample_consume(actor=actor, sample=target, mass_ug=masses[0], reason="property")
    else:
        sample_write_off(actor=actor, sample=target, mass_ug=masses[0] if len(masses) > 1 else None, reason="property")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(operations=st.lists(operation, min_size=1, max_size=25))
def test_random_sequences_of_ledger_operations_conserve_mass(django_db_setup, django_db_blocker, operations):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        actor = UserFactory(username="property-curator", roles=["curator"])
        make_sample(identifier="10002", mass_ug=10_000, actor=actor)
        for kind, index, masses in operations:
            samples = list(Sample.objects.order_by("id"))
            target = samples[index % len(samples)]
            try:
                _apply(actor, kind, target, masses)
            except DomainError:
                pass  # refusals are part of the property: they must change nothing
        assert ledger_breaks() == []
        call_command("check_ledger", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert all(s.mass_ug >= 0 for s in Sample.objects.all())
        transaction.set_rollback(True)
