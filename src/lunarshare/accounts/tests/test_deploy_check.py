"""`lunarshare check --deploy` passes with the production settings documented in docs/operations.md."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

PRODUCTION = {
    "DEBUG": False,
    "SECRET_KEY": "q8Zr3vX1mN7pL0sT5wY2uB9cE4gH6jK8aD3fQ1zR7tV5xN2mP0lS4oU6iW8yC1eG",
    "ALLOWED_HOSTS": ["lunarshare.example.org"],
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "ACCOUNT_EMAIL_VERIFICATION": "mandatory",
}


@pytest.fixture(autouse=True)
def _no_async_unsafe(monkeypatch):
    # The test suite sets it for Playwright (see conftest); production never does.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def deploy_check():
    call_command("check", "--deploy", "--fail-level", "WARNING")


class TestDeployCheck:
    def test_it_passes_with_production_settings(self, db):
        with override_settings(**PRODUCTION):
            deploy_check()

    @pytest.mark.parametrize("override, message", [
        ({"SECRET_KEY": "django-insecure-lunarshare-development-key-change-me-in-production-0123456789"}, "security.W009"),
        ({"SECURE_HSTS_SECONDS": 0}, "security.W004"),
        ({"SECURE_SSL_REDIRECT": False}, "security.W008"),
        ({"SESSION_COOKIE_SECURE": False}, "security.W012"),
        ({"DEBUG": True}, "security.W018"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "accounts.W001"),
        ({"ACCOUNT_EMAIL_VERIFICATION": "optional"}, "accounts.W002"),
    ])
    def test_it_fails_when_a_production_setting_is_missing(self, db, override, message):
        with override_settings(**{**PRODUCTION, **override}), pytest.raises(SystemCheckError, match=message):
            deploy_check()

    def test_the_development_fallback_key_is_flagged(self):
        from lunarshare import settings as project_settings

        if not project_settings.os.environ.get("SECRET_KEY"):
            assert project_settings.SECRET_KEY.startswith("django-insecure-")
