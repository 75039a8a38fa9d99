"""Issue 10: second factor on the API, throttles keyed on the real client, tokens people manage."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.core.management import call_command

from lunarshare.accounts.models import ApiToken, Role
from lunarshare.accounts.services import role_revoke, user_deactivate
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def totp_for(user):
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    import time

    return lambda: format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def get_token(client, username, **extra):
    """``otp``/``name`` go in the body; ``HTTP_*``/``REMOTE_ADDR`` are request headers."""
    meta = {key: extra.pop(key) for key in list(extra) if key.startswith(("HTTP_", "REMOTE_"))}
    return client.post(TOKEN_URL, {"username": username, "password": PASSWORD, **extra}, format="json", **meta)


def reweigh_like_call(client, token):
    """A call that needs a signed-in person: who am I."""
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/me/")


class TestSecondFactorOnTheTokenEndpoint:
    def test_a_user_with_totp_gets_no_token_with_the_password_alone(self, people, api_client):
        totp_for(people.curator)
        response = get_token(api_client, "cura")
        assert response.status_code == 403 and response.json()["code"] == "otp_required"
        assert "otp" in response.json()["message"] and not ApiToken.objects.exists()

    def test_a_wrong_code_is_refused(self, people, api_client):
        totp_for(people.curator)
        response = get_token(api_client, "cura", otp="000000")
        assert response.status_code == 403 and response.json()["code"] == "otp_invalid"
        assert not ApiToken.objects.exists()

    def test_a_valid_code_gives_a_token_that_works(self, people, api_client):
        code = totp_for(people.curator)
        response = get_token(api_client, "cura", otp=code())
        assert response.status_code == 200
        assert reweigh_like_call(api_client, response.json()["token"]).json()["username"] == "cura"

    def test_a_code_is_used_only_once(self, people, api_client):
        code = totp_for(people.curator)()
        assert get_token(api_client, "cura", otp=code).status_code == 200
        assert get_token(api_client, "cura", otp=code).json()["code"] == "otp_invalid"

    def test_an_unused_recovery_code_works_once(self, people, api_client):
        totp_for(people.curator)
        recovery = RecoveryCodes.activate(people.curator).generate_codes()[0]
        assert get_token(api_client, "cura", otp=recovery).status_code == 200
        assert get_token(api_client, "cura", otp=recovery).json()["code"] == "otp_invalid"

    def test_staff_who_must_use_2fa_get_no_token_before_setting_it_up(self, people, api_client, settings):
        settings.LUNARSHARE_REQUIRE_2FA_FOR_STAFF = True
        response = get_token(api_client, "cura")
        assert response.status_code == 403 and response.json()["code"] == "mfa_setup_required"
        assert get_token(api_client, "alice").status_code == 200  # applicants are not staff

    def test_a_token_of_staff_who_lack_2fa_is_refused_once_the_rule_is_on(self, people, api_client, settings):
        token = get_token(api_client, "cura").json()["token"]
        settings.LUNARSHARE_REQUIRE_2FA_FOR_STAFF = True
        response = reweigh_like_call(api_client, token)
        assert response.status_code == 403 and response.json()["code"] == "mfa_setup_required"

    def test_a_token_issued_before_totp_was_set_up_stops_working(self, people, api_client):
        token = get_token(api_client, "cura").json()["token"]
        totp_for(people.curator)
        assert reweigh_like_call(api_client, token).json()["code"] == "token_without_second_factor"


class TestTheIssueScenario:
    """A curator with TOTP could get a token with the password alone and reweigh samples."""

    def _sample(self):
        from lunarshare.testing.factories import make_sample

        return make_sample(identifier="CE5C0400", mass_ug=10_000)

    def test_a_password_only_token_of_a_totp_curator_cannot_reweigh(self, people, api_client):
        sample = self._sample()
        totp_for(people.curator)
        assert get_token(api_client, "cura").status_code == 403
        sample.refresh_from_db()
        assert sample.mass_ug == 10_000

    def test_the_token_with_the_code_reweighs(self, people, api_client):
        self._sample()
        code = totp_for(people.curator)
        key = get_token(api_client, "cura", otp=code()).json()["token"]
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = api_client.post("/api/v1/samples/CE5C0400/reweigh/", {"measured_mass_ug": 9_990, "reason": "recal"},
                                   format="json")
        assert response.status_code == 200 and response.json()["mass_ug"] == 9_990

    def test_a_password_only_staff_session_cannot_reweigh_through_the_api(self, people, client, settings):
        sample = self._sample()
        settings.LUNARSHARE_REQUIRE_2FA_FOR_STAFF = True
        client.force_login(people.curator)
        response = client.post("/api/v1/samples/CE5C0400/reweigh/", {"measured_mass_ug": 1, "reason": "x"},
                               content_type="application/json")
        assert response.status_code == 403 and response.json()["code"] == "mfa_setup_required"
        sample.refresh_from_db()
        assert sample.mass_ug == 10_000


class TestSecondFactorOnSessionApiCalls:
    def test_a_password_only_staff_session_cannot_post_to_the_api(self, people, client, settings):
        settings.LUNARSHARE_REQUIRE_2FA_FOR_STAFF = True
        client.force_login(people.curator)
        response = client.post("/api/v1/auth/tokens/", {"name": "x"}, content_type="application/json")
        assert response.status_code == 403 and response.json()["code"] == "mfa_setup_required"
        assert "two-factor" in response.json()["message"] and not ApiToken.objects.exists()
        assert client.get("/api/v1/me/").status_code == 403

    def test_the_refusal_is_translated(self, people, client, settings):
        settings.LUNARSHARE_REQUIRE_2FA_FOR_STAFF = True
        client.force_login(people.curator)
        response = client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 403 and "双重" in response.json()["message"]

    def test_an_applicant_session_still_reaches_the_api(self, people, client, settings):
        settings.LUNARSHARE_REQUIRE_2FA_FOR_STAFF = True
        client.force_login(people.alice)
        assert client.get("/api/v1/me/").status_code == 200


class TestThrottlesKeyOnTheRealClient:
    def test_a_fresh_forwarded_for_header_does_not_escape_the_lockout(self, people, api_client):
        for attempt in range(10):
            api_client.post(TOKEN_URL, {"username": f"nobody{attempt}", "password": "guess"}, format="json",
                            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
        response = get_token(api_client, "alice", HTTP_X_FORWARDED_FOR="192.0.2.200")
        assert response.status_code == 429

    def test_a_fresh_forwarded_for_header_does_not_escape_the_rate_limit(self, people, api_client):
        for attempt in range(60):
            get_token(api_client, "alice", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
        assert get_token(api_client, "alice", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429

    def test_with_one_trusted_proxy_the_address_it_saw_counts(self, people, api_client, settings):
        from django.test import RequestFactory

        from lunarshare.accounts.security import client_ip

        settings.LUNARSHARE_TRUSTED_PROXIES = 1
        request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5", REMOTE_ADDR="10.0.0.1")
        assert client_ip(request) == "203.0.113.5"
        settings.LUNARSHARE_TRUSTED_PROXIES = 0
        assert client_ip(request) == "10.0.0.1"

    def test_allauth_uses_the_same_address(self, people, settings):
        from allauth.account.adapter import get_adapter
        from django.test import RequestFactory

        request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.0.0.1")
        assert get_adapter().get_client_ip(request) == "10.0.0.1"
        assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.LUNARSHARE_TRUSTED_PROXIES
        assert settings.REST_FRAMEWORK["NUM_PROXIES"] == settings.LUNARSHARE_TRUSTED_PROXIES

    def test_username_and_email_count_against_one_account(self, people, api_client):
        for attempt in range(5):
            login = "alice" if attempt % 2 else people.alice.email.upper()
            api_client.post(TOKEN_URL, {"username": login, "password": "guess"}, format="json",
                            REMOTE_ADDR=f"198.51.100.{attempt}")
        response = get_token(api_client, "alice", REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 429
        assert get_token(api_client, "bob", REMOTE_ADDR="203.0.113.10").status_code == 200


class TestTheWebLoginLockoutCountsPerAccount:
    def test_alternating_username_and_email_on_the_login_form_locks_the_account(self, people, client):
        for attempt in range(5):
            login = "alice" if attempt % 2 else people.alice.email.upper()
            client.post("/en/accounts/login/", {"login": login, "password": "guess"}, REMOTE_ADDR=f"198.51.100.{attempt}")
        response = client.post("/en/accounts/login/", {"login": "alice", "password": PASSWORD},
                               REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 200 and "_auth_user_id" not in client.session
        assert "Too many failed login attempts" in response.content.decode()
        other = client.post("/en/accounts/login/", {"login": "bob", "password": PASSWORD}, REMOTE_ADDR="203.0.113.10")
        assert other.status_code == 302


class TestTokensPeopleManage:
    def test_the_key_is_stored_only_as_a_digest_and_expires_after_the_setting(self, people, api_client, settings):
        response = get_token(api_client, "alice", name="laptop")
        key = response.json()["token"]
        token = ApiToken.objects.get(user=people.alice)
        assert key not in (token.digest, token.token_key) and len(token.digest) == 128
        assert token.name == "laptop" and abs((token.expiry - token.created) - timedelta(days=30)) < timedelta(minutes=1)
        event = last_event("user.token_created")
        assert event.actor == people.alice and key not in str(event.data) and event.data["name"] == "laptop"

    def test_several_tokens_are_listed_without_keys_and_one_is_revoked(self, people, api_client):
        first = get_token(api_client, "alice", name="laptop").json()["token"]
        second = get_token(api_client, "alice", name="cluster").json()["token"]
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
        listed = api_client.get("/api/v1/auth/tokens/").json()
        assert sorted(row["name"] for row in listed) == ["cluster", "laptop"]
        assert first not in str(listed) and second not in str(listed)
        cluster = next(row for row in listed if row["name"] == "cluster")
        assert api_client.delete(f"/api/v1/auth/tokens/{cluster['id']}/").status_code == 204
        assert last_event("user.token_revoked").data == {"token": cluster["id"], "name": "cluster"}
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
        assert api_client.get("/api/v1/me/").status_code == 401

    def test_nobody_revokes_someone_elses_token_through_the_api(self, people, api_client, api_as):
        get_token(api_client, "alice")
        token = ApiToken.objects.get(user=people.alice)
        assert api_as(people.bob).delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 404
        assert ApiToken.objects.filter(pk=token.pk).exists()

    def test_a_token_cannot_mint_tokens(self, people, api_client):
        key = get_token(api_client, "alice").json()["token"]
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = api_client.post("/api/v1/auth/tokens/", {"name": "more"}, format="json")
        assert response.status_code == 403 and response.json()["code"] == "session_required"

    def test_a_password_change_kills_every_token(self, people, api_client, client):
        key = get_token(api_client, "alice").json()["token"]
        client.force_login(people.alice)
        response = client.post("/en/accounts/password/change/", {
            "oldpassword": PASSWORD, "password1": "a-new-pw-for-tests-2", "password2": "a-new-pw-for-tests-2"})
        assert response.status_code == 302
        assert not ApiToken.objects.filter(user=people.alice).exists()
        assert last_event("user.tokens_revoked").data["reason"] == "password_changed"
        assert reweigh_like_call(api_client, key).status_code == 401

    def test_a_password_set_outside_allauth_also_kills_the_token(self, people, api_client):
        key = get_token(api_client, "alice").json()["token"]
        people.alice.set_password("changed-in-the-admin-3")
        people.alice.save()
        assert reweigh_like_call(api_client, key).status_code == 401

    def test_deactivation_kills_every_token(self, people, api_client):
        key = get_token(api_client, "alice").json()["token"]
        user_deactivate(actor=people.officer, user=people.alice, reason="left the institute")
        assert not ApiToken.objects.filter(user=people.alice).exists()
        assert last_event("user.deactivated").actor == people.officer
        assert reweigh_like_call(api_client, key).status_code == 401

    def test_losing_a_role_kills_every_token_and_the_session_loses_the_power(self, people, api_client, client):
        key = get_token(api_client, "cura").json()["token"]
        client.force_login(people.curator)
        assert client.get("/api/v1/me/").json()["roles"] == ["curator"]
        role_revoke(actor=people.officer, user=people.curator, role=Role.CURATOR)
        assert client.get("/api/v1/me/").json()["roles"] == []
        assert reweigh_like_call(api_client, key).status_code == 401
        assert last_event("user.tokens_revoked").data["reason"] == "role_revoked"

    def test_an_expired_token_is_refused(self, people, api_client):
        key = get_token(api_client, "alice").json()["token"]
        ApiToken.objects.filter(user=people.alice).update(expiry="2000-01-01T00:00:00Z")
        assert reweigh_like_call(api_client, key).status_code == 401


class TestAdduserAccountsGetTokens:
    def test_an_account_made_by_adduser_without_email_gets_a_token(self, api_client, monkeypatch, settings):
        settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
        monkeypatch.setenv("LUNARSHARE_PASSWORD", PASSWORD)
        call_command("adduser", "operator1", "--role", "applicant")
        response = get_token(api_client, "operator1")
        assert response.status_code == 200 and response.json()["token"]


class TestTheProfilePageManagesTokens:
    def test_a_token_is_made_shown_once_listed_and_revoked(self, people, client, api_client):
        client.force_login(people.alice)
        made = client.post("/en/profile/tokens/", {"name": "lab laptop"})
        page = made.content.decode()
        token = ApiToken.objects.get(user=people.alice)
        key = page.split('id="token-key" type="text" readonly value="')[1].split('"')[0]
        assert "shown only this once" in page and len(key) == 64
        assert reweigh_like_call(api_client, key).json()["username"] == "alice"
        profile = client.get("/en/profile/").content.decode()
        assert "lab laptop" in profile and key not in profile and "Revoke" in profile
        client.post(f"/en/profile/tokens/{token.pk}/revoke/", follow=True)
        assert not ApiToken.objects.exists()
        assert reweigh_like_call(api_client, key).status_code == 401

    def test_the_token_list_reads_in_chinese(self, people, client):
        client.force_login(people.alice)
        client.post("/zh-hans/profile/tokens/", {"name": "集群"})
        page = client.get("/zh-hans/profile/").content.decode()
        assert "API 令牌" in page and "集群" in page and "撤销" in page

    def test_a_nameless_token_is_refused_with_a_message(self, people, client):
        client.force_login(people.alice)
        response = client.post("/en/profile/tokens/", {"name": ""}, follow=True)
        assert "Give the token a name" in response.content.decode() and not ApiToken.objects.exists()

    def test_nobody_revokes_someone_elses_token_on_the_page(self, people, client):
        client.force_login(people.alice)
        client.post("/en/profile/tokens/", {"name": "mine"})
        client.force_login(people.bob)
        token = ApiToken.objects.get()
        assert client.post(f"/en/profile/tokens/{token.pk}/revoke/").status_code == 404
        assert ApiToken.objects.exists()

    def test_last_use_is_recorded(self, people, api_client):
        key = get_token(api_client, "alice").json()["token"]
        assert ApiToken.objects.get().last_used_at is None
        reweigh_like_call(api_client, key)
        assert ApiToken.objects.get().last_used_at is not None


class TestThePlainTextTokensAreMigratedAway:
    def test_the_old_table_and_its_keys_are_dropped(self, db):
        import importlib

        from django.db import connection

        migration = importlib.import_module("lunarshare.accounts.migrations.0004_drop_plaintext_and_unused_token_tables")
        with connection.cursor() as cursor:
            # what the migration needs of a schema editor (SQLite's refuses to open inside a test transaction)
            editor = SimpleNamespace(connection=connection, execute=cursor.execute, quote_name=connection.ops.quote_name)
            cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer)")
            cursor.execute("INSERT INTO authtoken_token VALUES ('1d061c99a91e8fa86801b27cef9e8fc55a53e6cf', 1)")
            migration.drop_plaintext_tokens(None, editor)
        assert "authtoken_token" not in connection.introspection.table_names()
