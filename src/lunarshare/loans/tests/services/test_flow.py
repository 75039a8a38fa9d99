"""Allocation, shipment, receipt, use and return: each transition and each refusal."""

import datetime as dt

import pytest

from lunarshare.catalog.models import CustodyEvent, LedgerEntry, Sample
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.errors import ConflictError, InvalidTransition, PermissionDeniedError, ValidationFailed
from lunarshare.loans.models import Incident, Loan, LoanItem
from lunarshare.loans.services import (
    Pick,
    ReturnLine,
    loan_allocate,
    loan_close,
    loan_receive,
    loan_report_use,
    loan_return,
    loan_ship,
    parse_return_lines,
    return_tolerance_ug,
)
from lunarshare.loans.tests.factories import (
    allocated_loan,
    make_loan,
    received_loan,
    shipped_loan,
    signed_loan,
)
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db

SHIP = dict(courier="Hand carried", packaging="Sealed vial", condition_report="Intact", handed_over_to="Alice")


class TestLoanAllocate:
    def test_it_splits_the_parent_and_reserves_the_child(self, people):
        loan = signed_loan(people, masses=(40_000,))
        parent, item = loan.parent_sample, loan.items.get()
        loan_allocate(actor=people.curator, loan=loan, item=item, picks=[Pick(parent.identifier, 40_000)])
        item.refresh_from_db()
        parent.refresh_from_db()
        assert item.status == LoanItem.Status.ALLOCATED and item.mass_ug == 40_000
        assert item.sample.parent == parent and item.sample.status == Sample.Status.RESERVED
        assert parent.mass_ug == 10_000_000 - 40_000
        assert last_event("loan.allocated").data["samples"][0]["split_from"] == parent.identifier
        assert ledger_breaks() == []

    def test_it_refuses_more_than_was_approved(self, people):
        loan = signed_loan(people, masses=(40_000,))
        with pytest.raises(ValidationFailed, match="approved"):
            loan_allocate(actor=people.curator, loan=loan, item=loan.items.get(), picks=[Pick(loan.parent_sample.identifier, 40_001)])
        assert loan.items.get().status == LoanItem.Status.PENDING

    def test_reserved_material_cannot_be_promised_twice(self, people):
        first = signed_loan(people, masses=(40_000,))
        sample = allocated_loan(people, masses=(30_000,), parent=first.parent_sample).items.get().sample
        with pytest.raises(ConflictError, match="reserved"):
            loan_allocate(actor=people.curator, loan=first, item=first.items.get(), picks=[Pick(sample.identifier)])
        assert first.items.get().status == LoanItem.Status.PENDING

    def test_it_refuses_a_sample_outside_the_approved_set(self, people):
        from lunarshare.testing.factories import make_sample

        loan = signed_loan(people)
        other = make_sample(identifier="10084", mass_ug=1_000_000)
        with pytest.raises(ValidationFailed, match="sample set"):
            loan_allocate(actor=people.curator, loan=loan, item=loan.items.get(), picks=[Pick(other.identifier, 100)])

    def test_only_a_curator_allocates(self, people):
        loan = signed_loan(people)
        with pytest.raises(PermissionDeniedError):
            loan_allocate(actor=people.alice, loan=loan, item=loan.items.get(), picks=[Pick(loan.parent_sample.identifier, 100)])

    def test_an_allocated_item_cannot_be_allocated_again(self, people):
        loan = allocated_loan(people)
        with pytest.raises(InvalidTransition):
            loan_allocate(actor=people.curator, loan=loan, item=loan.items.get(), picks=[Pick(loan.parent_sample.identifier, 100)])


class TestLoanShip:
    def test_nothing_ships_before_both_signed(self, people):
        from lunarshare.loans.services import loan_sign

        loan = make_loan(people)
        loan_sign(actor=people.alice, loan=loan, typed_name="Alice")
        with pytest.raises(InvalidTransition, match="signed"):
            loan_ship(actor=people.curator, loan=loan, **SHIP)
        loan.refresh_from_db()
        assert loan.status == Loan.Status.BORROWER_SIGNED and not loan.shipments.exists()

    def test_it_refuses_while_items_are_pending(self, people):
        loan = signed_loan(people)
        with pytest.raises(InvalidTransition, match="allocate"):
            loan_ship(actor=people.curator, loan=loan, **SHIP)

    def test_shipping_puts_samples_on_loan_but_custody_stays_until_receipt(self, people):
        loan = shipped_loan(people)
        item = loan.items.select_related("sample").get()
        assert loan.status == Loan.Status.SHIPPED and item.status == LoanItem.Status.SHIPPED
        assert item.sample.status == Sample.Status.ON_LOAN and item.sample.holder_institution is None
        assert CustodyEvent.objects.filter(sample=item.sample, kind="shipped").exists()
        event = last_event("loan.shipped")
        assert event.actor == people.curator and event.data["items"] == 1

    def test_only_a_curator_ships(self, people):
        loan = allocated_loan(people)
        with pytest.raises(PermissionDeniedError):
            loan_ship(actor=people.officer, loan=loan, **SHIP)


