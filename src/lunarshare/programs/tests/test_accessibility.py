"""axe-core finds no serious or critical violation on the programme pages people work in:
the application form, the application with its screening and decision forms, the round desk,
a reviewer's scoring page and the announced results."""

import pytest

from lunarshare.programs import services
from lunarshare.programs.tests.factories import STANDARD_RULES, make_application, make_round
from lunarshare.testing.helpers import browser_login
from lunarshare.web.tests.test_accessibility import _violations


@pytest.mark.django_db(transaction=True)
def test_the_programme_desks_have_no_serious_accessibility_violations(page, people):
    round_ = make_round(rules=STANDARD_RULES)
    draft = make_application(people.alice, round_)
    submitted = make_application(people.bob, round_, status="submitted", funder="NASA")
    review_app = make_application(people.alice, round_, status="under_review")
    review = services.review_assign(actor=people.officer, application=review_app, reviewer=people.reviewer)
    published = make_round(status="closed")
    services.round_publish_results(actor=people.committee, round_=published)
    visits = {
        None: [f"/en/results/{published.pk}/", f"/en/rounds/{round_.pk}/", "/en/rules/"],
        "alice": [f"/en/applications/{draft.pk}/edit/", f"/en/applications/{draft.pk}/", "/en/applications/"],
        "offi": [f"/en/applications/{submitted.pk}/", f"/en/desk/rounds/{round_.pk}/", "/en/desk/programme/", "/en/desk/", "/en/desk/rounds/new/"],
        "revi": [f"/en/reviews/{review.pk}/", "/en/reviews/"],
        "comm": [f"/en/applications/{review_app.pk}/"],
    }
    found = {}
    for username, paths in visits.items():
        page.context.clear_cookies()
        if username:
            browser_login(page, username)
        for path in paths:
            response = page.goto(f"{page.base_url}{path}")
            assert response.status == 200, f"{path} as {username}: HTTP {response.status}"
            violations = _violations(page)
            if violations:
                found[f"{path} as {username}"] = violations
    assert not found, found
