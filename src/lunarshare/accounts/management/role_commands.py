"""What the four role commands share: find the people and the request, run the service, and
turn a domain error into the command's refusal (its message on stderr, exit code 1, nothing
changed). Each command is a thin wrapper over one service of ``accounts/services.py``; the
acting officer is always named with ``--by`` and is the audited actor.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from lunarshare.accounts.models import RoleGrantRequest, User
from lunarshare.errors import DomainError


def find_user(username: str, *, what: str = "user") -> User:
    user = User.objects.filter(username__iexact=(username or "").strip()).first()
    if user is None:
        raise CommandError(f"No {what} is called “{username}”.")
    return user


def find_officer(username: str) -> User:
    """The person running the command as themselves: an active account (the service checks the role)."""
    officer = find_user(username, what="user (for --by)")
    if not officer.is_active:
        raise CommandError(f"The account “{officer.username}” is closed.")
    return officer


def find_request(value: str) -> RoleGrantRequest:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise CommandError(f"“{value}” is not a role request number.") from None
    grant_request = RoleGrantRequest.objects.select_related("user").filter(pk=pk).first()
    if grant_request is None:
        raise CommandError(f"There is no role request number {pk}.")
    return grant_request


class RoleCommand(BaseCommand):
    """Adds ``--by OFFICER`` and runs the service, refusing with the domain error's message."""

    def add_arguments(self, parser):
        parser.add_argument("--by", required=True, metavar="OFFICER", dest="by",
                            help="username of the programme officer doing this (the audited actor)")

    def call(self, service, **kwargs):
        try:
            return service(**kwargs)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
