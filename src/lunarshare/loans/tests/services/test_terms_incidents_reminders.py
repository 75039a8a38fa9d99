import datetime as dt

import pytest
from django.core.management import call_command

from lunarshare.accounts.models import Notification
from lunarshare.catalog.models import LedgerEntry, Sample
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.errors import ConflictError, InvalidTransition, PermissionDeniedError, ValidationFailed
from lunarshare.loans.models import ExtensionRequest, Incident, Loan, LoanItem, ReminderSent
from lunarshare.loans.selectors import loans_without_inventory
from lunarshare.loans.services import (
    extension_grant,
    extension_refuse,
    extension_request,
    incident_investigate,
    incident_report,
    incident_resolve,
    inventory_confirm,
    loan_recall,
    loan_send_reminders,
)
from lunarshare.loans.tests.factories import received_loan
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


class TestExtensions:
    def test_the_borrower_asks_and_the_officer_grants(self, people):
        loan = received_loan(people)
        new_due = loan.due_date + dt.timedelta(days=90)
        request = extension_request(actor=people.alice, loan=loan, requested_due_date=new_due, reason="Instrument down")
        extension_grant(actor=people.officer, request=request, note="Fine")
        loan.refresh_from_db()
        assert loan.due_date == new_due and last_event("loan.extension_granted").data["new_due_date"] == new_due.isoformat()

    def test_a_refusal_keeps_the_due_date(self, people):
        loan = received_loan(people)
        old_due = loan.due_date
        request = extension_request(actor=people.alice, loan=loan, requested_due_date=old_due + dt.timedelta(days=9), reason="x")
        extension_refuse(actor=people.officer, request=request, note="Not justified")
        loan.refresh_from_db()
        request.refresh_from_db()
        assert loan.due_date == old_due and request.status == ExtensionRequest.Status.REFUSED
        assert last_event("loan.extension_refused").actor == people.officer

    def test_refusals(self, people):
        loan = received_loan(people)
        with pytest.raises(PermissionDeniedError):
            extension_request(actor=people.bob, loan=loan, requested_due_date=loan.due_date + dt.timedelta(days=1), reason="x")
        with pytest.raises(ValidationFailed):
            extension_request(actor=people.alice, loan=loan, requested_due_date=loan.due_date, reason="x")
        request = extension_request(actor=people.alice, loan=loan, requested_due_date=loan.due_date + dt.timedelta(days=5), reason="x")
        with pytest.raises(ConflictError):
            extension_request(actor=people.alice, loan=loan, requested_due_date=loan.due_date + dt.timedelta(days=6), reason="x")
        with pytest.raises(PermissionDeniedError):
            extension_grant(actor=people.alice, request=request)
        extension_grant(actor=people.officer, request=request)
        with pytest.raises(InvalidTransition):
            extension_refuse(actor=people.officer, request=request, note="too late")


class TestRecall:
    def test_an_officer_recalls_with_a_reason_and_a_new_date(self, people):
        loan = received_loan(people)
        due = dt.date.today() + dt.timedelta(days=14)
        loan_recall(actor=people.officer, loan=loan, reason="Use outside the approved plan", new_due_date=due)
        loan.refresh_from_db()
        assert loan.status == Loan.Status.RECALLED and loan.due_date == due and loan.recall_reason
        assert last_event("loan.recalled").data["reason"] == "Use outside the approved plan"

    def test_only_an_officer_recalls_and_not_into_the_past(self, people):
        loan = received_loan(people)
        with pytest.raises(PermissionDeniedError):
            loan_recall(actor=people.curator, loan=loan, reason="x", new_due_date=dt.date.today())
        with pytest.raises(ValidationFailed):
            loan_recall(actor=people.officer, loan=loan, reason="x", new_due_date=dt.date.today() - dt.timedelta(days=1))
        loan.refresh_from_db()
        assert loan.status == Loan.Status.IN_USE


