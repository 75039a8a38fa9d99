"""The borrower declares a return shipment (items, carrier, tracking number); the curator sees it
on the desk, receives it on the return page, and it closes once every declared item is back.
Allocation offers the candidate pieces to pick instead of typing identifiers."""

from __future__ import annotations

import pytest
from django.test import Client

from lunarshare.accounts.models import Role
from lunarshare.errors import ConflictError, InvalidTransition, PermissionDeniedError, ValidationFailed
from lunarshare.loans.models import LoanItem, ReturnShipment
from lunarshare.loans.services import ReturnLine, loan_declare_return, loan_return
from lunarshare.loans.tests.factories import received_loan, shipped_loan, signed_loan
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


class TestLoanDeclareReturn:
    def test_it_records_the_shipment_and_the_audit_event_and_tells_the_curators(self, people, mailoutbox,
                                                                               django_capture_on_commit_callbacks):
        loan = received_loan(people, masses=(40_000, 30_000))
        first, _second = loan.items.select_related("sample").order_by("id")
        with django_capture_on_commit_callbacks(execute=True):
            shipment = loan_declare_return(actor=people.alice, loan=loan, items=[first], carrier="DHL",
                                           tracking_number="JD0001")
        assert shipment.status == ReturnShipment.Status.DECLARED
        assert list(shipment.items.all()) == [first]
        event = last_event("loan.return_declared")
        assert event.data["items"] == [first.sample.identifier] and event.data["tracking_number"] == "JD0001"
        from lunarshare.accounts.selectors import users_with_role

        curators = set(users_with_role(Role.CURATOR).values_list("email", flat=True))
        assert {m.to[0] for m in mailoutbox} == curators and people.curator.email in curators
        assert f"/en/loans/{loan.pk}/return/" in mailoutbox[0].body

    def test_it_refuses_someone_outside_the_borrowers_team(self, people):
        loan = received_loan(people)
        for outsider in (people.bob, people.curator):
            with pytest.raises(PermissionDeniedError):
                loan_declare_return(actor=outsider, loan=loan, items=list(loan.items.all()), carrier="DHL",
                                    tracking_number="1")
        assert not ReturnShipment.objects.exists()

    def test_it_needs_items_a_carrier_and_a_tracking_number(self, people):
        loan = received_loan(people)
        with pytest.raises(ValidationFailed):
            loan_declare_return(actor=people.alice, loan=loan, items=[], carrier="DHL", tracking_number="1")
        with pytest.raises(ValidationFailed):
            loan_declare_return(actor=people.alice, loan=loan, items=list(loan.items.all()), carrier="DHL",
                                tracking_number=" ")
        assert not ReturnShipment.objects.exists()

    def test_it_refuses_items_declared_twice_naming_them(self, people):
        loan = received_loan(people)
        item = loan.items.select_related("sample").get()
        loan_declare_return(actor=people.alice, loan=loan, items=[item], carrier="DHL", tracking_number="1")
        with pytest.raises(ConflictError, match=item.sample.identifier):
            loan_declare_return(actor=people.alice, loan=loan, items=[item], carrier="DHL", tracking_number="2")
        assert ReturnShipment.objects.count() == 1

    def test_it_refuses_a_loan_not_yet_shipped(self, people):
        loan = signed_loan(people)
        with pytest.raises(InvalidTransition):
            loan_declare_return(actor=people.alice, loan=loan, items=list(loan.items.all()), carrier="DHL",
                                tracking_number="1")

    def test_receiving_every_declared_item_closes_the_shipment(self, people):
        loan = received_loan(people, masses=(40_000, 30_000))
        first, second = loan.items.select_related("sample").order_by("id")
        shipment = loan_declare_return(actor=people.alice, loan=loan, items=[first, second], carrier="DHL",
                                       tracking_number="1")
        loan_return(actor=people.curator, loan=loan, lines=[ReturnLine(first.sample.identifier, 40_000)])
        shipment.refresh_from_db()
        assert shipment.status == ReturnShipment.Status.DECLARED
        loan_return(actor=people.curator, loan=loan, lines=[ReturnLine(second.sample.identifier, 30_000)])
        shipment.refresh_from_db()
        assert shipment.status == ReturnShipment.Status.RECEIVED and shipment.received_at is not None
        assert last_event("loan.returned").data["return_shipments_received"] == [shipment.pk]


