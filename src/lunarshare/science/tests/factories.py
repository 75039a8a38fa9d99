"""Factories for science tests: missions with samples, loans with a team, datasets through services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lunarshare.testing.factories import MissionFactory, make_sample

HEADER = "sample,property,value,unit,uncertainty,uncertainty_type,method\n"


def csv_text(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


def basalts():
    """Two Apollo 12 samples, one Apollo 15 and one Chang'e-5 sample."""
    a12, a15, ce5 = MissionFactory(code="A12", name_en="Apollo 12"), MissionFactory(code="A15", name_en="Apollo 15"), \
        MissionFactory(code="CE5")
    return {
        "12022": make_sample(identifier="12022", mission=a12),
        "12063": make_sample(identifier="12063", mission=a12),
        "15016": make_sample(identifier="15016", mission=a15),
        "CE5C0000YJYX048": make_sample(identifier="CE5C0000YJYX048", mission=ce5),
    }


def make_loan(people, *, responsible=None, team=(), received_days_ago: int | None = 30, round_=None):
    """A loan row in use at alice's institution (loans' own services are tested in loans)."""
    from lunarshare.loans.models import Loan

    responsible = responsible or people.alice
    loan = Loan.objects.create(
        borrower_institution=responsible.institution, responsible=responsible, status="in_use",
        due_date=timezone.localdate() + dt.timedelta(days=365),
        received_at=None if received_days_ago is None else timezone.now() - dt.timedelta(days=received_days_ago),
    )
    loan.team.add(responsible, *team)
    return loan


def make_dataset(actor, *, title="TiO2 of mare basalts", loan=None, samples=(), **kwargs):
    from lunarshare.science.services import dataset_create

    return dataset_create(actor=actor, title=title, loan=loan, samples=samples, **kwargs)


def upload(actor, dataset, *rows: str):
    from lunarshare.science.services import measurements_upload

    return measurements_upload(actor=actor, dataset=dataset, content=csv_text(*rows))
