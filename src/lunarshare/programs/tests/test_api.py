"""The API contract: the full flow, visibility, bad input, results."""

import pytest
from django.urls import resolve
from django.utils import timezone

from lunarshare.accounts.models import Role
from lunarshare.programs import services
from lunarshare.programs.models import Application, ApplicationStatus
from lunarshare.programs.tests.factories import VALID_ORCID, make_application, make_reviewers, make_round
from lunarshare.testing.factories import MissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_whole_programme_through_the_api(people, api_as):
    officer, committee = api_as(people.officer), api_as(people.committee)
    MissionFactory(code="CE5")
    now = timezone.now()
    response = officer.post("/api/v1/rounds/", {
        "kind": "international", "title_en": "International round", "missions": ["CE5"],
        "opens_at": now.isoformat(), "closes_at": (now + timezone.timedelta(days=40)).isoformat(),
        "sample_sets": [{"name_en": "Scooped powder", "form": "powder", "offered_mass_ug": 500_000}],
        "compliance_rules": [{"type": "legal_review", "params": {"countries": ["US"], "funders": ["NASA"]}}],
    }, format="json")
    assert response.status_code == 201, response.content
    round_id, set_id = response.json()["id"], response.json()["sample_sets"][0]["id"]
    assert officer.post(f"/api/v1/rounds/{round_id}/open/").json()["status"] == "open"

    bob = api_as(people.bob)
    created = bob.post("/api/v1/applications/", {
        "round": round_id, "title": "Spectra of CE-5 soil", "abstract": "a", "research_plan": "p",
        "team": [{"name": "Demo Bob", "orcid": VALID_ORCID}], "funding": [{"agency": "NASA", "country": "US"}],
        "items": [{"sample_set": set_id, "requested_mass_ug": 300_000}]}, format="json")
    assert created.status_code == 201, created.content
    app_id = created.json()["id"]
    assert created.json()["compliance"][0]["outcome"] == "flag"
    assert bob.patch(f"/api/v1/applications/{app_id}/", {"title": "Spectra of CE-5 regolith"}, format="json").status_code == 200
    assert bob.post(f"/api/v1/applications/{app_id}/submit/").json()["status"] == "submitted"
    assert officer.post(f"/api/v1/applications/{app_id}/screen/", {"result": "pass", "note": ""},
                        format="json").json()["status"] == "under_review"

    make_reviewers(2)
    summary = officer.post(f"/api/v1/rounds/{round_id}/assign-reviewers/", {"per_application": 2}, format="json").json()
    assert summary["created"] == 2 and summary["shortfall"] == {}
    application = Application.objects.get(pk=app_id)
    for review in application.reviews.all():
        reviews = api_as(review.reviewer).get("/api/v1/reviews/").json()["results"]
        assert [r["id"] for r in reviews] == [review.pk]
        scored = api_as(review.reviewer).post(f"/api/v1/reviews/{review.pk}/score/", {
            "scores": {"merit": 4, "feasibility": 4, "team": 5, "sample-use": 3}, "comment": "good"}, format="json")
        assert scored.status_code == 200 and scored.json()["weighted_score"] == "4.100"

    refused = committee.post(f"/api/v1/applications/{app_id}/decide/", {"decision": "approve"}, format="json")
    assert refused.status_code == 409 and "legal-review" in refused.json()["message"]
    flag = application.compliance_results.get()
    assert officer.post(f"/api/v1/applications/{app_id}/resolve-flag/", {"result": flag.pk, "resolution": "Internal funds"},
                        format="json").status_code == 200
    item = application.items.get()
    decided = committee.post(f"/api/v1/applications/{app_id}/decide/", {
        "decision": "reduce", "items": [{"id": item.pk, "mass_ug": 60_000}], "reason": "Enough for the spectra"},
        format="json")
    assert decided.json()["status"] == "reduced" and decided.json()["items"][0]["approved_mass_ug"] == 60_000

    assert api_as(None).get(f"/api/v1/rounds/{round_id}/results/").status_code == 404
    assert officer.post(f"/api/v1/rounds/{round_id}/close/").status_code == 200
    published = committee.post(f"/api/v1/rounds/{round_id}/publish-results/")
    assert published.status_code == 200
    results = api_as(None).get(f"/api/v1/rounds/{round_id}/results/").json()
    assert results["institutions_count"] == 1 and results["countries_count"] == 1 and results["total_mass_ug"] == 60_000
    assert results["awards"] == [{"institution": "Stony Brook University", "institution_zh": people.stony.name_zh, "institution_id": people.stony.pk,
                                  "country": "US", "mass_ug": 60_000, "applications": 1}]


def test_each_user_lists_only_what_they_may(people, api_as):
    round_ = make_round()
    mine = make_application(people.alice, round_, status="under_review")
    theirs = make_application(people.bob, round_, status="under_review")
    services.review_assign(actor=people.officer, application=theirs, reviewer=people.reviewer)

    def ids(user):
        return {row["id"] for row in api_as(user).get("/api/v1/applications/").json()["results"]}

    assert ids(people.alice) == {mine.pk}
    assert ids(people.bob) == {theirs.pk}
    assert ids(people.reviewer) == {theirs.pk}
    assert ids(people.officer) == ids(people.committee) == ids(people.auditor) == {mine.pk, theirs.pk}
    assert ids(people.curator) == set()


