import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def require_2fa(settings):
    settings.LUNARSHARE_REQUIRE_2FA_FOR_STAFF = True


class TestRequireTwoFactorForStaffRoles:
    def test_a_curator_without_totp_is_sent_to_set_it_up(self, client, people, require_2fa):
        client.force_login(people.curator)
        response = client.get("/en/profile/")
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")

    @pytest.mark.parametrize("who", ["officer", "committee"])
    def test_officers_and_committee_members_too(self, client, people, require_2fa, who):
        client.force_login(getattr(people, who))
        assert client.get("/en/profile/")["Location"] == reverse("mfa_activate_totp")

    def test_a_curator_who_logs_in_reaches_the_setup_page_after_confirming_the_password(self, client, people,
                                                                                        require_2fa):
        response = client.post("/en/accounts/login/", {"login": "cura", "password": "pw-for-tests-1"}, follow=True)
        # allauth asks for the password again before any change to the second factor
        reauthenticate_url = response.redirect_chain[-1][0]
        assert reauthenticate_url.startswith(reverse("account_reauthenticate"))
        response = client.post(reauthenticate_url, {"password": "pw-for-tests-1"}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
        assert response.status_code == 200 and b"totp-form" in response.content

    def test_an_applicant_is_not_redirected(self, client, people, require_2fa):
        client.force_login(people.alice)
        assert client.get("/en/profile/").status_code == 200

    def test_a_curator_with_totp_is_not_redirected(self, client, people, require_2fa):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.create(user=people.curator, type=Authenticator.Type.TOTP, data={"secret": "x"})
        client.force_login(people.curator)
        assert client.get("/en/profile/").status_code == 200

    def test_with_the_setting_off_nobody_is_redirected(self, client, people, settings):
        settings.LUNARSHARE_REQUIRE_2FA_FOR_STAFF = False
        client.force_login(people.curator)
        assert client.get("/en/profile/").status_code == 200
