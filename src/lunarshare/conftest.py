"""Fixtures for every app: two tenants (alice and bob at different institutions), one user per
staff role, API clients, and a Chromium driven by Playwright for browser tests."""

from __future__ import annotations

import os
import shutil
from types import SimpleNamespace

import pytest

from lunarshare.testing.helpers import last_event

# Playwright's sync API keeps an event loop on the test thread; Django would then refuse ORM
# calls made by the test itself. The live server runs in its own thread and is unaffected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    # Hashing is not under test; PBKDF2's deliberate slowness would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test starts its audit chain at 0, so kept public pages would leak between tests
    # (ops/tests/test_httpcache.py turns the page cache on where it is under test).
    settings.LUNARSHARE_PAGE_CACHE_SECONDS = 0
    # The same goes for everything else kept under a key made of the chain head (statistics).
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in the default language: a request to /zh-hans/ made with the
    test client leaves Chinese active in the test thread (LocaleMiddleware does not reset it),
    which would otherwise leak into the next test's messages and reversed URLs."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def people(db):
    """alice and bob apply from two institutions in two countries; one user per staff role."""
    from lunarshare.accounts.models import Role
    from lunarshare.testing.factories import InstitutionFactory, UserFactory

    cologne = InstitutionFactory(name_en="University of Cologne", country="DE", kind="university")
    stony = InstitutionFactory(name_en="Stony Brook University", country="US", kind="university")
    naoc = InstitutionFactory(name_en="NAOC", country="CN")
    return SimpleNamespace(
        cologne=cologne, stony=stony, naoc=naoc,
        alice=UserFactory(username="alice", institution=cologne, roles=[Role.APPLICANT]),
        bob=UserFactory(username="bob", institution=stony, roles=[Role.APPLICANT]),
        curator=UserFactory(username="cura", institution=naoc, roles=[Role.CURATOR]),
        officer=UserFactory(username="offi", institution=naoc, roles=[Role.OFFICER]),
        reviewer=UserFactory(username="revi", institution=naoc, roles=[Role.REVIEWER]),
        committee=UserFactory(username="comm", institution=naoc, roles=[Role.COMMITTEE]),
        auditor=UserFactory(username="audi", institution=naoc, roles=[Role.AUDITOR]),
    )


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def api_as(db):
    """``api_as(user)`` → an APIClient authenticated as ``user`` (``None``: anonymous)."""
    from rest_framework.test import APIClient

    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def audit_event():
    return last_event


# --- Browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is required for browser tests and was not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
    )
    yield browser
    browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page; ``page.goto(live_server.url + "/en/")``."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def pytest_collection_modifyitems(config, items):
    """Browser tests are marked automatically (any test using the ``page`` fixture)."""
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def postgres_only(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL; this runs in the PostgreSQL pass of make test")


_skipped_browser_tests: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and "browser" in report.keywords:
        _skipped_browser_tests.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """A skipped browser test is a failure: the journeys they prove must run everywhere."""
    if _skipped_browser_tests:
        print("\nBrowser tests were skipped (this fails the run):\n  " + "\n  ".join(_skipped_browser_tests))
        session.exitstatus = 1
