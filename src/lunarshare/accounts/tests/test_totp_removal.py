"""Removing the authenticator app kills the API tokens that were issued with a code."""

import time

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from lunarshare.accounts.models import ApiToken
from lunarshare.audit.models import Event
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


def signed_in_recently(client, user):
    """Reauthenticated just now (allauth asks for it before an authenticator is removed)."""
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "reauthenticated": True, "username": user.username}]
    session[AUTHENTICATION_METHODS_SESSION_KEY + "_user"] = str(user.pk)
    session.save()


class TestRemovingTOTP:
    def test_tokens_issued_with_a_code_die_and_the_others_stay(self, client, people):
        TOTP.activate(people.alice, generate_totp_secret())
        with_code = ApiToken.objects.create(user=people.alice, name="with code", second_factor=True)[0]
        without = ApiToken.objects.create(user=people.alice, name="before 2fa", second_factor=False)[0]
        bobs = ApiToken.objects.create(user=people.bob, name="bob", second_factor=True)[0]
        signed_in_recently(client, people.alice)
        response = client.post(reverse("mfa_deactivate_totp"))
        assert response.status_code == 302
        assert not Authenticator.objects.filter(user=people.alice, type="totp").exists()
        assert set(ApiToken.objects.values_list("pk", flat=True)) == {without.pk, bobs.pk}
        event = last_event("user.tokens_revoked")
        assert event.actor == people.alice and event.subject_id == str(people.alice.pk)
        assert event.data == {"tokens": [with_code.pk], "reason": "second_factor_removed"}

    def test_nothing_is_audited_when_no_token_relied_on_the_code(self, client, people):
        TOTP.activate(people.alice, generate_totp_secret())
        ApiToken.objects.create(user=people.alice, name="before 2fa", second_factor=False)
        signed_in_recently(client, people.alice)
        client.post(reverse("mfa_deactivate_totp"))
        assert ApiToken.objects.filter(user=people.alice).count() == 1
        assert not Event.objects.filter(verb="lunarshare.user.tokens_revoked").exists()

    def test_without_reauthentication_nothing_changes(self, client, people):
        TOTP.activate(people.alice, generate_totp_secret())
        ApiToken.objects.create(user=people.alice, name="with code", second_factor=True)
        client.force_login(people.alice)
        client.post(reverse("mfa_deactivate_totp"))
        assert ApiToken.objects.filter(user=people.alice).exists()
        assert Authenticator.objects.filter(user=people.alice, type="totp").exists()
