"""Identifiers from a USB barcode scanner: one per line, label QR codes (identifier + page URL)
read once, receipt checked against the shipment, returns with the mass on the next line."""

import pytest

from lunarshare.errors import ValidationFailed
from lunarshare.loans.models import Loan
from lunarshare.loans.services import loan_receive, parse_return_lines, scanned_identifiers
from lunarshare.loans.tests.factories import shipped_loan
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


def test_a_scanned_label_is_read_once_and_urls_count_as_their_sample():
    text = "CE5C0400YJFM00901\nhttps://lunarshare.example.org/en/samples/CE5C0400YJFM00901/\n\n10084%2C12\n" \
           "https://x.example.org/zh-hans/samples/10084,123/\n"
    assert scanned_identifiers(text) == ["CE5C0400YJFM00901", "10084%2C12", "10084,123"]
    with pytest.raises(ValidationFailed, match="not the address of a sample page"):
        scanned_identifiers("https://example.org/en/loans/3/")


class TestReceiveWithAScanner:
    def test_all_items_scanned_confirms_and_the_event_counts_them(self, people):
        loan = shipped_loan(people, masses=(20_000, 30_000))
        identifiers = list(loan.items.values_list("sample__identifier", flat=True))
        loan_receive(actor=people.alice, loan=loan, condition_report="Intact", scanned=identifiers)
        assert Loan.objects.get(pk=loan.pk).status == Loan.Status.IN_USE
        assert last_event("loan.received").data["scanned"] == 2

    def test_an_unknown_identifier_is_named_and_nothing_changes(self, people):
        loan = shipped_loan(people, masses=(20_000,))
        identifier = loan.items.get().sample.identifier
        with pytest.raises(ValidationFailed, match="Not in this shipment: CE5C9999"):
            loan_receive(actor=people.alice, loan=loan, condition_report="Intact", scanned=[identifier, "CE5C9999"])
        assert Loan.objects.get(pk=loan.pk).status == Loan.Status.SHIPPED
        assert last_event("loan.received") is None

    def test_a_missing_item_is_named(self, people):
        loan = shipped_loan(people, masses=(20_000, 30_000))
        first, second = loan.items.order_by("id").values_list("sample__identifier", flat=True)
        with pytest.raises(ValidationFailed, match=f"not scanned yet: {second}"):
            loan_receive(actor=people.alice, loan=loan, condition_report="Intact", scanned=[first])
        assert Loan.objects.get(pk=loan.pk).status == Loan.Status.SHIPPED


class TestReturnLinesFromAScanner:
    def test_the_mass_on_the_next_line_belongs_to_the_scanned_identifier(self):
        text = ("CE5C0001\nhttps://h.example.org/en/samples/CE5C0001/\n12.5 mg\n"
                "CE5C0002\n4\n10084,12 300 µg\n")
        assert [(line.identifier, line.returned_mass_ug) for line in parse_return_lines(text)] == [
            ("CE5C0001", 12_500), ("CE5C0002", 4_000), ("10084,12", 300)]

    def test_a_scanned_identifier_without_its_mass_is_named(self):
        with pytest.raises(ValidationFailed, match="Line 1: give the reweighed mass of CE5C0001"):
            parse_return_lines("CE5C0001\nCE5C0002 4 mg")
