"""The role commands are thin wrappers over the four-eyes services: same checks, same audit."""

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError

from lunarshare.accounts.models import ApiToken, Role, RoleGrantRequest, User
from lunarshare.audit.models import Event
from lunarshare.testing.factories import UserFactory
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_officer(people):
    return UserFactory(username="offi2", institution=people.naoc, roles=[Role.OFFICER])


def run(*argv):
    """Run as ``lunarshare <argv>`` would: returns (exit code, stdout, stderr)."""
    import io

    out, err = io.StringIO(), io.StringIO()
    command = load_command_class("lunarshare.accounts", argv[0])
    command.stdout._out, command.stderr._out = out, err
    try:
        # run_from_argv closes the database connections at the end; the test's transaction must stay.
        from unittest import mock

        with mock.patch("django.core.management.base.connections.close_all"):
            command.run_from_argv(["lunarshare", *argv])
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def events():
    return Event.objects.count()


class TestRoleRequestAndApprove:
    def test_the_shortest_path_grants_the_role_with_two_officers(self, people, second_officer):
        code, out, _err = run("role_request", "alice", "curator", "--by", "offi", "--reason", "new lab manager")
        assert code == 0
        grant_request = RoleGrantRequest.objects.get()
        assert f"Request {grant_request.pk}:" in out and "role_approve" in out
        assert last_event("user.role_grant_requested").actor == people.officer
        assert not User.objects.get(pk=people.alice.pk).has_role(Role.CURATOR)

        code, out, _err = run("role_approve", str(grant_request.pk), "--by", "offi2")
        assert code == 0 and "alice now holds the role curator" in out
        assert User.objects.get(pk=people.alice.pk).has_role(Role.CURATOR)
        event = last_event("user.role_granted")
        assert event.actor == second_officer and event.data["requested_by"] == people.officer.pk

    def test_the_officer_who_asked_cannot_approve(self, people, second_officer):
        call_command("role_request", "alice", "curator", "--by", "offi", "--reason", "lab manager")
        grant_request = RoleGrantRequest.objects.get()
        before = events()
        code, _out, err = run("role_approve", str(grant_request.pk), "--by", "offi")
        assert code == 1 and "second programme officer decides" in err
        grant_request.refresh_from_db()
        assert grant_request.status == "requested" and events() == before
        assert not User.objects.get(pk=people.alice.pk).has_role(Role.CURATOR)

    def test_an_officer_cannot_ask_for_themselves(self, people):
        code, _out, err = run("role_request", "offi", "curator", "--by", "offi", "--reason", "I want it")
        assert code == 1 and "never for themselves" in err
        assert not RoleGrantRequest.objects.exists()

    def test_a_request_needs_a_reason(self, people):
        with pytest.raises(CommandError, match="Say why this person needs the role"):
            call_command("role_request", "alice", "curator", "--by", "offi")
        assert not RoleGrantRequest.objects.exists()

    def test_a_non_officer_cannot_ask(self, people):
        code, _out, err = run("role_request", "alice", "curator", "--by", "cura", "--reason", "x")
        assert code == 1 and "Only programme officers" in err
        assert not RoleGrantRequest.objects.exists()

    @pytest.mark.parametrize("argv, message", [
        (["role_request", "nobody", "curator", "--by", "offi", "--reason", "x"], "No user is called “nobody”"),
        (["role_request", "alice", "curator", "--by", "ghost", "--reason", "x"], "No user (for --by) is called “ghost”"),
        (["role_request", "alice", "emperor", "--by", "offi", "--reason", "x"], "Only the roles officer, curator"),
        (["role_approve", "999", "--by", "offi"], "There is no role request number 999"),
        (["role_approve", "abc", "--by", "offi"], "“abc” is not a role request number"),
        (["role_revoke", "alice", "emperor", "--by", "offi"], "Unknown role “emperor”"),
        (["role_revoke", "alice", "curator", "--by", "offi"], "does not hold the role"),
    ])
    def test_it_refuses_unknown_people_roles_and_requests_with_a_clear_message(self, people, argv, message):
        before = events()
        code, _out, err = run(*argv)
        assert code == 1 and message in err
        assert events() == before

    def test_the_acting_officer_is_required(self, people, capsys):
        code, _out, _err = run("role_approve", "1")
        assert code == 2 and "the following arguments are required: --by" in capsys.readouterr().err


class TestRoleReject:
    def test_a_second_officer_rejects_with_a_reason(self, people, second_officer):
        call_command("role_request", "alice", "auditor", "--by", "offi", "--reason", "audit help")
        grant_request = RoleGrantRequest.objects.get()
        code, out, _err = run("role_reject", str(grant_request.pk), "--by", "offi2", "--reason", "not needed")
        assert code == 0 and "rejected by offi2" in out
        grant_request.refresh_from_db()
        assert grant_request.status == "rejected" and grant_request.note == "not needed"
        assert last_event("user.role_grant_rejected").actor == second_officer

    def test_a_rejection_without_reason_changes_nothing(self, people, second_officer):
        call_command("role_request", "alice", "auditor", "--by", "offi", "--reason", "audit help")
        grant_request = RoleGrantRequest.objects.get()
        code, _out, err = run("role_reject", str(grant_request.pk), "--by", "offi2")
        assert code == 1 and "Say why the request is rejected" in err
        grant_request.refresh_from_db()
        assert grant_request.status == "requested"


class TestRoleRevoke:
    def test_it_takes_the_role_away_and_the_tokens_die(self, people):
        ApiToken.objects.create(user=people.curator, name="laptop")
        code, out, _err = run("role_revoke", "cura", "curator", "--by", "offi")
        assert code == 0 and "cura no longer holds the role curator" in out
        assert not User.objects.get(pk=people.curator.pk).has_role(Role.CURATOR)
        assert not ApiToken.objects.filter(user=people.curator).exists()
        assert last_event("user.role_revoked").actor == people.officer

    def test_an_officer_cannot_take_away_their_own_officer_role(self, people):
        code, _out, err = run("role_revoke", "offi", "officer", "--by", "offi")
        assert code == 1 and "your own officer role" in err
        assert User.objects.get(pk=people.officer.pk).has_role(Role.OFFICER)

    def test_a_non_officer_cannot_revoke(self, people):
        code, _out, err = run("role_revoke", "alice", "applicant", "--by", "cura")
        assert code == 1 and "Only programme officers" in err
        assert User.objects.get(pk=people.alice.pk).has_role(Role.APPLICANT)
