import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The ``people`` fixture creates seven users; PBKDF2 would dominate the catalogue tests' time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
