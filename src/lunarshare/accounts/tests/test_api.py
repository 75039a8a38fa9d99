import pytest
from django.core.cache import cache

from lunarshare.accounts.models import ApiToken
from lunarshare.testing.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


class TestTokenLogin:
    def test_good_credentials_give_a_token_that_authenticates(self, people, api_client):
        response = api_client.post(TOKEN_URL, {"username": "alice", "password": "pw-for-tests-1"}, format="json")
        assert response.status_code == 200
        token = response.json()["token"]
        assert ApiToken.objects.get().user == people.alice
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api_client.get("/api/v1/me/").json()["username"] == "alice"

    def test_asking_twice_gives_two_tokens_that_both_work(self, people, api_client):
        first = api_client.post(TOKEN_URL, {"username": "alice", "password": "pw-for-tests-1"}, format="json").json()
        second = api_client.post(TOKEN_URL, {"username": "alice", "password": "pw-for-tests-1"}, format="json").json()
        assert first["token"] != second["token"] and ApiToken.objects.filter(user=people.alice).count() == 2
        for key in (first["token"], second["token"]):
            api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            assert api_client.get("/api/v1/me/").status_code == 200

    def test_bad_credentials_are_a_400_with_a_message(self, people, api_client):
        response = api_client.post(TOKEN_URL, {"username": "alice", "password": "nope"}, format="json")
        assert response.status_code == 400
        assert response.json() == {"message": "The username or password is wrong.", "code": "bad_credentials", "extra": {}}
        assert not ApiToken.objects.exists()

    @pytest.mark.parametrize("body", [{}, {"username": "alice"}, {"username": ["a"], "password": 5}, "[1,2]"])
    def test_malformed_input_is_a_400(self, people, api_client, body):
        response = api_client.post(TOKEN_URL, body, format="json")
        assert response.status_code == 400 and response.json()["message"]

    def test_malformed_json_is_a_400(self, api_client, db):
        response = api_client.post(TOKEN_URL, "{not json", content_type="application/json")
        assert response.status_code == 400 and "message" in response.json()

    def test_an_inactive_user_gets_no_token(self, people, api_client):
        people.bob.is_active = False
        people.bob.save()
        response = api_client.post(TOKEN_URL, {"username": "bob", "password": "pw-for-tests-1"}, format="json")
        assert response.status_code == 400 and not ApiToken.objects.exists()

    def test_an_unverified_address_gets_no_token_when_verification_is_mandatory(self, people, api_client, settings):
        settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
        response = api_client.post(TOKEN_URL, {"username": "alice", "password": "pw-for-tests-1"}, format="json")
        assert response.status_code == 403 and response.json()["code"] == "email_unverified"

    def test_after_ten_failures_from_one_address_even_the_right_password_waits(self, people, api_client):
        for attempt in range(10):
            api_client.post(TOKEN_URL, {"username": f"user{attempt}", "password": "guess"}, format="json")
        response = api_client.post(TOKEN_URL, {"username": "alice", "password": "pw-for-tests-1"}, format="json")
        assert response.status_code == 429
        assert response.json()["code"] == "throttled" and "Too many failed attempts" in response.json()["message"]
        assert not ApiToken.objects.exists()

    def test_successful_logins_are_not_slowed_down(self, people, api_client):
        for _attempt in range(15):
            response = api_client.post(TOKEN_URL, {"username": "alice", "password": "pw-for-tests-1"}, format="json")
            assert response.status_code == 200

    def test_the_request_rate_per_address_is_capped(self, people, api_client):
        for _attempt in range(60):
            api_client.post(TOKEN_URL, {"username": "alice", "password": "pw-for-tests-1"}, format="json")
        assert api_client.post(TOKEN_URL, {"username": "alice", "password": "pw-for-tests-1"},
                               format="json").status_code == 429


