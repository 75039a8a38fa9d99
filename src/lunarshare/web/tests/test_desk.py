"""The desk: every role lands on it after logging in and finds its work there, each item linking
to the page where it is done; the menu shows how many things wait."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lunarshare.loans.tests.factories import allocated_loan, make_loan, received_loan, signed_loan
from lunarshare.programs.tests.factories import make_application, make_round

pytestmark = pytest.mark.django_db


def _desk(client, user, language="en"):
    client.force_login(user)
    response = client.get(f"/{language}/desk/")
    assert response.status_code == 200
    return response


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get("/en/desk/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_logging_in_lands_on_the_desk_and_honours_next(client, people):
    response = client.post("/en/accounts/login/", {"login": "alice", "password": "pw-for-tests-1"})
    assert response.status_code == 302 and response.url == "/en/desk/"
    client.logout()
    response = client.post("/en/accounts/login/?next=/en/rounds/", {"login": "alice", "password": "pw-for-tests-1",
                                                                    "next": "/en/rounds/"})
    assert response.url == "/en/rounds/"


def test_the_applicant_sees_drafts_signatures_and_receipts_with_links(client, people):
    round_ = make_round()
    draft = make_application(people.alice, round_)
    to_sign = make_loan(people)
    body = _desk(client, people.alice).content.decode()
    assert "Drafts" in body and draft.reference in body
    assert reverse("programs:application-edit", args=[draft.pk]) in body
    assert "Signatures due" in body and reverse("loans:sign", args=[to_sign.pk]) in body
    assert 'id="desk-link"' in body and "things to do" in body  # the menu entry with its count


def test_the_borrower_sees_returns_due_and_reports_due(client, people):
    loan = received_loan(people)
    loan.due_date = loan.due_date.replace(year=loan.due_date.year - 5)  # overdue
    loan.save(update_fields=["due_date"])
    body = _desk(client, people.alice).content.decode()
    assert "Returns due" in body and reverse("loans:declare-return", args=[loan.pk]) in body
    assert "badge-overdue" in body
    assert "Data and publication reports due" in body and "Use reports due" in body


def test_the_reviewer_committee_and_officer_see_their_queues(client, people):
    from lunarshare.programs import services

    round_ = make_round()
    under_review = make_application(people.alice, round_, status="under_review")
    submitted = make_application(people.bob, round_, status="submitted")
    review = services.review_assign(actor=people.officer, application=under_review, reviewer=people.reviewer)
    body = _desk(client, people.reviewer).content.decode()
    assert "Reviews to score" in body and reverse("programs:review-detail", args=[review.pk]) in body
    body = _desk(client, people.committee).content.decode()
    assert "Applications to decide" in body and "reviews in: 0 of 1" in body
    body = _desk(client, people.officer).content.decode()
    assert "Screening queue" in body and submitted.reference in body
    assert reverse("programs:application-detail", args=[submitted.pk]) in body


def test_the_curator_sees_allocations_and_shipments(client, people):
    to_allocate = signed_loan(people)
    to_ship = allocated_loan(people)
    body = _desk(client, people.curator).content.decode()
    assert "Allocations" in body and reverse("loans:allocate", args=[to_allocate.pk]) in body
    assert "Shipments to send" in body and reverse("loans:ship", args=[to_ship.pk]) in body


def test_the_auditor_sees_the_reports_and_a_newcomer_is_told_what_to_do(client, people):
    from lunarshare.testing.factories import UserFactory

    body = _desk(client, people.auditor).content.decode()
    assert reverse("loans:report") in body
    body = _desk(client, UserFactory(username="nobody", institution=None, roles=[])).content.decode()
    assert "You have no role yet" in body


def test_the_desk_speaks_chinese(client, people):
    make_application(people.alice, make_round())
    body = _desk(client, people.alice, "zh-hans").content.decode()
    assert "我的工作台" in body and "草稿" in body and "/zh-hans/applications/" in body


def test_the_desk_reads_in_a_bounded_number_of_queries(client, people, django_assert_max_num_queries):
    for _ in range(3):
        make_loan(people)
        make_application(people.alice, make_round())
    client.force_login(people.alice)
    with django_assert_max_num_queries(30):
        client.get("/en/desk/")