class TestReturnShipmentPages:
    def test_the_borrower_declares_on_the_page_and_the_curator_is_given_the_items(self, people):
        loan = received_loan(people, masses=(40_000, 30_000))
        first = loan.items.select_related("sample").order_by("id").first()
        alice = _client(people.alice)
        page = alice.get(f"/en/loans/{loan.pk}/")
        assert f"/en/loans/{loan.pk}/send-back/" in page.content.decode()
        form = {"items": [str(first.pk)], "carrier": "EMS", "tracking_number": "EE123"}
        asked = alice.post(f"/en/loans/{loan.pk}/send-back/", form)
        assert "Declare this return shipment?" in asked.content.decode() and not ReturnShipment.objects.exists()
        response = alice.post(f"/en/loans/{loan.pk}/send-back/", {**form, "confirmed": "1"})
        assert response.status_code == 302
        shipment = ReturnShipment.objects.get()
        assert (shipment.carrier, shipment.tracking_number) == ("EMS", "EE123")
        desk = _client(people.curator).get("/en/desk/").content.decode()
        assert "Returns to receive and reweigh" in desk and f"/en/loans/{loan.pk}/return/" in desk
        page = _client(people.curator).get(f"/en/loans/{loan.pk}/return/").content.decode()
        assert "On its way back" in page and "EE123" in page
        assert f"{first.sample.identifier} \n</textarea>" in page  # the declared item is prefilled

    def test_the_form_refuses_no_item_and_speaks_chinese(self, people):
        loan = received_loan(people)
        response = _client(people.alice).post(f"/zh-hans/loans/{loan.pk}/send-back/",
                                              {"carrier": "EMS", "tracking_number": "1", "confirmed": "1"})
        assert response.status_code == 200 and "请至少选择一个要寄回的条目。" in response.content.decode()
        assert not ReturnShipment.objects.exists()

    def test_another_borrower_is_refused(self, people):
        loan = received_loan(people)
        item = loan.items.get()
        bob = _client(people.bob)
        assert bob.get(f"/en/loans/{loan.pk}/send-back/").status_code in (403, 404)  # loans pages: 403 today
        response = bob.post(f"/en/loans/{loan.pk}/send-back/", {"items": [item.pk], "carrier": "EMS",
                                                                "tracking_number": "1", "confirmed": "1"})
        assert response.status_code in (403, 404) and not ReturnShipment.objects.exists()


class TestReturnShipmentApi:
    def test_the_borrower_declares_by_identifier(self, people, api_as):
        loan = received_loan(people)
        item = loan.items.select_related("sample").get()
        response = api_as(people.alice).post(f"/api/v1/loans/{loan.pk}/return-shipments/", {
            "items": [item.sample.identifier], "carrier": "EMS", "tracking_number": "EE1"}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["items"] == [item.sample.identifier] and response.json()["status"] == "declared"

    def test_unknown_identifiers_are_named_and_nothing_changes(self, people, api_as):
        loan = received_loan(people)
        response = api_as(people.alice).post(f"/api/v1/loans/{loan.pk}/return-shipments/", {
            "items": ["NOPE-1"], "carrier": "EMS", "tracking_number": "EE1"}, format="json")
        assert response.status_code == 404 and "NOPE-1" in response.json()["message"]
        assert not ReturnShipment.objects.exists()

    def test_a_curator_is_refused(self, people, api_as):
        loan = shipped_loan(people)
        item = loan.items.select_related("sample").get()
        response = api_as(people.curator).post(f"/api/v1/loans/{loan.pk}/return-shipments/", {
            "items": [item.sample.identifier], "carrier": "EMS", "tracking_number": "EE1"}, format="json")
        assert response.status_code == 403


class TestAllocationPicker:
    def test_the_page_lists_candidate_pieces_and_a_pick_allocates(self, people):
        loan = signed_loan(people)
        parent = loan.parent_sample
        item = loan.items.get()
        curator = _client(people.curator)
        body = curator.get(f"/en/loans/{loan.pk}/allocate/").content.decode()
        assert f'name="pick" value="{parent.identifier}"' in body and "Or type a sample identifier" in body
        curator.post(f"/en/loans/{loan.pk}/allocate/", {"item": item.pk, "pick": parent.identifier, "mass": "50"})
        item.refresh_from_db()
        assert item.status == LoanItem.Status.ALLOCATED and item.sample.parent_id == parent.pk

    def test_neither_a_pick_nor_an_identifier_is_refused_with_a_message(self, people):
        loan = signed_loan(people)
        item = loan.items.get()
        response = _client(people.curator).post(f"/en/loans/{loan.pk}/allocate/", {"item": item.pk}, follow=True)
        assert "Pick a sample from the list or type its identifier." in response.content.decode()
        item.refresh_from_db()
        assert item.status == LoanItem.Status.PENDING


class TestFinalStepsAreConfirmed:
    @pytest.mark.parametrize("language,question", [("en", "Cancel loan"), ("zh-hans", "确认取消借用")])
    def test_cancelling_a_loan_asks_first(self, people, language, question):
        from lunarshare.loans.models import LoanStatus

        loan = signed_loan(people)
        officer = _client(people.officer)
        assert 'data-confirm="' in officer.get(f"/{language}/loans/{loan.pk}/").content.decode()
        response = officer.post(f"/{language}/loans/{loan.pk}/cancel/", {"reason": "Funding withdrawn"})
        assert response.status_code == 200 and question in response.content.decode()
        loan.refresh_from_db()
        assert loan.status == LoanStatus.SIGNED
        officer.post(f"/{language}/loans/{loan.pk}/cancel/", {"reason": "Funding withdrawn", "confirmed": "1"})
        loan.refresh_from_db()
        assert loan.status == LoanStatus.CANCELLED
