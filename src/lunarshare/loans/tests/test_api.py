"""The API contract of issue 5, with refusals (403, 409/400) that change nothing."""

import pytest

from lunarshare.loans.models import Incident, Loan
from lunarshare.loans.tests.factories import make_approved_application, received_loan, signed_loan

pytestmark = pytest.mark.django_db

SHIP = {"courier": "Hand carried", "packaging": "Sealed vial in N2 can", "atmosphere": "nitrogen",
        "condition_report": "Intact", "handed_over_to": "Alice", "tracking_number": "HC-1"}


def test_the_whole_contract_end_to_end(people, api_as, django_capture_on_commit_callbacks):
    application = make_approved_application(applicant=people.alice, masses=(40_000,))
    parent = application.parent_sample
    officer, curator, alice = api_as(people.officer), api_as(people.curator), api_as(people.alice)

    response = officer.post(f"/api/v1/applications/{application.pk}/create-loan/")
    assert response.status_code == 201, response.json()
    loan = response.json()
    assert loan["status"] == "draft" and loan["items"][0]["sample"] is None
    loan_id, item_id = loan["id"], loan["items"][0]["id"]

    assert alice.post(f"/api/v1/loans/{loan_id}/sign/", {"typed_name": "Alice"}, format="json").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the signed PDF is written on commit
        signed = officer.post(f"/api/v1/loans/{loan_id}/sign/", {"typed_name": "Officer"}, format="json")
    assert signed.json()["status"] == "signed"
    pdf = alice.get(f"/api/v1/loans/{loan_id}/agreement.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    response = curator.post(f"/api/v1/loans/{loan_id}/allocate/",
                            {"item": item_id, "samples": [{"identifier": parent.identifier, "mass_ug": 40_000}]}, format="json")
    assert response.status_code == 200, response.json()
    child = response.json()["items"][0]["sample"]
    assert child.startswith(parent.identifier) and response.json()["items"][0]["mass_ug"] == 40_000

    assert curator.post(f"/api/v1/loans/{loan_id}/ship/", SHIP, format="json").json()["status"] == "shipped"
    assert alice.post(f"/api/v1/loans/{loan_id}/receive/", {"condition_report": "Fine"}, format="json").json()["status"] == "in_use"
    response = alice.post(f"/api/v1/loans/{loan_id}/consume/", {"identifier": child, "mass_ug": 2_000, "method": "SIMS",
                                                                 "video_url": "https://video.example.org/x"}, format="json")
    assert response.status_code == 201, response.json()
    response = curator.post(f"/api/v1/loans/{loan_id}/return/", {"items": [{"identifier": child, "returned_mass_ug": 37_000}]},
                            format="json")
    assert response.status_code == 200 and response.json()["status"] == "returned"
    assert response.json()["items"][0]["status"] == "returned"
    incidents = curator.get("/api/v1/incidents/").json()["results"]
    assert [i["kind"] for i in incidents] == ["discrepancy"] and incidents[0]["difference_ug"] == -1_000
    detail = alice.get(f"/api/v1/loans/{loan_id}/").json()
    assert {"status", "due_date", "items"} <= set(detail) and detail["items"][0]["sample"] == child


def test_borrowers_see_only_their_loans(people, api_as):
    loan = signed_loan(people)
    assert api_as(people.bob).get("/api/v1/loans/").json()["count"] == 0
    assert api_as(people.alice).get("/api/v1/loans/").json()["count"] == 1
    assert api_as(people.bob).get(f"/api/v1/loans/{loan.pk}/").status_code == 404  # not hers to see: it does not exist for her
    assert api_as(people.bob).get(f"/api/v1/loans/{loan.pk}/agreement.pdf").status_code == 404
    assert api_as(None).get("/api/v1/loans/").status_code in (401, 403)
    assert api_as(people.auditor).get(f"/api/v1/loans/{loan.pk}/").status_code == 200


