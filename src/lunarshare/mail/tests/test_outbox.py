"""E-mail leaves through the outbox and the Celery task after the commit, never inside a request."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from lunarshare.mail.models import OutboundEmail
from lunarshare.mail.services import email_queue
from lunarshare.mail.tasks import send_email

pytestmark = pytest.mark.django_db(transaction=True)


class Boom(Exception):
    pass


@pytest.fixture
def queued_tasks(monkeypatch):
    """Stand in for the broker: remember what was queued instead of running it."""
    ids = []
    monkeypatch.setattr(send_email, "delay", lambda email_id: ids.append(email_id))
    return ids


class TestOutbox:
    def test_a_rolled_back_transaction_sends_nothing(self, mailoutbox, queued_tasks):
        with pytest.raises(Boom), transaction.atomic():
            email_queue(to="someone@example.org", subject="Never", body="…")
            raise Boom
        assert not OutboundEmail.objects.exists()
        assert queued_tasks == []
        assert mailoutbox == []

    def test_the_task_is_queued_only_after_the_commit(self, mailoutbox, queued_tasks):
        with transaction.atomic():
            email = email_queue(to="someone@example.org", subject="Sample shipped", body="It left today.")
            assert queued_tasks == []
        assert queued_tasks == [email.pk]
        assert mailoutbox == []  # queued, not sent: the worker sends it

    def test_no_smtp_happens_inside_a_request(self, client, people, mailoutbox, queued_tasks):
        response = client.post(reverse("account_reset_password"), {"email": people.alice.email})
        assert response.status_code == 302
        assert mailoutbox == []  # the request only wrote the outbox row
        email = OutboundEmail.objects.get(recipient=people.alice.email)
        assert queued_tasks == [email.pk] and email.sent_at is None
        send_email(email.pk)  # what the worker does
        assert [m.to for m in mailoutbox] == [[people.alice.email]]
        assert "/password/reset/key/" in mailoutbox[0].body

    def test_a_repeated_task_sends_the_message_once(self, mailoutbox, queued_tasks):
        email = email_queue(to="someone@example.org", subject="Once", body="Only once.")
        assert send_email(email.pk) is True
        assert send_email(email.pk) is False  # redelivered after a lost worker: nothing more
        email.refresh_from_db()
        assert len(mailoutbox) == 1 and email.sent_at is not None and email.attempts == 1
        assert mailoutbox[0].extra_headers["Message-ID"] == f"<{email.key}@lunarshare>"

    def test_a_failed_send_is_recorded_and_sent_on_the_next_try(self, mailoutbox, queued_tasks, monkeypatch):
        email = email_queue(to="someone@example.org", subject="Later", body="…")
        original = mail.EmailMultiAlternatives.send
        monkeypatch.setattr(mail.EmailMultiAlternatives, "send", lambda *a, **k: (_ for _ in ()).throw(OSError("down")))
        assert send_email(email.pk) is False
        email.refresh_from_db()
        assert (email.sent_at, email.attempts, email.last_error) == (None, 1, "OSError: down")
        monkeypatch.setattr(mail.EmailMultiAlternatives, "send", original)
        assert send_email(email.pk) is True
        assert [m.subject for m in mailoutbox] == ["Later"]

    def test_the_task_is_acknowledged_late_and_requeued_if_the_worker_dies(self):
        assert send_email.acks_late is True
        assert send_email.reject_on_worker_lost is True
