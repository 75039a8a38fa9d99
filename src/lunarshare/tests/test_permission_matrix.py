"""Who may open which endpoint: ONE table, endpoint × role → status, for the API and the web.

Roles: anonymous, alice (owner of the applications and of the loan), bob (another applicant),
the assigned reviewer, another reviewer, officer, committee, auditor, curator.

* allowed: 200/201;
* not signed in: 401 from the API, 302 to the sign-in page from the web;
* forbidden (403): the person may see the object (or the page exists for everyone) but may
  not do this;
* not found (404): an application, review, loan, incident or embargoed dataset the person may
  not see answers exactly like one that does not exist.

A refused call changes nothing (no audit event) and the API answers ``{message, code, extra}``."""

from functools import cached_property

import pytest
from django.utils import timezone

from lunarshare.accounts.models import Role
from lunarshare.audit.models import Event
from lunarshare.programs import services
from lunarshare.programs.tests.factories import application_payload, make_application, make_round
from lunarshare.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anon", "alice", "bob", "reviewer", "reviewer2", "officer", "committee", "auditor", "curator"]


class World:
    """The objects the table points at, built on first use (a loan costs a whole application)."""

    def __init__(self, people):
        self.people = people
        self.users = {"anon": None, "alice": people.alice, "bob": people.bob, "reviewer": people.reviewer,
                      "reviewer2": UserFactory(roles=[Role.REVIEWER], institution=people.naoc),
                      "officer": people.officer, "committee": people.committee, "auditor": people.auditor,
                      "curator": people.curator}

    @cached_property
    def open(self):
        return make_round()

    @cached_property
    def draft(self):
        return make_round(status="draft")

    @cached_property
    def closed(self):
        return make_round(status="closed")

    @cached_property
    def published(self):
        published = make_round(status="closed")
        services.round_publish_results(actor=self.people.officer, round_=published)
        return published

    @cached_property
    def draft_app(self):
        return make_application(self.people.alice, self.open)

    @cached_property
    def submitted(self):
        return make_application(self.people.alice, self.open, status="submitted")

    @cached_property
    def under_review(self):
        """Under review, assigned to ``reviewer`` (not to ``reviewer2``)."""
        application = make_application(self.people.alice, self.open, status="under_review")
        self.review = services.review_assign(actor=self.people.officer, application=application,
                                             reviewer=self.people.reviewer)
        return application

    @cached_property
    def review(self):
        return self.under_review.reviews.get(reviewer=self.people.reviewer)

    @cached_property
    def loan(self):
        """Alice's loan, received and in use."""
        from lunarshare.loans.tests.factories import received_loan

        return received_loan(self.people)

    @cached_property
    def incident(self):
        from lunarshare.loans.services import incident_report

        return incident_report(actor=self.people.curator, loan=self.loan, kind="damaged", description="Seal cracked")

    @cached_property
    def dataset(self):
        """Embargoed data from alice's loan."""
        from lunarshare.science.services import dataset_create

        return dataset_create(actor=self.people.alice, title="Spectra", loan=self.loan)


