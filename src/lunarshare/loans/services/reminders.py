"""Due-date reminders: 30 days before, 7 days before, on the day, then weekly with escalation.

Idempotent: each (loan, kind, milestone date) is sent at most once, enforced by a unique
constraint, so the daily task and the command may both run, twice, on the same day.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from lunarshare import audit
from lunarshare.accounts.models import Role
from lunarshare.accounts.notify import notify_on_commit
from lunarshare.accounts.selectors import users_with_role

from ..models import OUT_STATUSES, Loan, ReminderSent
from ..selectors import loan_team_user_ids

Kind = ReminderSent.Kind
# A missed run is caught up for this many days; older milestones are not sent late.
CATCH_UP_DAYS = 6


def due_milestone(due: dt.date, on: dt.date) -> tuple[str, dt.date] | None:
    """The latest reminder milestone on or before ``on`` (within the catch-up window)."""
    candidates = [(Kind.DUE_IN_30, due - dt.timedelta(days=30)), (Kind.DUE_IN_7, due - dt.timedelta(days=7)),
                  (Kind.DUE_TODAY, due)]
    if on > due:
        weeks = (on - due).days // 7
        if weeks >= 1:
            candidates.append((Kind.OVERDUE, due + dt.timedelta(days=7 * weeks)))
    reached = [(kind, day) for kind, day in candidates if day <= on]
    if not reached:
        return None
    kind, day = reached[-1]
    if (on - day).days > CATCH_UP_DAYS:
        return None
    return kind, day


TITLES = {
    Kind.DUE_IN_30: _("Loan %(loan)s is due in 30 days (%(due)s)"),
    Kind.DUE_IN_7: _("Loan %(loan)s is due in 7 days (%(due)s)"),
    Kind.DUE_TODAY: _("Loan %(loan)s is due today (%(due)s)"),
    Kind.OVERDUE: _("Loan %(loan)s is overdue since %(due)s"),
    Kind.INVENTORY: _("Confirm the %(year)s inventory of loan %(loan)s"),
}
# The annual inventory is asked for from this day of each year until it is confirmed (once).
INVENTORY_MONTH_DAY = (1, 15)


def loan_send_reminders(*, actor=None, on: dt.date) -> list[ReminderSent]:
    """Send every reminder due on ``on``; returns the reminders newly sent."""
    sent: list[ReminderSent] = []
    officer_ids = list(users_with_role(Role.OFFICER).values_list("pk", flat=True))
    for loan in Loan.objects.filter(status__in=OUT_STATUSES).select_related("borrower_institution").order_by("pk"):
        milestone = due_milestone(loan.due_date, on)
        if milestone is None:
            continue
        kind, day = milestone
        escalate = kind == Kind.OVERDUE
        try:
            with transaction.atomic():
                reminder = ReminderSent.objects.create(loan=loan, kind=kind, milestone=day, escalated=escalate)
                recipients = set(loan_team_user_ids(loan)) | (set(officer_ids) if escalate else set())
                audit.record(actor=actor, verb="loan.reminder_sent", obj=loan, data={
                    "kind": kind, "milestone": day, "due_date": loan.due_date, "escalated": escalate,
                    "recipients": sorted(recipients)})
                notify_on_commit(recipients, verb=f"loan.reminder_{kind}",
                                 title=TITLES[kind] % {"loan": loan, "due": loan.due_date, "year": day.year},
                                 body=_("Return the material or ask for an extension."), url=loan.get_absolute_url())
        except IntegrityError:
            continue  # already sent for this milestone (another run got there first)
        sent.append(reminder)
    sent += _inventory_reminders(actor=actor, on=on)
    return sent


def _inventory_reminders(*, actor, on: dt.date) -> list[ReminderSent]:
    """Once a year (from 15 January) ask every borrower holding material to confirm it."""
    from ..selectors import loans_without_inventory

    milestone = dt.date(on.year, *INVENTORY_MONTH_DAY)
    if on < milestone:
        return []
    sent = []
    for loan in loans_without_inventory(on.year).exclude(reminders__kind=Kind.INVENTORY, reminders__milestone=milestone):
        try:
            with transaction.atomic():
                reminder = ReminderSent.objects.create(loan=loan, kind=Kind.INVENTORY, milestone=milestone)
                recipients = loan_team_user_ids(loan)
                audit.record(actor=actor, verb="loan.reminder_sent", obj=loan,
                             data={"kind": Kind.INVENTORY, "milestone": milestone, "recipients": sorted(recipients)})
                notify_on_commit(recipients, verb="loan.reminder_inventory",
                                 title=TITLES[Kind.INVENTORY] % {"loan": loan, "year": on.year},
                                 body=_("Confirm on the loan's page that you still hold every item listed."),
                                 url=loan.get_absolute_url())
        except IntegrityError:
            continue
        sent.append(reminder)
    return sent
