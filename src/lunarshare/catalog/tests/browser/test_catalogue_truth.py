"""The catalogue tells the truth about the demo collection: the Chang'e-5 basalt clasts are found
as basalt (CE5C0000YJYX048 is a basalt clast in the shared data), and literature records are
marked as such, never as available, in both languages."""

import io

import pytest
from django.core.management import call_command

from lunarshare.catalog.models import Sample
from lunarshare.catalog.selectors import sample_search

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_ce5_basalt_filter_finds_the_real_clasts_and_literature_records_are_not_available(page):
    call_command("demo", stdout=io.StringIO())
    found = {s.identifier: s for s in sample_search(mission="CE5", type="basalt")}
    assert "CE5C0000YJYX048" in found and found["CE5C0000YJYX048"].mass_ug == 17_600
    clasts = [i for i in found if not i.startswith("CE5-LIT-")]
    assert len(clasts) >= 6
    literature = Sample.objects.filter(identifier__contains="-LIT-")
    assert literature.exists() and set(literature.values_list("status", flat=True)) == {"literature"}
    assert not sample_search(mission="CE5", status="available").filter(identifier__contains="-LIT-").exists()

    for language, available, reference in (("en", "Available", "Literature reference"), ("zh-hans", "可借用", "文献记录")):
        page.goto(f"{page.base_url}/{language}/samples/?mission=CE5&type=basalt")
        rows = page.locator("table tbody tr")
        row = rows.filter(has=page.get_by_role("link", name="CE5C0000YJYX048", exact=True))
        assert row.locator(".badge").inner_text() == available
        basalt_records = [i for i in found if i.startswith("CE5-LIT-")]
        assert basalt_records
        for lit in basalt_records:
            badge = rows.filter(has=page.get_by_role("link", name=lit, exact=True)).locator(".badge")
            assert badge.inner_text() == reference
        page.goto(f"{page.base_url}/{language}/samples/{literature.first().identifier}/")
        assert page.locator(".facts .badge").inner_text() == reference
