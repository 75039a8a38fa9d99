"""Forms and flows people can use: refusals that name what blocks them, confirmation before
irreversible steps, the reviews count before deciding, a way in for visitors on open rounds,
and an application editor whose empty rows never block saving."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lunarshare.errors import InvalidTransition
from lunarshare.programs import services
from lunarshare.programs.models import ApplicationStatus, RoundStatus

from .factories import make_application, make_reviewers, make_round, refresh

pytestmark = pytest.mark.django_db


def test_publishing_is_refused_with_the_references_still_pending(people):
    round_ = make_round()
    first = make_application(people.alice, round_, status="under_review")
    second = make_application(people.bob, round_, status="submitted")
    services.round_close(actor=people.officer, round_=round_)
    with pytest.raises(InvalidTransition) as refused:
        services.round_publish_results(actor=people.committee, round_=round_)
    assert first.reference in str(refused.value.message) and second.reference in str(refused.value.message)
    assert sorted(refused.value.extra["applications"]) == sorted([first.reference, second.reference])
    assert refresh(round_).status == RoundStatus.CLOSED


def test_the_reviewer_shortfall_names_the_applications(client, people):
    round_ = make_round()
    application = make_application(people.alice, round_, status="under_review")
    make_reviewers(1)
    client.force_login(people.officer)
    response = client.post(reverse("programs:round-action", args=[round_.pk]),
                           {"action": "assign", "per_application": "3"}, follow=True)
    assert f"{application.reference} could not get enough conflict-free reviewers" in response.content.decode()


@pytest.mark.parametrize("language,question", [("en", "Submit application"), ("zh-hans", "确认提交申请")])
def test_submitting_asks_for_confirmation_first(client, people, language, question):
    application = make_application(people.alice, make_round())
    client.force_login(people.alice)
    url = f"/{language}/applications/{application.pk}/action/"
    response = client.post(url, {"action": "submit"})
    assert response.status_code == 200 and question in response.content.decode()
    assert 'name="confirmed" value="1"' in response.content.decode()
    assert refresh(application).status == ApplicationStatus.DRAFT  # nothing happened yet
    client.post(url, {"action": "submit", "confirmed": "1"})
    assert refresh(application).status == ApplicationStatus.SUBMITTED


def test_closing_a_round_early_and_publishing_ask_first(client, people):
    round_ = make_round()
    client.force_login(people.officer)
    url = reverse("programs:round-action", args=[round_.pk])
    response = client.post(url, {"action": "close"})
    assert "before its closing time" in response.content.decode()
    assert refresh(round_).status == RoundStatus.OPEN
    client.post(url, {"action": "close", "confirmed": "1"})
    assert refresh(round_).status == RoundStatus.CLOSED
    response = client.post(url, {"action": "publish"})
    assert "Publish the results" in response.content.decode() and refresh(round_).status == RoundStatus.CLOSED


def test_the_round_desk_buttons_carry_their_questions(client, people):
    round_ = make_round()
    client.force_login(people.officer)
    body = client.get(reverse("programs:round-desk", args=[round_.pk])).content.decode()
    assert 'data-confirm="Close “' in body and "before its closing time?" in body


def test_the_committee_sees_how_many_reviews_are_in_and_is_warned(client, people):
    round_ = make_round()
    application = make_application(people.alice, round_, status="under_review")
    first, second = make_reviewers(2)
    review = services.review_assign(actor=people.officer, application=application, reviewer=first)
    services.review_assign(actor=people.officer, application=application, reviewer=second)
    criteria = {c.key: c.scale_max for c in round_.criteria.all()}
    services.review_score(actor=first, review=review, scores=criteria, comment="Good.")
    client.force_login(people.committee)
    body = client.get(reverse("programs:application-detail", args=[application.pk])).content.decode()
    assert "Reviews in: 1 of 2" in body and "Only 1 of 2 reviews are in." in body
    response = client.post(reverse("programs:application-action", args=[application.pk]),
                           {"action": "decide", "decision": "approve", "reason": "ok"})
    assert "Only 1 of 2 reviews are in." in response.content.decode()
    assert refresh(application).status == ApplicationStatus.UNDER_REVIEW
    body = client.get(f"/zh-hans/applications/{application.pk}/").content.decode()
    assert "已收评审：1 / 2" in body


@pytest.mark.parametrize("language,login,signup", [("en", "Log in to apply", "Sign up"), ("zh-hans", "登录后申请", "注册")])
def test_a_visitor_on_an_open_round_is_offered_to_log_in_or_sign_up(client, language, login, signup):
    round_ = make_round()
    body = client.get(f"/{language}/rounds/{round_.pk}/").content.decode()
    assert login in body and signup in body
    apply_url = f"/{language}/applications/new/{round_.pk}/"
    assert f'href="/{language}/accounts/login/?next={apply_url}"' in body
    assert f'href="/{language}/accounts/signup/?next={apply_url}"' in body


def test_a_closed_round_offers_no_way_to_apply(client):
    round_ = make_round(status="closed")
    assert "Log in to apply" not in client.get(f"/en/rounds/{round_.pk}/").content.decode()


def _editor_post(application, **changes):
    round_ = application.round
    powder = round_.sample_sets.get(form="powder")
    data = {"title": application.title, "abstract": "", "research_plan": "", "expected_outputs": ""}
    for prefix, total in (("team", 2), ("funding", 1), ("methods", 1), ("items", 2)):
        data.update({f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "50"})
    data.update({"team-0-name": "Demo Researcher", "funding-0-agency": "DFG", "methods-0-name": "SIMS",
                 "items-0-sample_set": str(powder.pk), "items-0-mass": "50",
                 # the blank default rows, exactly as the browser sends them
                 "team-1-name": "", "items-1-sample_set": "", "items-1-mass": "", "items-1-purpose": ""})
    data.update(changes)
    return data


def test_blank_extra_rows_never_block_saving(client, people):
    application = make_application(people.alice, make_round())
    client.force_login(people.alice)
    response = client.post(reverse("programs:application-edit", args=[application.pk]), _editor_post(application))
    assert response.status_code == 302
    assert list(application.items.values_list("requested_mass_ug", flat=True)) == [50_000]


def test_errors_are_summarised_at_the_top_and_shown_at_the_field(client, people):
    application = make_application(people.alice, make_round())
    client.force_login(people.alice)
    response = client.post(reverse("programs:application-edit", args=[application.pk]),
                           _editor_post(application, **{"items-0-mass": "lots"}))
    body = response.content.decode()
    assert response.status_code == 200 and 'id="error-summary"' in body
    assert 'href="#id_items-0-mass"' in body and 'id="id_items-0-mass-error"' in body
    assert body.index('id="error-summary"') < body.index('name="items-0-mass"')
    assert list(application.items.values_list("requested_mass_ug", flat=True)) == [100_000]  # unchanged


def test_more_rows_without_javascript_adds_empty_rows_and_saves_nothing(client, people):
    application = make_application(people.alice, make_round())
    client.force_login(people.alice)
    response = client.post(reverse("programs:application-edit", args=[application.pk]),
                           _editor_post(application, more="items", **{"items-0-mass": "70"}))
    body = response.content.decode()
    assert response.status_code == 200 and 'name="items-3-mass"' in body and 'id="error-summary"' not in body
    assert list(application.items.values_list("requested_mass_ug", flat=True)) == [100_000]


def test_a_row_is_removed_with_its_remove_box(client, people):
    application = make_application(people.alice, make_round())
    client.force_login(people.alice)
    client.post(reverse("programs:application-edit", args=[application.pk]),
                _editor_post(application, **{"team-1-name": "Second Person", "team-0-DELETE": "on"}))
    assert list(application.team.values_list("name", flat=True)) == ["Second Person"]
