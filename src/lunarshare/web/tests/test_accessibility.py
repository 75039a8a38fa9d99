"""axe-core (served from our own static files) finds no serious or critical violation on the
main public pages, in English and in Chinese.

The pages are listed explicitly: a page that stops resolving makes the test fail, it is never
skipped. axe runs the WCAG 2.0/2.1 A and AA rules (contrast, labels, names, landmarks, ...).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from .browser_world import build_world

AXE = Path(__file__).resolve().parents[1] / "static" / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def main_pages(world) -> list[tuple[str, str]]:
    """(what, path without the language prefix) for every main public page."""
    pages = [
        ("home", "web:home", ()),
        ("catalogue", "catalog:sample-list", ()),
        ("sample page", "catalog:sample-detail", (world.sample.identifier,)),
        ("missions", "catalog:mission-list", ()),
        ("mission Chang'e-5", "catalog:mission-detail", (world.ce5.code,)),
        ("statistics", "insights:dashboard", ()),
        ("cooperation", "cooperation:home", ()),
        ("payloads", "cooperation:payload-list", ()),
        ("payload DORN", "cooperation:payload-detail", (world.payload.pk,)),
        ("partners", "cooperation:partner-list", ()),
        ("agreements", "cooperation:agreement-list", ()),
        ("sample gifts", "cooperation:gift-list", ()),
        ("rules", "programs:rule-list", ()),
        ("rounds", "programs:round-list", ()),
        ("announced results", "programs:results-list", ()),
        ("compare", "science:compare", ()),
        ("datasets", "science:dataset-list", ()),
        ("publications", "science:publication-list", ()),
        ("log in", "account_login", ()),
        ("sign up", "account_signup", ()),
    ]
    result = []
    with translation.override("en"):
        for what, name, args in pages:
            path = reverse(name, args=args)  # /en/...: raises if a page disappeared
            result.append((what, path.removeprefix("/en")))
    return result


def _violations(page) -> list[dict]:
    page.add_script_tag(url=f"{page.base_url}/static/vendor/axe.min.js")  # a file of ours: the CSP allows it
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations
              .filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => ({id: v.id, impact: v.impact, help: v.help,
                          nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }""",
        TAGS,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_main_pages_have_no_serious_accessibility_violations(page, language):
    world = build_world()
    found = {}
    for what, path in main_pages(world):
        response = page.goto(f"{page.base_url}/{language}{path}")
        assert response.status == 200, f"{what}: HTTP {response.status}"
        assert page.locator("html").get_attribute("lang") == language
        violations = _violations(page)
        if violations:
            found[f"{what} ({path})"] = violations
    assert not found, "axe found serious or critical violations:\n" + "\n".join(
        f"{where}: {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for where, vs in found.items() for v in vs
    )


@pytest.mark.django_db(transaction=True)
def test_the_pages_of_a_signed_in_applicant_have_no_serious_accessibility_violations(page, people):
    from lunarshare.testing.helpers import browser_login

    build_world()
    browser_login(page, "alice")
    found = {}
    for name in ("web:home", "accounts:profile", "accounts:notifications", "programs:my-applications",
                 "loans:my-loans"):
        with translation.override("en"):
            path = reverse(name)
        response = page.goto(f"{page.base_url}{path}")
        assert response.status == 200, f"{name}: HTTP {response.status}"
        violations = _violations(page)
        if violations:
            found[path] = violations
    assert not found, found


def test_a_keyboard_user_can_skip_to_the_content_and_sees_where_the_focus_is(page):
    page.goto(f"{page.base_url}/en/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()  # visible once focused
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_the_check_itself_finds_a_violation_when_there_is_one(page):
    """Proof the harness works: an unlabelled field and an image without text are reported."""
    page.goto(f"{page.base_url}/en/")
    page.evaluate("""() => {
        const main = document.getElementById("main");
        main.insertAdjacentHTML("beforeend", '<img src="/static/web/favicon.svg"><input type="text">');
    }""")
    ids = {v["id"] for v in _violations(page)}
    assert {"image-alt", "label"} <= ids
