"""The whole demo, across every app: loads, is idempotent, and leaves the invariants intact."""

import pytest
from django.core.management import call_command

from lunarshare.audit.models import Event
from lunarshare.catalog.models import LedgerEntry, Sample

pytestmark = pytest.mark.django_db(transaction=True)


def _counts():
    from django.apps import apps

    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.app_label in {"accounts", "catalog", "programs", "loans", "science", "cooperation"}}


def test_the_demo_loads_once_and_a_second_run_changes_nothing(capsys):
    call_command("demo")
    first = _counts()
    events = Event.objects.count()
    call_command("demo")
    assert _counts() == first
    assert Event.objects.count() == events
    out = capsys.readouterr().out
    assert "moonrock-demo" in out and "curator" in out and "applicant1" in out
    assert first["catalog.Sample"] > 2_000 and first["loans.Loan"] >= 5


def test_after_the_demo_mass_is_conserved_and_the_audit_chain_is_intact(capsys):
    call_command("demo")
    call_command("check_ledger")
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Mass conserved" in out and "Audit chain intact" in out
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.TRANSFER_OUT).exists()  # the state gifts
    assert Sample.objects.filter(mission__code="CE5").exists() and Sample.objects.filter(mission__code="CE6").exists()


def test_the_demo_announces_the_first_international_round_as_published(client):
    call_command("demo")
    from lunarshare.programs.models import Round

    published = Round.objects.filter(results_published_at__isnull=False, kind="international").first()
    results = client.get(f"/api/v1/rounds/{published.pk}/results/").json()
    assert (results["institutions_count"], results["countries_count"], results["total_mass_ug"]) == (7, 6, 2_180_000)


def test_the_demo_shows_from_the_data_that_change5_basalts_are_younger_than_every_apollo_basalt(client):
    call_command("demo")
    body = client.get("/api/v1/compare/", {"missions": "A11,A12,A14,A15,A17,CE5", "property": "age"}).json()
    by_mission = {row["mission"]: row for row in body["missions"]} if isinstance(body.get("missions"), list) else body["missions"]
    apollo_minimum = min(float(by_mission[code]["min"]) for code in ("A11", "A12", "A15", "A17") if by_mission[code]["count"])
    assert by_mission["CE5"]["count"] >= 1
    assert float(by_mission["CE5"]["max"]) < apollo_minimum


def test_the_demo_prints_a_short_summary_with_the_logins_last_and_no_mail(capsys, mailoutbox):
    call_command("demo")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) <= 30, "\n".join(lines)
    assert not any(line.startswith(("Subject:", "Content-Type:")) for line in lines)  # no console e-mail
    assert "notification e-mails" in "\n".join(lines)
    logins = next(i for i, line in enumerate(lines) if line.startswith("Demo logins"))
    assert all(not line.startswith("  ") or line.split()[0] in {"curator", "officer", "reviewer1", "reviewer2",
                                                                 "committee", "applicant1", "applicant2", "auditor",
                                                                 "newcomer"} for line in lines[logins + 1:])
    assert lines[-1].split()[0] == "newcomer"
