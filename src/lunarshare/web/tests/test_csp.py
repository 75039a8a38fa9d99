"""The strict Content-Security-Policy: every response carries it, and the main pages (and the
API's Swagger UI and Redoc) load in Chromium without a single CSP violation."""

from __future__ import annotations

import pytest

from .browser_world import build_world
from .test_accessibility import main_pages

STRICT = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'self'",
          "frame-ancestors 'none'", "form-action 'self'"]


def test_every_page_gets_the_strict_policy(client, db):
    policy = client.get("/en/")["Content-Security-Policy"]
    assert all(part in policy for part in STRICT) and "unsafe-inline" not in policy
    assert "script-src 'self'" in client.get("/en/no-such-page/")["Content-Security-Policy"]


def test_only_redoc_relaxes_its_styles(client, db):
    policy = client.get("/api/redoc/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self' 'unsafe-inline'" in policy
    assert "unsafe-inline" not in client.get("/api/docs/")["Content-Security-Policy"]


def _watch(page) -> list[str]:
    """Collect CSP violations: the browser's console messages and securitypolicyviolation events."""
    seen: list[str] = []
    page.on("console", lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None)
    page.add_init_script("""document.addEventListener("securitypolicyviolation", (e) => {
        console.error("Content Security Policy violation: " + e.violatedDirective + " " + e.blockedURI);
    });""")
    return seen


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_main_pages_load_without_a_csp_violation(page, language):
    world = build_world()
    seen = _watch(page)
    for what, path in main_pages(world) + [("404", "/no-such-page/")]:
        page.goto(f"{page.base_url}/{language}{path}")
        page.wait_for_load_state("networkidle")
        assert not seen, f"{what}: {seen}"


@pytest.mark.django_db(transaction=True)
def test_the_api_documentation_works_under_the_policy(page):
    seen = _watch(page)
    page.goto(f"{page.base_url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    page.goto(f"{page.base_url}/api/redoc/")
    page.wait_for_selector("[role=search], .api-content", timeout=30_000)
    # Redoc's bundle links its vendor's "powered by" logo on their CDN: the policy refuses that
    # one outside image (as it should; nothing is fetched from the internet); anything else fails.
    assert not [text for text in seen if "cdn.redoc.ly" not in text], seen


@pytest.mark.django_db(transaction=True)
def test_the_check_itself_sees_a_violation(page):
    seen = _watch(page)
    page.goto(f"{page.base_url}/en/")
    page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.x = 1";
                             document.body.appendChild(s); }""")
    page.wait_for_timeout(300)
    assert seen
