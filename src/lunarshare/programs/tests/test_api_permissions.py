"""Who may call which endpoint: one table, every endpoint, every role.

Roles: anonymous, alice (owner of the applications), bob (another applicant), the assigned
reviewer, another reviewer, officer, committee, auditor, curator. 401 for anonymous callers
of protected endpoints, 403 for signed-in callers without the right, and nothing changes."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from lunarshare.accounts.models import Role
from lunarshare.audit.models import Event
from lunarshare.programs import services
from lunarshare.programs.tests.factories import application_payload, make_application, make_round
from lunarshare.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anon", "alice", "bob", "reviewer", "reviewer2", "officer", "committee", "auditor", "curator"]


@pytest.fixture
def world(people):
    open_round = make_round()
    closed_round = make_round(status="closed")
    published = make_round(status="closed")
    services.round_publish_results(actor=people.officer, round_=published)
    under_review = make_application(people.alice, open_round, status="under_review")
    review = services.review_assign(actor=people.officer, application=under_review, reviewer=people.reviewer)
    return SimpleNamespace(
        open=open_round, draft=make_round(status="draft"), closed=closed_round, published=published,
        draft_app=make_application(people.alice, open_round),
        submitted=make_application(people.alice, open_round, status="submitted"),
        under_review=under_review, review=review,
        users={"anon": None, "alice": people.alice, "bob": people.bob, "reviewer": people.reviewer,
               "reviewer2": UserFactory(roles=[Role.REVIEWER], institution=people.naoc), "officer": people.officer,
               "committee": people.committee, "auditor": people.auditor, "curator": people.curator},
    )


def _round_body(w):
    now = timezone.now()
    return {"title_en": "API round", "opens_at": now.isoformat(), "closes_at": (now + timezone.timedelta(days=9)).isoformat()}


def everyone(code):
    return dict.fromkeys(ROLES, code)


def only(allowed: dict, *, anon=401, others=403):
    table = {role: others for role in ROLES}
    table["anon"] = anon
    table.update(allowed)
    return table


STAFF_AND_REVIEWER = {"reviewer": 200, "reviewer2": 200, "officer": 200, "committee": 200, "auditor": 200}

# endpoint name -> (method, url(w), body(w), expected status by role)
ENDPOINTS = {
    "list rounds": ("get", lambda w: "/api/v1/rounds/", None, everyone(200)),
    "read a round": ("get", lambda w: f"/api/v1/rounds/{w.open.pk}/", None, everyone(200)),
    "create a round": ("post", lambda w: "/api/v1/rounds/", _round_body, only({"officer": 201})),
    "open a round": ("post", lambda w: f"/api/v1/rounds/{w.draft.pk}/open/", None, only({"officer": 200})),
    "close a round": ("post", lambda w: f"/api/v1/rounds/{w.open.pk}/close/", None, only({"officer": 200})),
    "assign reviewers": ("post", lambda w: f"/api/v1/rounds/{w.open.pk}/assign-reviewers/", lambda w: {"per_application": 1},
                         only({"officer": 200})),
    "publish results": ("post", lambda w: f"/api/v1/rounds/{w.closed.pk}/publish-results/", None,
                        only({"officer": 200, "committee": 200})),
    "read published results": ("get", lambda w: f"/api/v1/rounds/{w.published.pk}/results/", None, everyone(200)),
    "read unpublished results": ("get", lambda w: f"/api/v1/rounds/{w.closed.pk}/results/", None,
                                 only({"officer": 200, "committee": 200, "auditor": 200}, anon=404, others=404)),
    "ranking": ("get", lambda w: f"/api/v1/rounds/{w.open.pk}/ranking/", None,
                only({"officer": 200, "committee": 200, "auditor": 200})),
    "list applications": ("get", lambda w: "/api/v1/applications/", None, {**everyone(200), "anon": 401}),
    "read an application": ("get", lambda w: f"/api/v1/applications/{w.under_review.pk}/", None,
                            only({"alice": 200, "reviewer": 200, "officer": 200, "committee": 200, "auditor": 200})),
    "create an application": ("post", lambda w: "/api/v1/applications/",
                              lambda w: {"round": w.open.pk, **application_payload(w.open)}, only({"alice": 201, "bob": 201})),
    "edit an application": ("patch", lambda w: f"/api/v1/applications/{w.draft_app.pk}/", lambda w: {"title": "T2"},
                            only({"alice": 200})),
    "submit an application": ("post", lambda w: f"/api/v1/applications/{w.draft_app.pk}/submit/", None, only({"alice": 200})),
    "withdraw an application": ("post", lambda w: f"/api/v1/applications/{w.draft_app.pk}/withdraw/", None,
                                only({"alice": 200})),
    "screen an application": ("post", lambda w: f"/api/v1/applications/{w.submitted.pk}/screen/",
                              lambda w: {"result": "return", "note": "Add the plan"}, only({"officer": 200})),
    "decide an application": ("post", lambda w: f"/api/v1/applications/{w.under_review.pk}/decide/",
                              lambda w: {"decision": "approve", "reason": "good"}, only({"committee": 200})),
    "assign a reviewer by hand": ("post", lambda w: f"/api/v1/applications/{w.under_review.pk}/assign-reviewer/",
                                  lambda w: {"reviewer": w.users["reviewer2"].pk}, only({"officer": 201})),
    "list reviews": ("get", lambda w: "/api/v1/reviews/", None, only(STAFF_AND_REVIEWER)),
    "read a review": ("get", lambda w: f"/api/v1/reviews/{w.review.pk}/", None,
                      only({"reviewer": 200, "officer": 200, "committee": 200, "auditor": 200})),
    "declare a conflict": ("post", lambda w: f"/api/v1/reviews/{w.review.pk}/conflict/", lambda w: {"reason": "co-author"},
                           only({"reviewer": 200})),
    "score a review": ("post", lambda w: f"/api/v1/reviews/{w.review.pk}/score/",
                       lambda w: {"scores": {"merit": 5, "feasibility": 4, "team": 4, "sample-use": 3}, "comment": "ok"},
                       only({"reviewer": 200})),
}

CASES = [(name, role) for name in ENDPOINTS for role in ROLES]


@pytest.mark.parametrize("endpoint,role", CASES, ids=[f"{n} as {r}" for n, r in CASES])
def test_permission_matrix(world, api_as, endpoint, role):
    method, url, body, expected = ENDPOINTS[endpoint]
    client = api_as(world.users[role])
    events_before = Event.objects.count()
    kwargs = {"format": "json"} if body else {}
    response = getattr(client, method)(url(world), body(world) if body else None, **kwargs)
    assert response.status_code == expected[role], response.content
    if response.status_code >= 400:
        assert set(response.json()) == {"message", "code", "extra"}
        assert Event.objects.count() == events_before, "a refused call changed something"
