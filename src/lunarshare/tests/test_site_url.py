"""E-mail links point at the address the site is actually served at: the request's own host
when there is a request, ``LUNARSHARE_SITE_URL`` otherwise."""

import pytest
from django.db import transaction

from lunarshare.accounts.notify import notify_on_commit
from lunarshare.site_url import absolute_url, site_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_outside_a_request_the_setting_is_used(settings):
    settings.LUNARSHARE_SITE_URL = "https://lunarshare.example.org/"
    assert site_url() == "https://lunarshare.example.org"
    assert absolute_url("/en/loans/1/") == "https://lunarshare.example.org/en/loans/1/"
    assert absolute_url("https://elsewhere.example.org/x") == "https://elsewhere.example.org/x"


def test_a_mail_caused_by_a_request_links_to_the_port_that_served_it(client, people, mailoutbox, settings):
    """The borrower's return declaration, made on port 8350, mails the curator a link on port 8350."""
    from lunarshare.accounts.models import Role
    from lunarshare.accounts.selectors import users_with_role
    from lunarshare.loans.tests.factories import received_loan

    settings.LUNARSHARE_SITE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    loan = received_loan(people)
    item = loan.items.get()
    client.force_login(people.alice)
    mailoutbox.clear()
    client.post(f"/en/loans/{loan.pk}/send-back/", {"items": [item.pk], "carrier": "EMS", "tracking_number": "1",
                                                    "confirmed": "1"}, HTTP_HOST="127.0.0.1:8350")
    curators = set(users_with_role(Role.CURATOR).values_list("email", flat=True))
    assert {m.to[0] for m in mailoutbox} == curators and people.curator.email in curators
    assert f"http://127.0.0.1:8350/en/loans/{loan.pk}/return/" in mailoutbox[0].body


def test_a_mail_sent_by_a_task_uses_the_setting(people, mailoutbox, settings):
    settings.LUNARSHARE_SITE_URL = "https://lunarshare.example.org"
    with transaction.atomic():
        notify_on_commit([people.alice], verb="test.task", title="Reminder", url="/en/loans/1/")
    assert "https://lunarshare.example.org/en/loans/1/" in mailoutbox[0].body
