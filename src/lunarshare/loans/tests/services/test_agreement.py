import hashlib

import pytest

from lunarshare.errors import ConflictError, InvalidTransition, PermissionDeniedError, ValidationFailed
from lunarshare.loans.models import Loan, LoanItem, Signature
from lunarshare.loans.services import loan_cancel, loan_close, loan_create_from_application, loan_sign
from lunarshare.loans.tests.factories import allocated_loan, make_approved_application, make_loan
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


class TestLoanCreateFromApplication:
    def test_it_makes_a_draft_loan_with_one_pending_item_per_approved_item(self, people):
        application = make_approved_application(applicant=people.alice, masses=(20_000, 30_000))
        loan = loan_create_from_application(actor=people.officer, application=application)
        assert loan.status == Loan.Status.DRAFT and loan.responsible == people.alice
        assert loan.borrower_institution == people.cologne
        assert sorted(loan.items.values_list("approved_mass_ug", flat=True)) == [20_000, 30_000]
        assert set(loan.items.values_list("status", flat=True)) == {LoanItem.Status.PENDING}
        assert people.alice.pk in set(loan.team.values_list("pk", flat=True))
        event = last_event("loan.created")
        assert event.actor == people.officer and event.data["items"] == 2
        assert event.data["agreement_sha256"] == loan.agreement.sha256

    def test_the_agreement_pdf_is_stored_with_its_sha256(self, people, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):  # the PDF is written when the loan commits
            loan = make_loan(people)
        data = loan.agreement.file.read()
        assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == loan.agreement.sha256
        assert loan.agreement.template_version == "2025.1"

    def test_only_destructive_applications_get_a_destructive_allowance(self, people):
        loan = make_loan(people, destructive=False)
        assert set(loan.items.values_list("destructive_allowance_ug", flat=True)) == {0}

    def test_it_refuses_a_second_loan_for_the_same_application(self, people):
        application = make_approved_application(applicant=people.alice)
        loan_create_from_application(actor=people.officer, application=application)
        with pytest.raises(ConflictError):
            loan_create_from_application(actor=people.officer, application=application)
        assert Loan.objects.count() == 1

    def test_it_refuses_an_application_that_is_not_approved(self, people):
        application = make_approved_application(applicant=people.alice, status="under_review")
        with pytest.raises(InvalidTransition):
            loan_create_from_application(actor=people.officer, application=application)
        assert not Loan.objects.exists()

    def test_only_an_officer_creates_loans(self, people):
        application = make_approved_application(applicant=people.alice)
        for actor in (people.alice, people.curator):
            with pytest.raises(PermissionDeniedError):
                loan_create_from_application(actor=actor, application=application)
        assert not Loan.objects.exists()


class TestLoanSign:
    def test_the_borrower_signs_first_then_the_agency_and_the_signed_pdf_is_kept(self, people,
                                                                             django_capture_on_commit_callbacks):
        loan = make_loan(people)
        loan_sign(actor=people.alice, loan=loan, typed_name="Alice A.")
        loan.refresh_from_db()
        assert loan.status == Loan.Status.BORROWER_SIGNED
        assert last_event("loan.signed").data["party"] == Signature.Party.BORROWER
        with django_capture_on_commit_callbacks(execute=True):
            loan_sign(actor=people.officer, loan=loan, typed_name="Officer O.")
        loan.refresh_from_db()
        assert loan.status == Loan.Status.SIGNED
        signed = loan.agreement.signed_file.read()
        assert hashlib.sha256(signed).hexdigest() == loan.agreement.signed_sha256
        assert [s.party for s in loan.signatures.all()] == ["borrower", "agency"]
        event = last_event("loan.signed")
        assert event.actor == people.officer and event.data["signed_sha256"] == loan.agreement.signed_sha256

    def test_the_officer_cannot_sign_before_the_borrower(self, people):
        loan = make_loan(people)
        with pytest.raises(PermissionDeniedError):
            loan_sign(actor=people.officer, loan=loan, typed_name="Officer")
        loan.refresh_from_db()
        assert loan.status == Loan.Status.DRAFT and not loan.signatures.exists()

    def test_someone_else_cannot_sign_for_the_borrower(self, people):
        loan = make_loan(people)
        with pytest.raises(PermissionDeniedError):
            loan_sign(actor=people.bob, loan=loan, typed_name="Bob")
        assert not loan.signatures.exists()

    def test_a_typed_name_is_required(self, people):
        loan = make_loan(people)
        with pytest.raises(ValidationFailed):
            loan_sign(actor=people.alice, loan=loan, typed_name="  ")
        assert not loan.signatures.exists()

    def test_signing_twice_is_an_invalid_transition(self, people):
        loan = make_loan(people)
        loan_sign(actor=people.alice, loan=loan, typed_name="Alice")
        loan_sign(actor=people.officer, loan=loan, typed_name="Officer")
        with pytest.raises(InvalidTransition):
            loan_sign(actor=people.officer, loan=loan, typed_name="Officer")
        assert loan.signatures.count() == 2


class TestLoanCancelAndClose:
    def test_cancelling_releases_the_reserved_samples(self, people):
        loan = allocated_loan(people)
        sample = loan.items.get().sample
        assert sample.status == "reserved"
        loan_cancel(actor=people.officer, loan=loan, reason="Borrower withdrew")
        sample.refresh_from_db()
        loan.refresh_from_db()
        assert loan.status == Loan.Status.CANCELLED and sample.status == "available"
        assert last_event("loan.cancelled").data["released"] == [sample.identifier]

    def test_a_loan_with_open_items_cannot_close(self, people):
        loan = allocated_loan(people)
        with pytest.raises(InvalidTransition):
            loan_close(actor=people.officer, loan=loan)
        loan.refresh_from_db()
        assert loan.status == Loan.Status.SIGNED

