"""``lunarshare role_revoke USERNAME ROLE --by OFFICER``: take a role away (one officer suffices;
the person's API tokens die with it)."""

from lunarshare.accounts.management.role_commands import RoleCommand, find_officer, find_user
from lunarshare.accounts.services import role_revoke


class Command(RoleCommand):
    help = "Take ROLE away from USERNAME (their API tokens are revoked)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role")
        super().add_arguments(parser)

    def handle(self, *args, username, role, by, **options):
        actor, user = find_officer(by), find_user(username)
        role = role.strip().lower()
        self.call(role_revoke, actor=actor, user=user, role=role)
        self.stdout.write(self.style.SUCCESS(f"{user.username} no longer holds the role {role} "
                                             f"(revoked by {actor.username})."))