class TestIncidents:
    def test_lost_material_is_written_off_and_the_item_closes_as_lost(self, people):
        loan = received_loan(people, masses=(40_000,))
        item = loan.items.select_related("sample").get()
        incident = incident_report(actor=people.alice, loan=loan, kind="lost", description="Vial dropped in a drain",
                                   identifier=item.sample.identifier)
        assert incident.status == Incident.Status.REPORTED
        incident_investigate(actor=people.curator, incident=incident, note="Asked the lab")
        incident_resolve(actor=people.officer, incident=incident, resolution="Not recoverable", write_off=True)
        incident.refresh_from_db()
        item.refresh_from_db()
        loan.refresh_from_db()
        assert incident.status == Incident.Status.RESOLVED and incident.written_off_ug == 40_000
        assert item.status == LoanItem.Status.LOST and item.sample.status == Sample.Status.LOST
        assert LedgerEntry.objects.filter(sample=item.sample, kind="loss", delta_ug=-40_000).exists()
        assert loan.status == Loan.Status.RETURNED
        assert last_event("loan.incident_resolved").data["written_off_ug"] == 40_000
        assert ledger_breaks() == []

    def test_a_resolved_incident_cannot_be_reopened_and_borrowers_cannot_resolve(self, people):
        loan = received_loan(people)
        incident = incident_report(actor=people.curator, loan=loan, kind="damaged", description="Cracked vial")
        with pytest.raises(PermissionDeniedError):
            incident_resolve(actor=people.alice, incident=incident, resolution="fine")
        incident_resolve(actor=people.curator, incident=incident, resolution="Repacked")
        with pytest.raises(InvalidTransition):
            incident_investigate(actor=people.curator, incident=incident)


def due_kinds(reminders):
    return [r.kind for r in reminders if r.kind != "inventory"]


class TestReminders:
    def test_thirty_days_seven_days_the_day_and_weekly_escalation(self, people, django_capture_on_commit_callbacks):
        loan = received_loan(people)
        due = loan.due_date
        assert due_kinds(loan_send_reminders(on=due - dt.timedelta(days=31))) == []
        assert due_kinds(loan_send_reminders(on=due - dt.timedelta(days=30))) == ["due_30"]
        assert due_kinds(loan_send_reminders(on=due - dt.timedelta(days=7))) == ["due_7"]
        assert due_kinds(loan_send_reminders(on=due)) == ["due_0"]
        assert due_kinds(loan_send_reminders(on=due + dt.timedelta(days=3))) == []
        with django_capture_on_commit_callbacks(execute=True):
            overdue = loan_send_reminders(on=due + dt.timedelta(days=7))
        overdue = [r for r in overdue if r.kind != "inventory"]
        assert [r.kind for r in overdue] == ["overdue"] and overdue[0].escalated
        assert Notification.objects.filter(user=people.officer, verb="loan.reminder_overdue").exists()
        assert last_event("loan.reminder_sent").data["escalated"] is True

    def test_running_twice_on_the_same_day_sends_nothing_twice(self, people, django_capture_on_commit_callbacks):
        loan = received_loan(people)
        day = loan.due_date.isoformat()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_loan_reminders", "--date", day)
            call_command("send_loan_reminders", "--date", day)
        assert ReminderSent.objects.filter(loan=loan).exclude(kind="inventory").count() == 1
        assert Notification.objects.filter(user=people.alice, verb="loan.reminder_due_0").count() == 1

    def test_the_daily_task_is_registered_with_celery_beat(self, settings):
        assert settings.CELERY_BEAT_SCHEDULE["loans-send-reminders"]["task"] == "lunarshare.loans.tasks.send_loan_reminders"


class TestInventory:
    def test_borrowers_confirm_once_a_year_and_the_report_lists_the_others(self, people):
        loan = received_loan(people)
        year = dt.date.today().year
        assert list(loans_without_inventory(year)) == [loan]
        confirmation = inventory_confirm(actor=people.alice, loan=loan)
        assert confirmation.item_count == 1 and list(loans_without_inventory(year)) == []
        assert last_event("loan.inventory_confirmed").data["year"] == year
        with pytest.raises(ConflictError):
            inventory_confirm(actor=people.alice, loan=loan)
        with pytest.raises(PermissionDeniedError):
            inventory_confirm(actor=people.bob, loan=loan, year=year - 1)


class TestInventoryReminders:
    def test_borrowers_holding_material_are_asked_once_a_year_until_they_confirm(self, people):
        loan = received_loan(people)
        year = dt.date.today().year
        assert [r.kind for r in loan_send_reminders(on=dt.date(year, 1, 14)) if r.kind == "inventory"] == []
        first = [r for r in loan_send_reminders(on=dt.date(year, 1, 15)) if r.kind == "inventory"]
        again = [r for r in loan_send_reminders(on=dt.date(year, 1, 16)) if r.kind == "inventory"]
        assert [r.loan for r in first] == [loan] and again == []
        inventory_confirm(actor=people.alice, loan=loan)
        assert not [r for r in loan_send_reminders(on=dt.date(year, 2, 1)) if r.kind == "inventory"]
