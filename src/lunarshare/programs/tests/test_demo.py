import io

import pytest

from lunarshare.programs.models import Application, ApplicationStatus, Round, RuleDocument
from lunarshare.programs.selectors import round_results


@pytest.mark.django_db
def test_the_demo_loads_twice_and_replays_the_first_international_round():
    from lunarshare.accounts import demo as accounts_demo
    from lunarshare.programs import demo

    accounts_demo.load(io.StringIO())
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    assert RuleDocument.objects.count() == 2 and Round.objects.count() == 2
    replay = Round.objects.get(code="ce5-international-1")
    results = round_results(replay)
    assert (results.institutions_count, results.countries_count, results.total_mass_ug) == (7, 6, 2_180_000)
    ou = next(a for a in results.awards if a.institution.name_en == "The Open University")
    assert ou.mass_ug == 60_000
    assert replay.results_published_at.date().isoformat() == "2025-04-24"
    assert "illustrative" in replay.results_note_en
    in_progress = Round.objects.get(code="domestic-demo-batch")
    assert set(in_progress.applications.values_list("status", flat=True)) == set(ApplicationStatus.values)
    flagged = Application.objects.get(round=in_progress, title__startswith="Infrared spectra")
    assert any(r.blocks_decision for r in flagged.compliance_results.all())
    assert "not the official text" in RuleDocument.objects.get(slug="lunar-sample-management-measures").versions.get().body_en
