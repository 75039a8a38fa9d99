"""A small open-science world: two missions with landing sites, a sample split in two, a
deaccessioned sample, a released dataset (ORCID author, ROR affiliation, loan, publication) and
an embargoed one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from lunarshare.catalog.services import ChildSpec, sample_change_status, sample_split
from lunarshare.science.services import dataset_release, publication_create
from lunarshare.science.tests.factories import make_dataset, make_loan, upload
from lunarshare.testing.factories import MissionFactory, make_sample


@pytest.fixture
def world(people):
    ce5 = MissionFactory(code="CE5", name_en="Chang'e-5", name_zh="嫦娥五号", landing_site="Mons Rümker",
                         latitude=Decimal("43.0576"), longitude=Decimal("-51.9161"), landing_date=dt.date(2020, 12, 1))
    a17 = MissionFactory(code="A17", name_en="Apollo 17", landing_site="Taurus-Littrow",
                         latitude=Decimal("20.1908"), longitude=Decimal("30.7717"), landing_date=dt.date(1972, 12, 11))
    scoop = make_sample(identifier="CE5C0400YJFM00901", mission=ce5, type="regolith", mass_ug=5_000_000,
                        actor=people.curator)
    child = sample_split(actor=people.curator, parent=scoop, children=[ChildSpec(mass_ug=1_000_000)])[0]
    rock = make_sample(identifier="74001", mission=a17, type="regolith", actor=people.curator)
    gone = make_sample(identifier="74002", mission=a17, type="basalt", actor=people.curator)
    sample_change_status(actor=people.curator, sample=gone, status="deaccessioned", reason="test")
    people.cologne.ror_id = "00rcxh774"
    people.cologne.save()
    loan = make_loan(people)
    released = make_dataset(people.alice, title="TiO2 of Chang'e-5 regolith", loan=loan, samples=[scoop, rock],
                            description="Titanium dioxide in regolith grains measured by electron microprobe.",
                            authors=[{"name": "Alice Example", "orcid": "0000-0002-1825-0097",
                                      "affiliation": "University of Cologne"}], keywords=["regolith", "TiO2"])
    upload(people.alice, released, "CE5C0400YJFM00901,TiO2,5.1,wt%,0.2,1s,EPMA", "74001,TiO2,9.3,wt%,,,EPMA")
    dataset_release(actor=people.alice, dataset=released)
    publication_create(actor=people.alice, title="A paper", year=2026, doi="10.1234/example.5", datasets=[released],
                       loans=[loan])
    secret = make_dataset(people.alice, title="Unpublished Fe isotopes", loan=loan, samples=[scoop],
                          embargo_until=timezone.localdate() + dt.timedelta(days=300))
    upload(people.alice, secret, "CE5C0400YJFM00901,FeO,22.75,wt%,,,EPMA")
    for obj in (scoop, child, rock, gone, released, secret):
        obj.refresh_from_db()
    return SimpleNamespace(people=people, ce5=ce5, a17=a17, scoop=scoop, child=child, rock=rock, gone=gone,
                           loan=loan, released=released, secret=secret)
