"""Self sign-up through django-allauth: the pages, e-mail verification, password reset, throttling."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from lunarshare.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def link_in(message) -> str:
    return re.search(r"https?://[^\s]+", message.body).group(0)


class TestSignUp:
    def test_the_pages_use_the_site_layout(self, client):
        for name in ["account_login", "account_signup", "account_reset_password"]:
            response = client.get(reverse(name))
            assert response.status_code == 200
            assert b'class="site-header"' in response.content, name
            assert b"<label" in response.content

    def test_a_person_signs_up_and_confirms_the_address(self, client, settings, django_capture_on_commit_callbacks):
        settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
        with django_capture_on_commit_callbacks(execute=True):  # the mail leaves after the commit
            response = client.post(reverse("account_signup"), {
                "email": "new.person@example.org", "username": "newperson",
                "password1": "a-long-lunar-passphrase", "password2": "a-long-lunar-passphrase"}, follow=True)
        assert b'id="verification-sent"' in response.content
        user = User.objects.get(username="newperson")
        assert user.institution is None and not user.role_set
        assert len(mail.outbox) == 1
        confirm_url = link_in(mail.outbox[0])
        response = client.get(confirm_url)
        assert response.status_code == 200
        client.post(confirm_url)
        assert user.emailaddress_set.get().verified

    def test_an_unverified_person_cannot_log_in_when_verification_is_mandatory(self, client, settings):
        settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
        client.post(reverse("account_signup"), {"email": "n@example.org", "username": "n1",
                                                "password1": "a-long-lunar-passphrase", "password2": "a-long-lunar-passphrase"})
        client.logout()
        response = client.post(reverse("account_login"), {"login": "n1", "password": "a-long-lunar-passphrase"}, follow=True)
        assert b'id="verification-sent"' in response.content
        assert "_auth_user_id" not in client.session

    def test_after_logging_in_a_person_without_institution_goes_to_the_affiliation_page(self, client):
        User.objects.create_user("loner", "loner@example.org", "a-long-lunar-passphrase")
        response = client.post(reverse("account_login"), {"login": "loner", "password": "a-long-lunar-passphrase"})
        assert response["Location"] == reverse("accounts:affiliation")


class TestPasswordReset:
    def test_a_person_resets_the_password_by_mail(self, client, people, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):  # the mail leaves after the commit
            client.post(reverse("account_reset_password"), {"email": people.alice.email})
        assert len(mail.outbox) == 1
        response = client.get(link_in(mail.outbox[0]), follow=True)
        form_url = response.redirect_chain[-1][0] if response.redirect_chain else link_in(mail.outbox[0])
        client.post(form_url, {"password1": "another-lunar-passphrase", "password2": "another-lunar-passphrase"})
        people.alice.refresh_from_db()
        assert people.alice.check_password("another-lunar-passphrase")


class TestLoginThrottling:
    def test_it_stops_accepting_attempts_after_repeated_failures(self, client, people):
        for _attempt in range(5):
            response = client.post(reverse("account_login"), {"login": "alice", "password": "wrong"})
            assert response.status_code == 200
        response = client.post(reverse("account_login"), {"login": "alice", "password": "pw-for-tests-1"})
        assert response.status_code in (200, 429)
        assert "_auth_user_id" not in client.session
        assert "Too many failed login attempts" in response.content.decode()
