import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Factory users get a password each; the production hasher is slow by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
