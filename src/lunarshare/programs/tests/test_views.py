"""Every page renders for the people who use it, and refuses the others."""

import datetime

import pytest
from django.urls import reverse

from lunarshare.programs import services
from lunarshare.programs.models import Application, ApplicationStatus, Round, RuleDocument
from lunarshare.programs.tests.factories import make_application, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(people):
    round_ = make_round()
    application = make_application(people.alice, round_, status="under_review")
    services.application_decide(actor=people.committee, application=application, decision="approve")
    services.round_close(actor=people.officer, round_=round_)
    services.round_publish_results(actor=people.committee, round_=round_)
    return round_


def test_public_pages_render(client, people, published):
    document = services.rule_document_create(actor=people.officer, title_en="Lunar Sample Management Measures")
    services.rule_version_create(actor=people.officer, document=document, version="2020", publish=True,
                                 effective_date=datetime.date(2020, 12, 17),
                                 body_en="# Chapter 1\n\n<script>alert(1)</script>**Summary**", changes_en="First issue")
    rule_page = client.get(reverse("programs:rule-detail", args=[document.slug])).content.decode()
    assert "<strong>Summary</strong>" in rule_page and "<script>alert" not in rule_page
    assert "First issue" in client.get(reverse("programs:rule-list")).content.decode()
    assert client.get(reverse("programs:round-list")).status_code == 200
    assert client.get(reverse("programs:round-detail", args=[published.pk])).status_code == 200
    results = client.get(reverse("programs:results-detail", args=[published.pk])).content.decode()
    assert "1 institution from 1 country" in results or "1 institution" in results
    assert "University of Cologne" in results and "100 mg" in results
    feed = client.get(reverse("programs:results-feed"))
    assert feed["Content-Type"].startswith("application/atom+xml") and published.title_en in feed.content.decode()


def test_unpublished_results_are_not_public(client, people):
    round_ = make_round(status="closed")
    assert client.get(reverse("programs:results-detail", args=[round_.pk])).status_code == 404
    assert round_.title_en not in client.get(reverse("programs:results-list")).content.decode()


def test_draft_rounds_are_hidden_from_the_public(client):
    round_ = make_round(status="draft")
    assert client.get(reverse("programs:round-detail", args=[round_.pk])).status_code == 404


