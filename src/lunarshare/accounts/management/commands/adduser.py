"""``lunarshare adduser USERNAME --role ROLE [--role ...] [--institution ROR_OR_NAME] [--email E]``

Creates an account for someone an operator vouches for: the e-mail address is marked verified,
the account is marked ``verified_by_administrator`` (so it may get an API token even without
``--email``), roles are granted by the system (``actor=None``) and every step is audited.

This is the bootstrap for the first programme officer and needs shell access to the server: it
is the one path that grants a power role without a second officer (every grant it makes is in
the audit log as done by "system"). After that, officers request power roles for others and a
second officer approves (``/people/<id>/`` and ``/people/role-requests/``, or ``lunarshare
role_request`` and ``role_approve``). The password comes
from ``LUNARSHARE_PASSWORD`` or is asked for twice on the terminal.
"""

from __future__ import annotations

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from lunarshare.accounts.models import Institution, Role, User
from lunarshare.accounts.services import role_grant, user_create
from lunarshare.accounts.validators import normalize_ror
from lunarshare.errors import DomainError


def find_institution(value: str) -> Institution:
    """An institution by ROR id (bare or URL), else by exact English or Chinese name."""
    value = value.strip()
    try:
        ror = normalize_ror(value)
    except ValidationError:
        ror = None
    if ror:
        institution = Institution.objects.filter(ror_id=ror).first()
        if institution is None:
            raise CommandError(f"No institution has ROR id {ror}. Known institutions: lunarshare shell, or the API "
                               f"/api/v1/institutions/.")
        return institution
    matches = list(Institution.objects.filter(Q(name_en__iexact=value) | Q(name_zh=value))[:2])
    if not matches:
        close = list(Institution.objects.filter(name_en__icontains=value).values_list("name_en", flat=True)[:5])
        hint = f" Did you mean: {'; '.join(close)}?" if close else ""
        raise CommandError(f"No institution is called “{value}”.{hint}")
    if len(matches) > 1:
        raise CommandError(f"More than one institution is called “{value}”; give its ROR id instead.")
    return matches[0]


class Command(BaseCommand):
    help = "Create a user with roles (password from LUNARSHARE_PASSWORD or prompted)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", action="append", default=[], dest="roles", metavar="ROLE",
                            help=f"one of {', '.join(Role.values)}; repeat for several")
        parser.add_argument("--institution", metavar="ROR_OR_NAME", help="ROR id or exact name of the institution")
        parser.add_argument("--email", default="", metavar="E")
        parser.add_argument("--name", default="", help="display name")

    def handle(self, *args, username, roles, institution, email, name, **options):
        if not roles:
            raise CommandError(f"Give at least one --role ({', '.join(Role.values)}).")
        unknown = [role for role in roles if role not in Role.values]
        if unknown:
            raise CommandError(f"Unknown role {', '.join(unknown)}; choose from {', '.join(Role.values)}.")
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user named “{username}” already exists.")
        found = find_institution(institution) if institution else None
        password = self._password(username, email)
        try:
            with transaction.atomic():
                user = user_create(actor=None, username=username, email=email, password=password,
                                   institution=found, display_name=name, email_verified=True)
                for role in dict.fromkeys(roles):
                    role_grant(actor=None, user=user, role=role)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        where = f" at {found.name_en}" if found else ""
        self.stdout.write(self.style.SUCCESS(f"Created {username} ({', '.join(dict.fromkeys(roles))}){where}."))

    def _password(self, username: str, email: str) -> str:
        password = os.environ.get("LUNARSHARE_PASSWORD")
        if password is None:
            try:
                password = getpass.getpass("Password: ")
                again = getpass.getpass("Password (again): ")
            except (EOFError, KeyboardInterrupt):
                raise CommandError("No password given (set LUNARSHARE_PASSWORD or type it).") from None
            if password != again:
                raise CommandError("The two passwords differ.")
        if not password:
            raise CommandError("The password is empty.")
        try:
            validate_password(password, User(username=username, email=email))
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from None
        return password
