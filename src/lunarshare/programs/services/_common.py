"""Helpers shared by the programs services: role guards, status changes, notifications."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare.accounts import rules as account_rules
from lunarshare.accounts.models import Role
from lunarshare.accounts.notify import notify_on_commit
from lunarshare.accounts.selectors import users_with_role
from lunarshare.errors import check_transition
from lunarshare.permissions import require

from ..models import Application, ApplicationStatusChange


def require_officer(actor) -> None:
    require(actor, "programs.manage_round", message=_("Only programme officers may do this."))


def can_apply(user) -> bool:
    """Confirmed institution + applicant role (the one predicate, ``accounts.rules.can_apply``)."""
    return bool(account_rules.can_apply(user))


def name_list(names, limit: int = 20) -> str:
    """"A-1F, A-2B, A-3C …": the names a refusal is about, at most ``limit`` of them."""
    names = [str(name) for name in names]
    return ", ".join(names[:limit]) + (" …" if len(names) > limit else "")


def application_references(ids) -> list[str]:
    """The references of the applications with these ids, in the order given."""
    refs = dict(Application.objects.filter(pk__in=list(ids)).values_list("pk", "reference"))
    return [refs[pk] for pk in ids if pk in refs]


def lock_application(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("round", "institution", "applicant").get(
        pk=application.pk)


def change_status(application: Application, target: str, *, actor, note: str = "", extra_fields=()) -> str:
    """Move ``application`` to ``target`` (guarded by the one TRANSITIONS map) and keep history."""
    old = application.status
    check_transition(Application.TRANSITIONS, Application.Status(old), Application.Status(target),
                     what=_("An application"))
    application.status = target
    application.save(update_fields=["status", "updated_at", *extra_fields])
    ApplicationStatusChange.objects.create(application=application, old_status=old, new_status=target,
                                           actor=actor if getattr(actor, "pk", None) else None, note=note,
                                           at=timezone.now())
    return old


def officers():
    return users_with_role(Role.OFFICER)


def committee():
    return users_with_role(Role.COMMITTEE)


def application_people(application: Application) -> list:
    """The applicant and every team member with an account."""
    users = [application.applicant_id]
    users += [uid for uid in application.team.values_list("user_id", flat=True) if uid]
    return users


def notify_application(application: Application, *, verb: str, title, body="", also=()) -> None:
    notify_on_commit([*application_people(application), *also], verb=f"programs.{verb}", title=title, body=body,
                     url=application.get_absolute_url())
