import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The people fixture hashes seven passwords; the default hasher makes that seconds per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
