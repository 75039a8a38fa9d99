import io

import pytest

from lunarshare.catalog import demo
from lunarshare.catalog.models import Mission, Sample
from lunarshare.catalog.selectors import ledger_breaks

pytestmark = pytest.mark.django_db


def test_the_demo_loads_real_and_demo_samples_idempotently():
    from lunarshare.accounts import demo as accounts_demo

    accounts_demo.load(io.StringIO())
    out = io.StringIO()
    demo.load(out)
    count = Sample.objects.count()
    assert "21 rows without a mass skipped" in out.getvalue()
    assert set(Mission.objects.values_list("code", flat=True)) == {
        "A11", "A12", "A14", "A15", "A16", "A17", "L16", "L20", "L24", "CE5", "CE6"}
    assert Sample.objects.get(identifier="CE5C0400YJFM00901").mass_ug == 500_000
    assert Sample.objects.get(identifier="CE5GY001").status == "on_loan"
    assert "10002" in Sample.objects.get(identifier="10084").description
    research = Sample.objects.filter(mission__code__in=["CE5", "CE6"], status="available",
                                     type__in=["powder", "rock_chip", "polished_section"], mass_ug__lte=1_000_000)
    assert research.count() >= 40
    assert ledger_breaks() == []
    demo.load(io.StringIO())
    assert Sample.objects.count() == count and ledger_breaks() == []