@pytest.fixture
def world(people):
    return World(people)


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
LOAN_READERS = {"alice": 200, "officer": 200, "committee": 200, "auditor": 200, "curator": 200}
WEB = {"anon": 302}  # the web sends anonymous visitors to sign in

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
                            only({"alice": 200, "reviewer": 200, "officer": 200, "committee": 200, "auditor": 200},
                                 others=404)),
    "create an application": ("post", lambda w: "/api/v1/applications/",
                              lambda w: {"round": w.open.pk, **application_payload(w.open)}, only({"alice": 201, "bob": 201})),
    # a draft is seen by its owner and the staff readers; a reviewer sees only what is assigned
    "edit an application": ("patch", lambda w: f"/api/v1/applications/{w.draft_app.pk}/", lambda w: {"title": "T2"},
                            only({"alice": 200, "officer": 403, "committee": 403, "auditor": 403}, others=404)),
    "submit an application": ("post", lambda w: f"/api/v1/applications/{w.draft_app.pk}/submit/", None,
                              only({"alice": 200, "officer": 403, "committee": 403, "auditor": 403}, others=404)),
    "withdraw an application": ("post", lambda w: f"/api/v1/applications/{w.draft_app.pk}/withdraw/", None,
                                only({"alice": 200, "officer": 403, "committee": 403, "auditor": 403}, others=404)),
    "screen an application": ("post", lambda w: f"/api/v1/applications/{w.submitted.pk}/screen/",
                              lambda w: {"result": "return", "note": "Add the plan"},
                              only({"officer": 200, "alice": 403, "committee": 403, "auditor": 403}, others=404)),
    "decide an application": ("post", lambda w: f"/api/v1/applications/{w.under_review.pk}/decide/",
                              lambda w: {"decision": "approve", "reason": "good"},
                              only({"committee": 200, "alice": 403, "reviewer": 403, "officer": 403, "auditor": 403},
                                   others=404)),
    "assign a reviewer by hand": ("post", lambda w: f"/api/v1/applications/{w.under_review.pk}/assign-reviewer/",
                                  lambda w: {"reviewer": w.users["reviewer2"].pk}, only({"officer": 201})),
    "list reviews": ("get", lambda w: "/api/v1/reviews/", None, only(STAFF_AND_REVIEWER)),
    "read a review": ("get", lambda w: f"/api/v1/reviews/{w.review.pk}/", None,
                      only({"reviewer": 200, "reviewer2": 404, "officer": 200, "committee": 200, "auditor": 200})),
    "declare a conflict": ("post", lambda w: f"/api/v1/reviews/{w.review.pk}/conflict/", lambda w: {"reason": "co-author"},
                           only({"reviewer": 200, "reviewer2": 404})),
    "score a review": ("post", lambda w: f"/api/v1/reviews/{w.review.pk}/score/",
                       lambda w: {"scores": {"merit": 5, "feasibility": 4, "team": 4, "sample-use": 3}, "comment": "ok"},
                       only({"reviewer": 200, "reviewer2": 404, "officer": 403, "committee": 403, "auditor": 403},
                            others=404)),
    # --- loans, incidents, data (API) ---
    "list loans": ("get", lambda w: "/api/v1/loans/", None, {**everyone(200), "anon": 401}),
    "read a loan": ("get", lambda w: f"/api/v1/loans/{w.loan.pk}/", None, only(LOAN_READERS, others=404)),
    "read a loan's agreement": ("get", lambda w: f"/api/v1/loans/{w.loan.pk}/certificate.pdf", None,
                                only(LOAN_READERS, others=404)),
    "confirm a loan's inventory": ("post", lambda w: f"/api/v1/loans/{w.loan.pk}/inventory/", lambda w: {"note": "all there"},
                                   only({"alice": 201, "officer": 403, "committee": 403, "auditor": 403, "curator": 403},
                                        others=404)),
    "report an incident on a loan": ("post", lambda w: f"/api/v1/loans/{w.loan.pk}/incidents/",
                                     lambda w: {"kind": "damaged", "description": "Vial cracked"},
                                     only({"alice": 201, "officer": 201, "curator": 201, "committee": 403, "auditor": 403},
                                          others=404)),
    "loan report (staff list)": ("get", lambda w: "/api/v1/loans/report/", None,
                                 only({"officer": 200, "curator": 200, "auditor": 200})),
    "list incidents": ("get", lambda w: "/api/v1/incidents/", None, {**everyone(200), "anon": 401}),
    "read an incident": ("get", lambda w: f"/api/v1/incidents/{w.incident.pk}/", None, only(LOAN_READERS, others=404)),
    "investigate an incident": ("post", lambda w: f"/api/v1/incidents/{w.incident.pk}/investigate/", lambda w: {"note": "n"},
                                only({"officer": 200, "curator": 200})),
    "list datasets": ("get", lambda w: "/api/v1/datasets/", None, everyone(200)),
    "read an embargoed dataset": ("get", lambda w: f"/api/v1/datasets/{w.dataset.pk}/", None,
                                  only({"alice": 200, "officer": 200, "auditor": 200, "curator": 200},
                                       anon=404, others=404)),
    # --- web pages ---
    "web: an application page": ("get", lambda w: f"/en/applications/{w.under_review.pk}/", None,
                                 only({"alice": 200, "reviewer": 200, "officer": 200, "committee": 200, "auditor": 200},
                                      **WEB, others=404)),
    "web: a review page": ("get", lambda w: f"/en/reviews/{w.review.pk}/", None,
                           only({"reviewer": 200, "reviewer2": 404, "officer": 200, "committee": 200, "auditor": 200},
                                **WEB)),
    "web: a loan page": ("get", lambda w: f"/en/loans/{w.loan.pk}/", None, only(LOAN_READERS, **WEB, others=404)),
    "web: record a return (curators)": ("get", lambda w: f"/en/loans/{w.loan.pk}/return/", None,
                                        only({"curator": 200}, **WEB)),
    "web: an incident page": ("get", lambda w: f"/en/loans/incidents/{w.incident.pk}/", None,
                              only(LOAN_READERS, **WEB, others=404)),
    "web: the loan report (staff list)": ("get", lambda w: "/en/loans/report/", None,
                                          only({"officer": 200, "curator": 200, "auditor": 200}, **WEB)),
    "web: an embargoed dataset page": ("get", lambda w: f"/en/data/{w.dataset.pk}/", None,
                                       only({"alice": 200, "officer": 200, "auditor": 200, "curator": 200},
                                            anon=404, others=404)),
}

CASES = [(name, role) for name in ENDPOINTS for role in ROLES]


@pytest.mark.parametrize("endpoint,role", CASES, ids=[f"{n} as {r}" for n, r in CASES])
def test_permission_matrix(world, api_as, client, endpoint, role):
    method, url, body, expected = ENDPOINTS[endpoint]
    address, data = url(world), body(world) if body else None  # build the objects before counting events
    user = world.users[role]
    if address.startswith("/api/"):
        client = api_as(user)
    elif user is not None:
        client.force_login(user)
    events_before = Event.objects.count()
    kwargs = {"format": "json"} if body and address.startswith("/api/") else {}
    response = getattr(client, method)(address, data, **kwargs)
    assert response.status_code == expected[role], response.content[:500]
    if response.status_code >= 400 or response.status_code == 302:
        assert Event.objects.count() == events_before, "a refused call changed something"
    if response.status_code >= 400 and address.startswith("/api/"):
        assert set(response.json()) == {"message", "code", "extra"}


def test_not_found_is_the_same_answer_as_for_an_object_that_does_not_exist(world, api_as):
    """bob's 404 for alice's loan carries the same message as a loan number nobody has."""
    bob = api_as(world.users["bob"])
    hidden = bob.get(f"/api/v1/loans/{world.loan.pk}/").json()
    missing = bob.get("/api/v1/loans/999999/").json()
    assert hidden == missing
