import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lunarshare.accounts.models import Role, User
from lunarshare.audit.models import Event
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-lunar-passphrase"


@pytest.fixture
def env_password(monkeypatch):
    monkeypatch.setenv("LUNARSHARE_PASSWORD", PASSWORD)


def adduser(*args):
    call_command("adduser", *args)


class TestAddUser:
    def test_it_creates_a_verified_user_with_roles_at_an_institution(self, people, env_password, capsys):
        people.cologne.ror_id = "0abcdef23"
        people.cologne.save()
        adduser("carla", "--role", "curator", "--role", "reviewer", "--institution", "https://ror.org/0abcdef23",
                "--email", "carla@example.org")
        user = User.objects.get(username="carla")
        assert user.check_password(PASSWORD) and user.institution == people.cologne
        assert user.role_set == {Role.CURATOR, Role.REVIEWER}
        assert user.emailaddress_set.get().verified
        grants = Event.objects.filter(verb="lunarshare.user.role_granted", subject_id=str(user.pk))
        assert sorted(e.data["role"] for e in grants) == ["curator", "reviewer"]
        assert all(e.actor is None for e in grants)
        assert last_event("user.created").data["email_verified"] is True
        assert "Created carla" in capsys.readouterr().out

    def test_it_finds_the_institution_by_name(self, people, env_password):
        adduser("dora", "--role", "applicant", "--institution", "stony brook university")
        assert User.objects.get(username="dora").institution == people.stony

    def test_it_prompts_twice_when_no_password_is_in_the_environment(self, db, monkeypatch):
        monkeypatch.delenv("LUNARSHARE_PASSWORD", raising=False)
        answers = iter([PASSWORD, PASSWORD])
        monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
        adduser("erin", "--role", "auditor")
        assert User.objects.get(username="erin").check_password(PASSWORD)

    def test_it_refuses_two_different_prompted_passwords(self, db, monkeypatch):
        monkeypatch.delenv("LUNARSHARE_PASSWORD", raising=False)
        answers = iter([PASSWORD, PASSWORD + "x"])
        monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
        with pytest.raises(CommandError, match="differ"):
            adduser("erin", "--role", "auditor")
        assert not User.objects.filter(username="erin").exists()

    @pytest.mark.parametrize("args, message", [
        (["--role", "emperor"], "Unknown role emperor"),
        ([], "at least one --role"),
        (["--role", "applicant", "--institution", "Atlantis University"], "No institution is called"),
        (["--role", "applicant", "--institution", "0zzzzzz02"], "No institution has ROR id 0zzzzzz02"),
    ])
    def test_it_explains_what_is_wrong_and_creates_nothing(self, people, env_password, args, message):
        with pytest.raises(CommandError, match=message):
            adduser("frank", *args)
        assert not User.objects.filter(username="frank").exists()
        assert last_event("user.created") is None

    def test_it_refuses_an_existing_user(self, people, env_password):
        with pytest.raises(CommandError, match="already exists"):
            adduser("Alice", "--role", "curator")
        assert not people.alice.has_role(Role.CURATOR)

    def test_it_refuses_a_weak_password(self, db, monkeypatch):
        monkeypatch.setenv("LUNARSHARE_PASSWORD", "123")
        with pytest.raises(CommandError, match="Password refused"):
            adduser("gina", "--role", "applicant")
        assert not User.objects.filter(username="gina").exists()
