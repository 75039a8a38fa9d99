"""A visitor and a curator use the catalogue in Chromium, clicking through the real pages."""

import re

import pytest
from playwright.sync_api import expect

from lunarshare.catalog.models import Sample
from lunarshare.catalog.services import ChildSpec, sample_split
from lunarshare.testing.factories import MissionFactory, make_sample
from lunarshare.testing.helpers import browser_login


@pytest.fixture
def collection(people):
    ce5 = MissionFactory(code="CE5", name_en="Chang'e-5", name_zh="嫦娥五号")
    make_sample(identifier="10084", mission=MissionFactory(code="A11", name_en="Apollo 11"), type="regolith", mass_ug=3_830_000_000)
    lot = make_sample(identifier="CE5C0400", mission=ce5, type="regolith", mass_ug=10_000_000)
    (powder_lot,) = sample_split(actor=people.curator, parent=lot, children=[ChildSpec(mass_ug=2_000_000, type="powder")])
    sample_split(actor=people.curator, parent=powder_lot, children=[ChildSpec(mass_ug=500_000), ChildSpec(mass_ug=20_000)])
    return lot


def test_a_visitor_filters_the_catalogue_to_change_5_and_opens_a_genealogy(page, collection):
    page.goto(f"{page.base_url}/en/samples/")
    page.get_by_label("Mission").select_option(label="Chang'e-5")
    page.get_by_role("button", name="Filter").click()
    table = page.get_by_role("table")
    expect(table).to_contain_text("CE5C040001")
    expect(table).not_to_contain_text("10084")
    page.get_by_role("link", name="CE5C040001", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sample CE5C040001")
    genealogy = page.get_by_test_id("genealogy")
    expect(genealogy).to_contain_text("CE5C0400")  # the parent
    expect(genealogy).to_contain_text("CE5C04000101")  # the children
    expect(genealogy).to_contain_text("CE5C04000102")


def test_a_curator_splits_a_sample_and_sees_the_children_with_the_mass_conserved(page, people, collection):
    browser_login(page, "cura")
    page.goto(f"{page.base_url}/en/samples/CE5C040001/")
    expect(page.get_by_test_id("mass")).to_have_text("1.48 g")
    page.get_by_role("link", name="Split", exact=True).click()
    page.get_by_label("Mass of child 1 (mg)").fill("250.5")
    page.get_by_label("Type of child 1").select_option("powder")
    page.get_by_label("Mass of child 2 (mg)").fill("100")
    page.get_by_label("Reason").fill("Round 1 allocation")
    page.get_by_role("button", name="Split").click()
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text("split into")
    expect(page).to_have_url(re.compile(r"/en/samples/CE5C040001/$"))
    # 1.48 g − 250.5 mg − 100 mg = 1.1295 g stays with the parent
    expect(page.get_by_test_id("mass")).to_have_text("1.1295 g")
    genealogy = page.get_by_test_id("genealogy")
    expect(genealogy).to_contain_text("CE5C04000103")
    expect(genealogy).to_contain_text("250.5 mg")
    expect(genealogy).to_contain_text("100 mg")
    parent = Sample.objects.get(identifier="CE5C040001")
    assert parent.mass_ug + sum(c.initial_mass_ug for c in parent.children.all()) == parent.initial_mass_ug