class TestLoanReceive:
    def test_custody_moves_to_the_borrower_on_receipt(self, people):
        loan = received_loan(people)
        item = loan.items.select_related("sample").get()
        assert loan.status == Loan.Status.IN_USE and loan.received_at is not None
        assert item.status == LoanItem.Status.WITH_BORROWER and item.sample.holder_institution == people.cologne
        assert CustodyEvent.objects.filter(sample=item.sample, kind="received", holder_institution=people.cologne).exists()
        assert last_event("loan.received").data["condition_report"] == "Arrived sealed and intact"

    def test_someone_outside_the_team_cannot_confirm(self, people):
        loan = shipped_loan(people)
        with pytest.raises(PermissionDeniedError):
            loan_receive(actor=people.bob, loan=loan, condition_report="ok")
        loan.refresh_from_db()
        assert loan.status == Loan.Status.SHIPPED

    def test_it_cannot_be_received_before_shipping(self, people):
        loan = allocated_loan(people)
        with pytest.raises(InvalidTransition):
            loan_receive(actor=people.alice, loan=loan, condition_report="ok")


class TestLoanReportUse:
    def test_destructive_use_consumes_through_the_ledger(self, people):
        loan = received_loan(people, masses=(40_000,))
        item = loan.items.get()
        report = loan_report_use(actor=people.alice, loan=loan, identifier=item.sample.identifier, kind="destructive",
                                 method="LA-ICP-MS", mass_ug=1_500, video_url="https://video.example.org/1")
        item.refresh_from_db()
        assert item.consumed_ug == 1_500 and item.sample.mass_ug == 38_500
        assert report.ledger_entry.kind == LedgerEntry.Kind.CONSUMPTION
        assert last_event("loan.use_reported").data["mass_ug"] == 1_500

    def test_it_refuses_beyond_the_destructive_allowance(self, people):
        loan = received_loan(people, masses=(40_000,), destructive=False)
        item = loan.items.get()
        with pytest.raises(ValidationFailed, match="allowance"):
            loan_report_use(actor=people.alice, loan=loan, identifier=item.sample.identifier, kind="destructive",
                            method="LA-ICP-MS", mass_ug=1, video_url="https://video.example.org/1")
        item.refresh_from_db()
        assert item.consumed_ug == 0 and item.sample.mass_ug == 40_000

    def test_destructive_use_needs_a_video_record(self, people):
        loan = received_loan(people)
        with pytest.raises(ValidationFailed, match="video"):
            loan_report_use(actor=people.alice, loan=loan, identifier=loan.items.get().sample.identifier,
                            kind="destructive", method="SIMS", mass_ug=10, video_url="")

    def test_consuming_everything_closes_the_item_and_the_loan_is_returned(self, people):
        loan = received_loan(people, masses=(5_000,))
        item = loan.items.get()
        loan_report_use(actor=people.alice, loan=loan, identifier=item.sample.identifier, kind="destructive",
                        method="Noble gases", mass_ug=5_000, video_url="https://video.example.org/2")
        item.refresh_from_db()
        loan.refresh_from_db()
        assert item.status == LoanItem.Status.CONSUMED and item.sample.status == Sample.Status.CONSUMED
        assert loan.status == Loan.Status.RETURNED

    def test_non_destructive_use_changes_no_mass(self, people):
        loan = received_loan(people)
        item = loan.items.get()
        loan_report_use(actor=people.alice, loan=loan, identifier=item.sample.identifier, kind="non_destructive",
                        method="Raman", performed_on=dt.date.today())
        item.refresh_from_db()
        assert item.sample.mass_ug == item.mass_ug and not LedgerEntry.objects.filter(kind="consumption").exists()


