"""``lunarshare role_approve REQUEST_ID --by OFFICER``: a second officer (not the one who asked,
not the person concerned) approves a role request; the role is granted."""

from lunarshare.accounts.management.role_commands import RoleCommand, find_officer, find_request
from lunarshare.accounts.services import role_grant_approve


class Command(RoleCommand):
    help = "Approve role request REQUEST_ID as a second officer; the role is granted."

    def add_arguments(self, parser):
        parser.add_argument("request_id", metavar="REQUEST_ID")
        super().add_arguments(parser)

    def handle(self, *args, request_id, by, **options):
        actor, grant_request = find_officer(by), find_request(request_id)
        self.call(role_grant_approve, actor=actor, grant_request=grant_request)
        self.stdout.write(self.style.SUCCESS(
            f"Request {grant_request.pk} approved by {actor.username}: "
            f"{grant_request.user.username} now holds the role {grant_request.role}."))
