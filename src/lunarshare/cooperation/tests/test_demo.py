import io

import pytest

from lunarshare.catalog.models import LedgerEntry
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.cooperation import demo
from lunarshare.cooperation.models import CooperationAgreement, InternationalPayload, SampleGift
from lunarshare.testing.factories import MissionFactory, make_sample

pytestmark = pytest.mark.django_db


def test_it_loads_the_change_6_payloads_agreements_and_gifts_once(db):
    ce5 = MissionFactory(code="CE5")
    MissionFactory(code="CE6")
    make_sample(identifier="CE5C0400YJFM009", mission=ce5, mass_ug=10_000_000)
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    payloads = {p.acronym: p for p in InternationalPayload.objects.select_related("partner")}
    assert set(payloads) == {"DORN", "NILS", "INRRI", "ICUBE-Q"}
    assert (payloads["DORN"].partner.acronym, payloads["DORN"].country) == ("CNES", "FR")
    assert (payloads["NILS"].partner.acronym, payloads["INRRI"].partner.acronym) == ("ESA", "INFN")
    assert payloads["ICUBE-Q"].kind == "cubesat" and payloads["INRRI"].kind == "retroreflector"
    assert CooperationAgreement.objects.filter(kind="mou").count() == 2
    assert SampleGift.objects.count() == 2
    assert sum(e.delta_ug for e in LedgerEntry.objects.filter(kind="transfer_out")) == -3_000_000
    assert ledger_breaks() == []


def test_without_change_5_material_the_gifts_are_skipped_with_a_note(db):
    out = io.StringIO()
    demo.load(out)
    assert not SampleGift.objects.exists()
    assert "skipped the gift" in out.getvalue()


def test_gifts_already_written_off_by_the_catalogue_are_linked_not_taken_twice(db):
    from lunarshare.catalog.services import sample_write_off

    ce5 = MissionFactory(code="CE5")
    lot = make_sample(identifier="CE5C0400", mission=ce5, mass_ug=10_000_000)
    for reason in ("State gift to Russia, Feb 2022", "State gift to France, Apr 2023"):
        sample_write_off(actor=None, sample=lot, reason=reason, mass_ug=1_500_000, kind=LedgerEntry.Kind.TRANSFER_OUT)
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    lot.refresh_from_db()
    assert lot.mass_ug == 7_000_000
    assert LedgerEntry.objects.filter(kind="transfer_out").count() == 2
    assert sorted(g.mass_ug for g in SampleGift.objects.all()) == [1_500_000, 1_500_000]
