import pytest
from django.db import transaction

from lunarshare.accounts.models import Notification
from lunarshare.accounts.notify import notify_on_commit
from lunarshare.mail.models import OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True)


class Boom(Exception):
    pass


class TestNotifyOnCommit:
    def test_nothing_is_sent_when_the_transaction_rolls_back(self, people, mailoutbox):
        with pytest.raises(Boom), transaction.atomic():
            notify_on_commit([people.alice], verb="test.rolled_back", title="Never")
            raise Boom
        assert not Notification.objects.filter(verb="test.rolled_back").exists()
        assert mailoutbox == []

    def test_after_commit_there_is_an_in_app_row_and_a_mail(self, people, mailoutbox, settings):
        settings.LUNARSHARE_SITE_URL = "https://lunarshare.example.org"
        with transaction.atomic():
            notify_on_commit([people.alice, people.bob.pk, None], verb="test.done", title="Sample shipped",
                             body="It left today.", url="/en/loans/1/")
            assert not Notification.objects.filter(verb="test.done").exists()  # not before the commit
        rows = Notification.objects.filter(verb="test.done").order_by("user__username")
        assert [(n.user.username, n.title, n.url) for n in rows] == [
            ("alice", "Sample shipped", "/en/loans/1/"), ("bob", "Sample shipped", "/en/loans/1/")]
        assert sorted(m.to[0] for m in mailoutbox) == [people.alice.email, people.bob.email]
        assert "It left today." in mailoutbox[0].body
        assert "https://lunarshare.example.org/en/loans/1/" in mailoutbox[0].body

    def test_a_failing_mail_server_keeps_the_in_app_notice(self, people, settings, monkeypatch):
        def broken(*args, **kwargs):
            raise OSError("mail server down")

        monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
        with transaction.atomic():
            notify_on_commit([people.alice], verb="test.mail_down", title="Still here")
        assert Notification.objects.filter(user=people.alice, verb="test.mail_down").exists()
        queued = OutboundEmail.objects.get(recipient=people.alice.email, subject="Still here")
        assert queued.sent_at is None and queued.attempts == 1 and "mail server down" in queued.last_error
