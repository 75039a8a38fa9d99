"""Every loans page renders for the people who may see it and refuses the others."""

import pytest
from django.test import Client

from lunarshare.loans.services import ReturnLine, loan_return
from lunarshare.loans.tests.factories import received_loan, signed_loan

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_staff_pages_render(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the agreement PDFs are written on commit
        loan = received_loan(people, masses=(40_000, 30_000))
    first = loan.items.select_related("sample").order_by("id").first()
    loan_return(actor=people.curator, loan=loan, lines=[ReturnLine(first.sample.identifier, 30_000)])
    curator, officer = client_for(people.curator), client_for(people.officer)
    for url in ["/en/loans/all/", f"/en/loans/{loan.pk}/", f"/en/loans/{loan.pk}/labels/", f"/en/loans/{loan.pk}/return/",
                "/en/loans/report/", "/en/loans/incidents/", f"/en/loans/{loan.pk}/certificate.pdf",
                f"/en/loans/{loan.pk}/agreement.pdf"]:
        assert curator.get(url).status_code == 200, url
    for url in ["/en/loans/new/", f"/en/loans/{loan.pk}/recall/", f"/en/loans/{loan.pk}/extend/", "/zh-hans/loans/report/"]:
        assert officer.get(url).status_code == 200, url
    incident = loan.incidents.get()
    assert curator.get(f"/en/loans/incidents/{incident.pk}/").status_code == 200
    csv = officer.get("/en/loans/report.csv")
    assert csv["Content-Type"].startswith("text/csv")
    text = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode()
    assert "mass_out_by_country,,,DE" in text and "incident" in text


def test_borrower_pages_render_and_other_borrowers_are_refused(people):
    loan = received_loan(people)
    alice, bob = client_for(people.alice), client_for(people.bob)
    for url in ["/en/loans/", f"/en/loans/{loan.pk}/", f"/en/loans/{loan.pk}/use/", f"/en/loans/{loan.pk}/extend/"]:
        assert alice.get(url).status_code == 200, url
    assert bob.get(f"/en/loans/{loan.pk}/").status_code == 404  # not his: it does not exist for him
    assert alice.get("/en/loans/report/").status_code == 403  # a staff page: it exists, she may not open it
    assert alice.get(f"/en/loans/{loan.pk}/return/").status_code == 403  # her loan, but only curators record returns
    assert Client().get(f"/en/loans/{loan.pk}/").status_code == 302


def test_a_refusal_is_shown_as_a_message_and_changes_nothing(people):
    loan = signed_loan(people)
    response = client_for(people.curator).post(f"/en/loans/{loan.pk}/ship/", {
        "courier": "c", "packaging": "p", "atmosphere": "nitrogen", "condition_report": "ok", "handed_over_to": "a"}, follow=True)
    assert "allocate every item" in response.content.decode()
    loan.refresh_from_db()
    assert loan.status == "signed"


def test_the_borrower_signs_on_the_sign_page(people):
    from lunarshare.loans.tests.factories import make_loan

    loan = make_loan(people)
    response = client_for(people.alice).post(f"/en/loans/{loan.pk}/sign/", {"typed_name": "Alice", "agree": "on"})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == "borrower_signed"


def test_a_curator_transfers_an_item_from_the_loan_page(people):
    source = received_loan(people, masses=(20_000, 10_000))
    target = received_loan(people, applicant=people.bob)
    identifier = source.items.order_by("id").first().sample.identifier
    response = client_for(people.curator).post(f"/en/loans/{source.pk}/transfer/",
                                               {"identifier": identifier, "to_loan": str(target), "note": "Joint study"})
    assert response.status_code == 302
    assert target.items.filter(sample__identifier=identifier, status="with_borrower").exists()
    assert source.items.get(sample__identifier=identifier).status == "transferred"