class TestInstitutions:
    def test_anyone_lists_confirmed_institutions(self, people, api_as):
        InstitutionFactory(name_en="Demo Proposed Institute", confirmed=False)
        response = api_as(None).get("/api/v1/institutions/")
        assert response.status_code == 200
        body = response.json()
        names = [row["name_en"] for row in body["results"]]
        assert "University of Cologne" in names and "Demo Proposed Institute" not in names
        assert body["count"] == 3
        row = next(r for r in body["results"] if r["name_en"] == "University of Cologne")
        assert row["country"] == "DE" and row["country_name"] == "Germany" and row["kind"] == "university"

    def test_it_filters_by_country_kind_and_search(self, people, api_as):
        client = api_as(None)
        assert [r["name_en"] for r in client.get("/api/v1/institutions/?country=us").json()["results"]] == [
            "Stony Brook University"]
        assert {r["name_en"] for r in client.get("/api/v1/institutions/?kind=university").json()["results"]} == {
            "University of Cologne", "Stony Brook University"}
        assert [r["name_en"] for r in client.get("/api/v1/institutions/?search=cologne").json()["results"]] == [
            "University of Cologne"]

    def test_it_finds_an_institution_by_ror_id(self, people, api_as):
        people.naoc.ror_id = "0abcdef23"
        people.naoc.save()
        results = api_as(None).get("/api/v1/institutions/?search=https://ror.org/0abcdef23").json()["results"]
        assert [(r["name_en"], r["ror"]) for r in results] == [("NAOC", "https://ror.org/0abcdef23")]

    @pytest.mark.parametrize("query", ["country=XX", "kind=castle", "country=Germany"])
    def test_bad_filters_are_a_400(self, people, api_as, query):
        response = api_as(None).get(f"/api/v1/institutions/?{query}")
        assert response.status_code == 400 and response.json()["message"]

    def test_one_institution(self, people, api_as):
        assert api_as(None).get(f"/api/v1/institutions/{people.stony.pk}/").json()["name_en"] == "Stony Brook University"
        assert api_as(None).get("/api/v1/institutions/999999/").status_code == 404


class TestMe:
    def test_anonymous_callers_are_refused(self, api_as, db):
        response = api_as(None).get("/api/v1/me/")
        assert response.status_code in (401, 403) and response.json()["message"]

    def test_it_describes_the_current_user(self, people, api_as):
        body = api_as(people.alice).get("/api/v1/me/").json()
        assert body["username"] == "alice" and body["roles"] == ["applicant"] and body["can_apply"] is True
        assert body["institution"]["name_en"] == "University of Cologne" and body["institution"]["country"] == "DE"

    def test_a_newcomer_has_no_institution_and_may_not_apply(self, api_as):
        newcomer = UserFactory(institution=None, roles=[])
        body = api_as(newcomer).get("/api/v1/me/").json()
        assert body["institution"] is None and body["roles"] == [] and body["can_apply"] is False

    def test_it_shows_several_roles(self, people, api_as):
        from lunarshare.accounts.services import role_grant

        role_grant(actor=people.officer, user=people.curator, role="reviewer")
        assert api_as(people.curator).get("/api/v1/me/").json()["roles"] == ["curator", "reviewer"]

    def test_it_is_read_only(self, people, api_as):
        assert api_as(people.alice).post("/api/v1/me/", {}).status_code == 405


class TestTokenLoginPerUsernameThrottle:
    def test_guesses_from_many_addresses_at_one_account_are_throttled(self, people, api_client):
        for attempt in range(5):
            api_client.post(TOKEN_URL, {"username": "Alice", "password": "guess"}, format="json",
                            REMOTE_ADDR=f"198.51.100.{attempt}")
        response = api_client.post(TOKEN_URL, {"username": "alice", "password": "pw-for-tests-1"}, format="json",
                                   REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 429
        other = api_client.post(TOKEN_URL, {"username": "bob", "password": "pw-for-tests-1"}, format="json",
                                REMOTE_ADDR="203.0.113.10")
        assert other.status_code == 200
