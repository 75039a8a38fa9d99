"""``lunarshare role_request USERNAME ROLE --by OFFICER [--reason TEXT]``: ask that a person be
given a power role (officer, curator, committee, auditor); a second officer approves it with
``role_approve``. The same service as the person page and the API."""

from lunarshare.accounts.management.role_commands import RoleCommand, find_officer, find_user
from lunarshare.accounts.services import role_grant_request


class Command(RoleCommand):
    help = "Ask that USERNAME be given ROLE; a second officer must approve (role_approve)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help="officer, curator, committee or auditor")
        super().add_arguments(parser)
        parser.add_argument("--reason", default="", help="why the person needs the role (required by the service)")

    def handle(self, *args, username, role, by, reason, **options):
        actor, user = find_officer(by), find_user(username)
        grant_request = self.call(role_grant_request, actor=actor, user=user, role=role.strip().lower(),
                                  reason=reason)
        self.stdout.write(self.style.SUCCESS(
            f"Request {grant_request.pk}: {user.username} to become {grant_request.role}, asked by {actor.username}. "
            f"Another officer approves it with: lunarshare role_approve {grant_request.pk} --by OFFICER"))
