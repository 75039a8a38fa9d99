"""Fixtures shared by the science tests."""

import pytest


@pytest.fixture
def ages(people):
    """Released ages of two Apollo 12, one Apollo 15 and one Chang'e-5 sample."""
    from lunarshare.science.services import dataset_release

    from .factories import basalts, make_dataset, upload

    basalts()
    dataset = make_dataset(people.curator, title="Basalt ages")
    upload(people.curator, dataset, "12022,Ar-Ar age,3.18,Ga,0.04,2s,", "12063,Rb-Sr age,3.2,Ga,0.05,2s,",
           "15016,Rb-Sr age,3.29,Ga,0.05,2s,", "CE5C0000YJYX048,Pb-Pb age,2040,Ma,22,2s,SIMS")
    dataset_release(actor=people.curator, dataset=dataset)
