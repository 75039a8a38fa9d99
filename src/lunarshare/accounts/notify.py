"""Tell people about something: an in-app notification plus an e-mail, after the commit.

Services call :func:`notify_on_commit` inside their transaction; nothing is sent if the
transaction rolls back, and a failing mail server never undoes a state change.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import translation

from lunarshare.site_url import absolute_url


def _deliver(user_ids: list[int], verb: str, title: str, body: str, url: str, link: str = "") -> None:
    from lunarshare.mail.services import email_queue

    from .models import Notification, User

    users = list(User.objects.filter(pk__in=user_ids, is_active=True))
    # The notices and their e-mails are written together; the e-mails leave through the
    # Celery worker after this commits (a mail outage never loses the in-app notice).
    with transaction.atomic():
        Notification.objects.bulk_create(
            [Notification(user=user, verb=verb, title=str(title)[:255], body=str(body), url=url) for user in users]
        )
        for user in users:
            if user.email:
                with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
                    email_queue(to=user.email, subject=str(title),
                                body=f"{body}\n\n{link or absolute_url(url)}".strip())


def notify_on_commit(users: Iterable, *, verb: str, title, body="", url: str = "") -> None:
    """Queue a notice to ``users`` (User objects or ids) for when the current transaction commits.

    ``title`` and ``body`` may be lazy translations; they are rendered at delivery.
    """
    user_ids = sorted({getattr(u, "pk", u) for u in users if u is not None})
    if not user_ids:
        return
    link = absolute_url(url) if url else ""  # the address of the request that caused it, when there is one
    transaction.on_commit(lambda: _deliver(user_ids, verb, title, body, url, link))
