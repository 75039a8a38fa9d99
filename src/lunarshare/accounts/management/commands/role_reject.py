"""``lunarshare role_reject REQUEST_ID --by OFFICER --reason TEXT``: a second officer rejects a
role request (the service asks for a reason)."""

from lunarshare.accounts.management.role_commands import RoleCommand, find_officer, find_request
from lunarshare.accounts.services import role_grant_reject


class Command(RoleCommand):
    help = "Reject role request REQUEST_ID as a second officer (say why with --reason)."

    def add_arguments(self, parser):
        parser.add_argument("request_id", metavar="REQUEST_ID")
        super().add_arguments(parser)
        parser.add_argument("--reason", default="", help="why the request is rejected (required by the service)")

    def handle(self, *args, request_id, by, reason, **options):
        actor, grant_request = find_officer(by), find_request(request_id)
        self.call(role_grant_reject, actor=actor, grant_request=grant_request, note=reason)
        self.stdout.write(self.style.SUCCESS(f"Request {grant_request.pk} rejected by {actor.username}."))