def test_a_reviewer_who_declared_a_conflict_no_longer_sees_the_application(people, api_as):
    application = make_application(people.alice, make_round(), status="under_review")
    review = services.review_assign(actor=people.officer, application=application, reviewer=people.reviewer)
    api_as(people.reviewer).post(f"/api/v1/reviews/{review.pk}/conflict/", {"reason": "co-author"}, format="json")
    assert api_as(people.reviewer).get(f"/api/v1/applications/{application.pk}/").status_code == 404


@pytest.mark.parametrize("body", [
    "{not json", {"round": "x", "title": "t"}, {"round": 10**30, "title": "t"}, {"round": 999999, "title": "t"},
    {"title": "t"}, {"round": "ROUND", "title": "t", "items": [{"sample_set": 999999, "requested_mass_ug": 5}]},
    {"round": "ROUND", "title": "t", "items": [{"sample_set": "SET", "requested_mass_ug": 10**40}]},
    {"round": "ROUND", "title": "t", "items": "many"}, {"round": "ROUND", "title": "t", "team": [{"orcid": "1"}]},
    {"round": "ROUND", "title": ""},
])
def test_bad_application_input_is_a_4xx_with_a_message(people, api_as, body):
    round_ = make_round()
    set_id = round_.sample_sets.first().pk
    if isinstance(body, dict):
        body = {k: (round_.pk if v == "ROUND" else v) for k, v in body.items()}
        if isinstance(body.get("items"), list):
            body["items"] = [{**row, "sample_set": set_id if row["sample_set"] == "SET" else row["sample_set"]}
                             for row in body["items"]]
        response = api_as(people.alice).post("/api/v1/applications/", body, format="json")
    else:
        response = api_as(people.alice).generic("POST", "/api/v1/applications/", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json()["message"]
    assert not Application.objects.exists()


@pytest.mark.parametrize("body", [
    {"decision": "maybe"}, {"decision": "reduce", "items": [{"id": "x", "mass_ug": 1}]},
    {"decision": "reduce", "items": [{"id": 1, "mass_ug": -1}]}, {"decision": "reduce", "items": "all"},
    {"decision": "reduce", "items": [{"id": 10**30, "mass_ug": 1}]},
])
def test_bad_decisions_are_refused_and_change_nothing(people, api_as, body):
    application = make_application(people.alice, make_round(), status="under_review")
    response = api_as(people.committee).post(f"/api/v1/applications/{application.pk}/decide/", body, format="json")
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW


@pytest.mark.parametrize("url", ["/api/v1/applications/abc/", "/api/v1/applications/99999999/",
                                 "/api/v1/reviews/99999999/", "/api/v1/rounds/99999999/"])
def test_unknown_ids_are_404(people, api_as, url):
    assert api_as(people.officer).get(url).status_code == 404


def test_scores_of_the_wrong_type_are_400(people, api_as):
    application = make_application(people.alice, make_round(), status="under_review")
    review = services.review_assign(actor=people.officer, application=application, reviewer=people.reviewer)
    for scores in ({"merit": [1]}, "five", {"merit": 1e308, "feasibility": 1, "team": 1, "sample-use": 1}):
        response = api_as(people.reviewer).post(f"/api/v1/reviews/{review.pk}/score/", {"scores": scores}, format="json")
        assert response.status_code == 400, response.content


def test_invalid_transitions_answer_409(people, api_as):
    application = make_application(people.alice, make_round(), status="submitted")
    response = api_as(people.alice).post(f"/api/v1/applications/{application.pk}/submit/")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"


def test_a_pdf_can_be_attached_and_anything_else_is_refused(people, api_as):
    from lunarshare.programs.tests.factories import pdf_upload

    application = make_application(people.alice, make_round())
    url = f"/api/v1/applications/{application.pk}/attachments/"
    ok = api_as(people.alice).post(url, {"file": pdf_upload(), "kind": "research_plan"}, format="multipart")
    assert ok.status_code == 201 and len(ok.json()["sha256"]) == 64
    bad = api_as(people.alice).post(url, {"file": pdf_upload("x.pdf", b"<html>"), "kind": "other"}, format="multipart")
    assert bad.status_code == 400 and "PDF" in bad.json()["message"]


def test_application_routes_leave_room_for_create_loan():
    from django.urls import Resolver404

    try:
        match = resolve("/api/v1/applications/1/create-loan/")
    except Resolver404:
        return  # loans not mounted in this tree yet: nothing of ours swallowed it
    assert "programs" not in match.func.__module__


def test_the_api_schema_is_valid(people, api_as):
    response = api_as(people.officer).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/applications/{id}/decide/" in response.content.decode()


def test_an_applicant_without_an_institution_cannot_apply(people, api_as):
    nobody = UserFactory(institution=None, roles=[Role.APPLICANT])
    response = api_as(nobody).post("/api/v1/applications/", {"round": make_round().pk, "title": "x"}, format="json")
    assert response.status_code == 403


def test_published_rules_are_public_and_drafts_are_not(people, api_as):
    import datetime

    document = services.rule_document_create(actor=people.officer, title_en="Measures", slug="measures")
    services.rule_version_create(actor=people.officer, document=document, version="2020", publish=True,
                                 effective_date=datetime.date(2020, 12, 17))
    services.rule_version_create(actor=people.officer, document=document, version="draft",
                                 effective_date=datetime.date(2030, 1, 1))
    rules = api_as(None).get("/api/v1/rules/").json()
    assert [v["version"] for v in rules[0]["versions"]] == ["2020"]
    assert api_as(None).get("/api/v1/rules/measures/").status_code == 200
    assert api_as(None).get("/api/v1/rules/nothing/").status_code == 404