def test_applicant_pages(client, people):
    round_ = make_round()
    client.force_login(people.alice)
    assert client.get(reverse("programs:my-applications")).status_code == 200
    response = client.post(reverse("programs:application-new", args=[round_.pk]), {"title": "Web draft"})
    application = Application.objects.get(title="Web draft")
    assert response.url == reverse("programs:application-edit", args=[application.pk])
    assert client.get(response.url).status_code == 200
    client.post(reverse("programs:application-action", args=[application.pk]), {"action": "submit", "confirmed": "1"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    client.force_login(people.bob)
    assert client.get(application.get_absolute_url()).status_code == 404  # not theirs: it does not exist for them


def test_desk_pages(client, people):
    round_ = make_round()
    make_application(people.alice, round_, status="under_review")
    client.force_login(people.officer)
    assert client.get(reverse("programs:officer-home")).status_code == 200
    assert client.get(reverse("programs:round-desk", args=[round_.pk])).status_code == 200
    assert client.get(reverse("programs:round-new")).status_code == 200
    assert client.get(reverse("programs:rule-new")).status_code == 200
    client.force_login(people.alice)
    assert client.get(reverse("programs:officer-home")).status_code == 403


def test_officer_creates_a_round_with_the_standard_rules(client, people):
    client.force_login(people.officer)
    response = client.post(reverse("programs:round-new"), {
        "kind": "international", "title_en": "Web round", "opens_at": "2030-01-01T00:00", "closes_at": "2030-02-01T00:00",
        "timezone": "Asia/Shanghai",
        "reviewers_per_application": 3, "embargo_months": 12, "loan_period_months": 24, "publication_report_months": 24,
        "standard_rules": "on", "wolf_rule": "on"})
    round_ = Round.objects.get(title_en="Web round")
    assert response.url == reverse("programs:round-desk", args=[round_.pk])
    assert round_.opens_at.isoformat() == "2029-12-31T16:00:00+00:00"  # midnight in Beijing
    assert sorted(round_.compliance_rules.values_list("type", flat=True)) == [
        "destructive_methods", "funding_declared", "legal_review", "mass_limits", "team_orcid"]


def test_rule_pages_without_versions_are_404(client):
    RuleDocument.objects.create(slug="empty", title_en="Empty")
    assert client.get(reverse("programs:rule-detail", args=["empty"])).status_code == 404


def test_attachments_are_only_for_people_who_may_see_the_application(client, people):
    from lunarshare.programs.tests.factories import pdf_upload

    application = make_application(people.alice, make_round())
    attachment = services.attachment_add(actor=people.alice, application=application, upload=pdf_upload())
    url = reverse("programs:attachment-download", args=[application.pk, attachment.pk])
    client.force_login(people.alice)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(people.bob)
    assert client.get(url).status_code == 404  # not theirs: it does not exist for them
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_an_officer_assigns_a_reviewer_by_hand_and_conflicted_ones_are_disabled(client, people):
    from lunarshare.accounts.models import Role
    from lunarshare.testing.factories import UserFactory

    application = make_application(people.alice, make_round(), status="under_review")
    colleague = UserFactory(institution=people.cologne, roles=[Role.REVIEWER], display_name="Cologne Colleague")
    client.force_login(people.officer)
    page = client.get(application.get_absolute_url()).content.decode()
    assert f'value="{colleague.pk}" disabled' in page
    client.post(reverse("programs:application-action", args=[application.pk]),
                {"action": "assign_reviewer", "reviewer": people.reviewer.pk})
    assert application.reviews.get().reviewer == people.reviewer


def test_a_reviewer_declares_a_standing_conflict(client, people):
    client.force_login(people.reviewer)
    client.post(reverse("programs:my-reviews"), {"kind": "coauthor", "with_name": "Demo Researcher"})
    assert people.reviewer.declared_conflicts.get().with_name == "Demo Researcher"


def test_the_round_desk_counts_reviews_once(client, people):
    from lunarshare.programs.models import ComplianceRule
    from lunarshare.programs.tests.factories import WOLF

    round_ = make_round(rules=[(ComplianceRule.Type.LEGAL_REVIEW, WOLF), (ComplianceRule.Type.FUNDING_DECLARED, {})])
    application = make_application(people.bob, round_, status="under_review", funder="NASA")
    services.review_assign(actor=people.officer, application=application, reviewer=people.reviewer)
    client.force_login(people.officer)
    row = client.get(reverse("programs:round-desk", args=[round_.pk])).context["applications"].get(pk=application.pk)
    assert (row.n_reviews, row.n_scored, row.n_flags) == (1, 0, 1)


def test_an_officer_edits_the_screening_checklist(client, people):
    round_ = make_round()
    client.force_login(people.officer)
    client.post(reverse("programs:round-action", args=[round_.pk]),
                {"action": "checklist", "lines": "Budget attached | 附预算\n\nLab visit done"})
    round_.refresh_from_db()
    assert round_.screening_checklist == [
        {"key": "budget-attached", "label_en": "Budget attached", "label_zh": "附预算"},
        {"key": "lab-visit-done", "label_en": "Lab visit done", "label_zh": ""}]


def test_an_officer_extends_the_window_in_the_rounds_time_zone(client, people):
    round_ = make_round()
    client.force_login(people.officer)
    client.post(reverse("programs:round-action", args=[round_.pk]),
                {"action": "closing_time", "closes_at": "2031-01-01T08:00"})
    round_.refresh_from_db()
    assert round_.closes_at.isoformat() == "2031-01-01T00:00:00+00:00"  # 08:00 in Beijing
