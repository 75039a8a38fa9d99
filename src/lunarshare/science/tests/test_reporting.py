"""A loan's reporting duties and the officers' list of overdue reports."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from lunarshare.science.selectors import loan_reporting_duties, loan_science_summary, overdue_reports
from lunarshare.science.services import publication_create

from .factories import make_dataset, make_loan

pytestmark = pytest.mark.django_db


def test_a_loan_received_long_ago_owes_overdue_reports(people):
    loan = make_loan(people, received_days_ago=800)
    duties = {d.kind: d for d in loan_reporting_duties(loan)}
    assert duties["data"].overdue and duties["publication"].overdue
    assert [(row[0].pk, row[1].kind) for row in overdue_reports()] == [(loan.pk, "data"), (loan.pk, "publication")]


def test_reports_made_clear_the_duty(people):
    loan = make_loan(people, received_days_ago=800)
    make_dataset(people.alice, loan=loan)
    publication_create(actor=people.alice, title="Demo paper", year=2025, loans=[loan])
    assert all(d.fulfilled and not d.overdue for d in loan_reporting_duties(loan))
    assert overdue_reports() == []


def test_a_recent_or_unreceived_loan_owes_nothing_yet(people):
    assert not any(d.overdue for d in loan_reporting_duties(make_loan(people, received_days_ago=10)))
    assert loan_reporting_duties(make_loan(people, received_days_ago=None)) == []


def test_the_loan_summary_shows_only_visible_datasets(people):
    loan = make_loan(people, received_days_ago=10)
    make_dataset(people.alice, loan=loan, title="Secret")
    assert [d.title for d in loan_science_summary(people.alice, loan)["datasets"]] == ["Secret"]
    assert loan_science_summary(people.bob, loan)["datasets"] == []


def test_the_overdue_page_is_for_officers(client, people):
    loan = make_loan(people, received_days_ago=800)
    client.force_login(people.officer)
    page = client.get(reverse("science:reports-overdue"))
    assert page.status_code == 200 and str(loan) in page.content.decode()
    client.force_login(people.alice)
    assert client.get(reverse("science:reports-overdue")).status_code == 403  # a staff page: it exists, she may not open it


def test_the_loan_include_renders_duties_and_acknowledgement(people, rf):
    from django.template.loader import render_to_string

    loan = make_loan(people, received_days_ago=800)
    summary = loan_science_summary(people.alice, loan, today=timezone.localdate() + dt.timedelta(days=1))
    summary["acknowledgement"] = "Samples provided by the agency."
    html = render_to_string("science/_loan_science.html", {"science": summary})
    assert "Samples provided by the agency." in html and "Overdue" in html
