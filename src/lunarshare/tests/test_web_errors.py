"""The one mapping from domain errors to web responses (DomainErrorMiddleware)."""

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from lunarshare.errors import InvalidTransition, NotFoundError, PermissionDeniedError, ValidationFailed
from lunarshare.web_errors import DomainErrorMiddleware

pytestmark = pytest.mark.django_db
middleware = DomainErrorMiddleware(lambda request: None)


def _request(method="get", path="/en/loans/5/", **headers):
    request = getattr(RequestFactory(), method)(path, **headers)
    request._messages = CookieStorage(request)
    request.resolver_match = None
    return request


def test_a_hidden_object_is_the_404_page():
    with pytest.raises(Http404):
        middleware.process_exception(_request(), NotFoundError("No such loan."))


def test_an_action_the_person_may_not_take_is_the_403_page():
    with pytest.raises(PermissionDenied, match="Only curators"):
        middleware.process_exception(_request(), PermissionDeniedError("Only curators may ship a loan."))


def test_a_refused_post_goes_back_to_the_page_it_came_from_with_the_message():
    request = _request("post", "/en/loans/5/close/", HTTP_REFERER="http://testserver/en/loans/5/")
    response = middleware.process_exception(request, InvalidTransition("Loan LN-5 is in use; it cannot be closed."))
    assert response.status_code == 302 and response["Location"] == "http://testserver/en/loans/5/"
    assert [str(m) for m in get_messages(request)] == ["Loan LN-5 is in use; it cannot be closed."]


def test_a_referer_from_another_site_is_not_followed():
    request = _request("post", "/en/loans/5/", HTTP_REFERER="https://evil.example/phish")
    response = middleware.process_exception(request, ValidationFailed("Give a reason."))
    assert response["Location"] == "/en/loans/5/"


def test_a_refused_get_shows_the_message_with_the_errors_status(client):
    response = middleware.process_exception(_request(), InvalidTransition("Nothing left to sign."))
    assert response.status_code == 409 and "Nothing left to sign." in response.content.decode()


def test_the_api_keeps_its_own_handler():
    assert middleware.process_exception(_request(path="/api/v1/loans/5/"), ValidationFailed("x")) is None


def test_a_refused_post_without_referer_goes_to_the_page_the_view_names(client, people):
    """End to end: an officer revoking their own officer role, posted without a Referer."""
    from django.urls import reverse

    client.force_login(people.officer)
    response = client.post(reverse("accounts:person-roles", args=[people.officer.pk]),
                           {"role": "officer", "action": "revoke"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:officer-people")




def test_the_error_page_speaks_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        response = middleware.process_exception(_request(path="/zh-hans/loans/5/"), InvalidTransition("x"))
    assert "无法执行此操作" in response.content.decode()


def test_bulk_transition_obeys_the_map_and_changes_only_rows_in_the_state(people):
    from lunarshare.errors import InvalidTransition as Refused
    from lunarshare.errors import bulk_transition
    from lunarshare.programs import services
    from lunarshare.programs.models import Review, ReviewStatus
    from lunarshare.programs.tests.factories import make_application, make_round

    application = make_application(people.alice, make_round(), status="under_review")
    services.review_assign(actor=people.officer, application=application, reviewer=people.reviewer)
    with pytest.raises(Refused):
        bulk_transition(application.reviews.all(), Review.TRANSITIONS, ReviewStatus.CONFLICT, ReviewStatus.ASSIGNED,
                        what="A review")
    assert bulk_transition(application.reviews.all(), Review.TRANSITIONS, ReviewStatus.ASSIGNED, ReviewStatus.WITHDRAWN,
                           what="A review") == 1
    assert set(application.reviews.values_list("status", flat=True)) == {ReviewStatus.WITHDRAWN}