class TestLoanReturn:
    def test_a_partial_return_then_the_rest_closes_every_item(self, people):
        loan = received_loan(people, masses=(20_000, 30_000))
        first, second = list(loan.items.select_related("sample").order_by("id"))
        loan_return(actor=people.curator, loan=loan, lines=[ReturnLine(first.sample.identifier, 20_000)])
        loan.refresh_from_db()
        first.refresh_from_db()
        assert loan.status == Loan.Status.PARTLY_RETURNED and first.status == LoanItem.Status.RETURNED
        assert first.sample.status == Sample.Status.AVAILABLE and first.sample.holder_institution is None
        loan_return(actor=people.curator, loan=loan, lines=[ReturnLine(second.sample.identifier, 30_000)])
        loan.refresh_from_db()
        assert loan.status == Loan.Status.RETURNED
        loan_close(actor=people.officer, loan=loan)
        loan.refresh_from_db()
        assert loan.status == Loan.Status.CLOSED and last_event("loan.closed").actor == people.officer

    def test_a_difference_beyond_tolerance_opens_an_incident_and_is_reweighed(self, people):
        loan = received_loan(people, masses=(40_000,))
        item = loan.items.select_related("sample").get()
        result = loan_return(actor=people.curator, loan=loan, lines=[ReturnLine(item.sample.identifier, 39_000)])
        item.sample.refresh_from_db()
        assert item.sample.mass_ug == 39_000
        assert LedgerEntry.objects.filter(sample=item.sample, kind=LedgerEntry.Kind.RETURN, delta_ug=-1_000).exists()
        incident = Incident.objects.get()
        assert result.incidents == [incident] and incident.kind == Incident.Kind.DISCREPANCY
        assert incident.difference_ug == -1_000
        assert last_event("loan.returned").data["incidents"] == [incident.pk]
        assert ledger_breaks() == []

    def test_a_difference_within_tolerance_is_recorded_without_an_incident(self, people):
        loan = received_loan(people, masses=(40_000,))
        item = loan.items.select_related("sample").get()
        loan_return(actor=people.curator, loan=loan, lines=[ReturnLine(item.sample.identifier, 39_960)])
        assert not Incident.objects.exists()
        assert LedgerEntry.objects.filter(sample=item.sample, kind=LedgerEntry.Kind.RETURN, delta_ug=-40).exists()

    def test_the_tolerance_is_the_larger_of_half_a_percent_and_50_micrograms(self, settings):
        assert return_tolerance_ug(1_000) == 50 and return_tolerance_ug(100_000) == 500
        settings.LUNARSHARE_RETURN_TOLERANCE_MIN_UG = 10
        assert return_tolerance_ug(1_000) == 10

    def test_it_refuses_an_identifier_not_on_the_loan_and_changes_nothing(self, people):
        loan = received_loan(people)
        item = loan.items.select_related("sample").get()
        with pytest.raises(ValidationFailed, match="NOPE"):
            loan_return(actor=people.curator, loan=loan, lines=[ReturnLine(item.sample.identifier, 1), ReturnLine("NOPE", 1)])
        item.refresh_from_db()
        assert item.status == LoanItem.Status.WITH_BORROWER and item.sample.mass_ug == item.mass_ug

    def test_only_a_curator_records_returns(self, people):
        loan = received_loan(people)
        with pytest.raises(PermissionDeniedError):
            loan_return(actor=people.alice, loan=loan, lines=[ReturnLine(loan.items.get().sample.identifier, 1)])

    def test_it_parses_pasted_lines_with_units(self):
        lines = parse_return_lines("CE5C0001 12.5 mg\n10084,12\t300 µg\n\n70017,3 1.2g\nCE5C0002 4")
        assert [(line.identifier, line.returned_mass_ug) for line in lines] == [
            ("CE5C0001", 12_500), ("10084,12", 300), ("70017,3", 1_200_000), ("CE5C0002", 4_000)]
        with pytest.raises(ValidationFailed, match="Line 1"):
            parse_return_lines("CE5C0001")


class TestLoanAllocateBulk:
    def test_it_reserves_whole_samples_for_many_items_at_once(self, people):
        from lunarshare.catalog.services import ChildSpec, sample_split
        from lunarshare.loans.services import loan_allocate_bulk

        loan = signed_loan(people, masses=(1_000, 2_000))
        pieces = sample_split(actor=people.curator, parent=loan.parent_sample,
                              children=[ChildSpec(mass_ug=1_000), ChildSpec(mass_ug=2_000)])
        items = list(loan.items.order_by("approved_mass_ug"))
        assert loan_allocate_bulk(actor=people.curator, loan=loan,
                                  assignments=[(items[0].pk, pieces[0].pk), (items[1].pk, pieces[1].pk)]) == 2
        assert set(Sample.objects.filter(pk__in=[p.pk for p in pieces]).values_list("status", flat=True)) == {"reserved"}
        assert list(loan.items.order_by("approved_mass_ug").values_list("mass_ug", "status")) == [
            (1_000, "allocated"), (2_000, "allocated")]
        assert last_event("loan.allocated_bulk").data == {"count": 2, "mass_ug": 3_000}

    def test_one_unavailable_sample_refuses_the_whole_batch(self, people):
        from lunarshare.catalog.services import ChildSpec, sample_change_status, sample_split
        from lunarshare.loans.services import loan_allocate_bulk

        loan = signed_loan(people, masses=(1_000, 2_000))
        pieces = sample_split(actor=people.curator, parent=loan.parent_sample,
                              children=[ChildSpec(mass_ug=1_000), ChildSpec(mass_ug=2_000)])
        sample_change_status(actor=people.curator, sample=pieces[1], status="reserved")
        items = list(loan.items.order_by("approved_mass_ug"))
        with pytest.raises(ConflictError):
            loan_allocate_bulk(actor=people.curator, loan=loan,
                               assignments=[(items[0].pk, pieces[0].pk), (items[1].pk, pieces[1].pk)])
        pieces[0].refresh_from_db()
        assert pieces[0].status == "available" and set(loan.items.values_list("status", flat=True)) == {"pending"}