def test_forbidden_actions_answer_403_and_change_nothing(people, api_as):
    loan = signed_loan(people)
    item = loan.items.get()
    response = api_as(people.alice).post(f"/api/v1/loans/{loan.pk}/allocate/",
                                         {"item": item.pk, "samples": [{"identifier": loan.parent_sample.identifier, "mass_ug": 1}]},
                                         format="json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    application = make_approved_application(applicant=people.bob)
    assert api_as(people.bob).post(f"/api/v1/applications/{application.pk}/create-loan/").status_code == 403
    item.refresh_from_db()
    assert item.status == "pending" and Loan.objects.count() == 1


def test_invalid_transitions_answer_409_and_change_nothing(people, api_as):
    loan = signed_loan(people)
    response = api_as(people.curator).post(f"/api/v1/loans/{loan.pk}/ship/", SHIP, format="json")
    assert response.status_code == 409 and "allocate" in response.json()["message"]
    response = api_as(people.alice).post(f"/api/v1/loans/{loan.pk}/receive/", {"condition_report": "x"}, format="json")
    assert response.status_code == 409
    loan.refresh_from_db()
    assert loan.status == "signed" and not loan.shipments.exists()


@pytest.mark.parametrize("body", [
    {"item": "x", "samples": []},
    {"item": 1, "samples": [{"identifier": "A", "mass_ug": 10**30}]},
    {"item": 1, "samples": [{"identifier": "A", "mass_ug": -5}]},
    {"samples": "nope"},
])
def test_bad_input_is_a_400_with_a_message(people, api_as, body):
    loan = signed_loan(people)
    response = api_as(people.curator).post(f"/api/v1/loans/{loan.pk}/allocate/", body, format="json")
    assert response.status_code == 400 and response.json()["message"]


def test_malformed_json_and_unknown_ids(people, api_as):
    loan = signed_loan(people)
    curator = api_as(people.curator)
    response = curator.post(f"/api/v1/loans/{loan.pk}/allocate/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert curator.post(f"/api/v1/loans/{loan.pk}/allocate/", {"item": 999999, "samples": [{"identifier": "A"}]},
                        format="json").status_code == 404
    assert curator.get("/api/v1/loans/999999/").status_code == 404


def test_consumption_beyond_the_allowance_is_refused(people, api_as):
    loan = received_loan(people, masses=(5_000,))
    identifier = loan.items.get().sample.identifier
    response = api_as(people.alice).post(f"/api/v1/loans/{loan.pk}/consume/", {
        "identifier": identifier, "mass_ug": 5_001, "method": "SIMS", "video_url": "https://v.example.org/1"}, format="json")
    assert response.status_code == 400 and "allowance" in response.json()["message"]


def test_extend_and_recall(people, api_as):
    loan = received_loan(people)
    new_due = loan.due_date.replace(year=loan.due_date.year + 1)
    response = api_as(people.alice).post(f"/api/v1/loans/{loan.pk}/extend/", {"due_date": new_due.isoformat(), "reason": "More time"},
                                         format="json")
    assert response.status_code == 201 and response.json()["status"] == "requested"
    response = api_as(people.officer).post(f"/api/v1/loans/{loan.pk}/extend/", {"decision": "grant"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "granted"
    assert api_as(people.alice).post(f"/api/v1/loans/{loan.pk}/recall/", {"reason": "x", "due_date": new_due.isoformat()},
                                     format="json").status_code == 403
    response = api_as(people.officer).post(f"/api/v1/loans/{loan.pk}/recall/", {"reason": "Breach", "due_date": new_due.isoformat()},
                                           format="json")
    assert response.status_code == 200 and response.json()["status"] == "recalled"


def test_incidents_are_listed_to_staff_and_to_the_borrower_only(people, api_as):
    loan = received_loan(people)
    api_as(people.alice).post(f"/api/v1/loans/{loan.pk}/incidents/", {"kind": "stolen", "description": "Car broken into"},
                              format="json")
    assert Incident.objects.count() == 1
    assert api_as(people.curator).get("/api/v1/incidents/").json()["count"] == 1
    assert api_as(people.alice).get("/api/v1/incidents/").json()["count"] == 1
    assert api_as(people.bob).get("/api/v1/incidents/").json()["count"] == 0


def test_the_schema_is_valid(people, api_as):
    response = api_as(people.officer).get("/api/schema/")
    assert response.status_code == 200


def test_an_item_is_transferred_to_another_loan_in_use(people, api_as):
    source = received_loan(people, masses=(20_000, 10_000))
    target = received_loan(people, applicant=people.bob)
    identifier = source.items.order_by("id").first().sample.identifier
    assert api_as(people.alice).post(f"/api/v1/loans/{source.pk}/transfer/", {"identifier": identifier, "to_loan": target.pk},
                                     format="json").status_code == 403
    response = api_as(people.curator).post(f"/api/v1/loans/{source.pk}/transfer/",
                                           {"identifier": identifier, "to_loan": target.pk, "note": "Joint study"}, format="json")
    assert response.status_code == 200, response.json()
    assert [i["status"] for i in response.json()["items"]][0] == "transferred"
    moved = target.items.get(sample__identifier=identifier)
    assert moved.status == "with_borrower" and moved.sample.holder_institution == people.stony


def test_the_officers_report_counts_mass_out_by_country(people, api_as):
    received_loan(people, masses=(40_000,))
    assert api_as(people.alice).get("/api/v1/loans/report/").status_code == 403
    report = api_as(people.officer).get("/api/v1/loans/report/").json()
    assert report["total_out_ug"] == 40_000
    assert report["by_country"] == [{"country": "DE", "mass_ug": 40_000, "items": 1, "loans": 1}]
    assert len(report["inventory_unconfirmed"]) == 1


def test_the_celery_task_sends_the_days_reminders(people):
    from lunarshare.loans.tasks import send_loan_reminders

    loan = received_loan(people)
    assert send_loan_reminders.delay(loan.due_date.isoformat()).get() >= 1
    assert send_loan_reminders.delay(loan.due_date.isoformat()).get() == 0


def test_ids_beyond_64_bits_are_404_not_500(people, api_as):
    officer = api_as(people.officer)
    huge = 2**70
    assert officer.get(f"/api/v1/loans/{huge}/").status_code == 404
    assert officer.get(f"/api/v1/incidents/{huge}/").status_code == 404
    assert officer.post(f"/api/v1/applications/{huge}/create-loan/").status_code == 404
