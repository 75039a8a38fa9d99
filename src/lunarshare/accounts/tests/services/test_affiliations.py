import pytest

from lunarshare.accounts.models import AffiliationRequest, Institution, Role
from lunarshare.accounts.rules import can_apply
from lunarshare.accounts.services import affiliation_confirm, affiliation_reject, affiliation_request
from lunarshare.errors import ConflictError, InvalidTransition, PermissionDeniedError, ValidationFailed
from lunarshare.testing.factories import InstitutionFactory, UserFactory
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db

Status = AffiliationRequest.Status


@pytest.fixture
def newcomer(db):
    return UserFactory(username="newcomer", institution=None, roles=[])


class TestAffiliationRequest:
    def test_a_person_asks_for_an_existing_institution(self, people, newcomer):
        request = affiliation_request(actor=newcomer, institution=people.cologne)
        assert (request.user, request.institution, request.status) == (newcomer, people.cologne, Status.PENDING)
        event = last_event("affiliation.requested")
        assert event.actor == newcomer and event.data["institution"] == people.cologne.pk

    def test_officers_are_told_after_commit(self, people, newcomer, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            affiliation_request(actor=newcomer, institution=people.cologne)
        assert people.officer.notifications.filter(verb="affiliation.requested").count() == 1
        assert not people.alice.notifications.exists()

    def test_a_person_proposes_a_new_institution(self, people, newcomer):
        request = affiliation_request(actor=newcomer, proposed_name="Demo Lunar Lab", proposed_country="it",
                                      proposed_ror_id="0zzzzzz02")
        assert (request.proposed_name, str(request.proposed_country), request.proposed_ror_id) == (
            "Demo Lunar Lab", "IT", "0zzzzzz02")
        assert last_event("affiliation.requested").data["proposed_name"] == "Demo Lunar Lab"

    @pytest.mark.parametrize("kwargs", [
        {},  # neither
        {"proposed_name": "Demo Lab", "proposed_country": "IT", "institution": "cologne"},  # both
        {"proposed_name": "Demo Lab"},  # no country
        {"proposed_name": "Demo Lab", "proposed_country": "ZZ"},
        {"proposed_name": "Demo Lab", "proposed_country": "IT", "proposed_ror_id": "0zzzzzz03"},
    ])
    def test_it_refuses_incomplete_or_wrong_requests(self, people, newcomer, kwargs):
        if kwargs.get("institution") == "cologne":
            kwargs = {**kwargs, "institution": people.cologne}
        with pytest.raises(ValidationFailed):
            affiliation_request(actor=newcomer, **kwargs)
        assert not AffiliationRequest.objects.exists() and last_event("affiliation.requested") is None

    def test_it_refuses_an_unconfirmed_institution(self, people, newcomer):
        proposed = InstitutionFactory(confirmed=False)
        with pytest.raises(ValidationFailed):
            affiliation_request(actor=newcomer, institution=proposed)

    def test_it_refuses_a_second_pending_request(self, people, newcomer):
        affiliation_request(actor=newcomer, institution=people.cologne)
        with pytest.raises(ConflictError):
            affiliation_request(actor=newcomer, institution=people.stony)
        assert AffiliationRequest.objects.filter(user=newcomer).count() == 1

    def test_it_points_to_the_existing_institution_when_the_ror_id_is_known(self, people, newcomer):
        people.stony.ror_id = "0abcdef23"
        people.stony.save()
        with pytest.raises(ConflictError) as info:
            affiliation_request(actor=newcomer, proposed_name="SBU", proposed_country="US", proposed_ror_id="0abcdef23")
        assert "Stony Brook" in str(info.value)


class TestAffiliationConfirm:
    def test_confirming_makes_the_person_a_member_who_may_apply(self, people, newcomer, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
        request = affiliation_request(actor=newcomer, institution=people.cologne)
        assert not can_apply(newcomer)
        with django_capture_on_commit_callbacks(execute=True):
            affiliation_confirm(actor=people.officer, request=request, note="checked the staff page")
        request.refresh_from_db()
        newcomer.refresh_from_db()
        assert request.status == Status.CONFIRMED and request.decided_by == people.officer
        assert newcomer.institution == people.cologne and newcomer.has_role(Role.APPLICANT)
        assert can_apply(newcomer)
        event = last_event("affiliation.confirmed")
        assert event.actor == people.officer
        assert event.data == {"user": newcomer.pk, "institution": people.cologne.pk, "old_institution": None}
        assert last_event("user.role_granted").data == {"role": "applicant"}
        assert newcomer.notifications.get(verb="affiliation.confirmed")
        assert any(newcomer.email in m.to for m in mailoutbox)

    def test_confirming_a_proposal_creates_the_institution(self, people, newcomer):
        request = affiliation_request(actor=newcomer, proposed_name="Demo Lunar Lab", proposed_country="IT",
                                      proposed_ror_id="0zzzzzz02")
        affiliation_confirm(actor=people.officer, request=request)
        institution = Institution.objects.get(ror_id="0zzzzzz02")
        newcomer.refresh_from_db()
        assert institution.name_en == "Demo Lunar Lab" and str(institution.country) == "IT"
        assert newcomer.institution == institution
        assert last_event("institution.created").actor == people.officer

    def test_only_officers_confirm(self, people, newcomer):
        request = affiliation_request(actor=newcomer, institution=people.cologne)
        with pytest.raises(PermissionDeniedError):
            affiliation_confirm(actor=people.curator, request=request)
        request.refresh_from_db()
        newcomer.refresh_from_db()
        assert request.status == Status.PENDING and newcomer.institution is None

    def test_a_decided_request_cannot_be_confirmed_again(self, people, newcomer):
        request = affiliation_request(actor=newcomer, institution=people.cologne)
        affiliation_reject(actor=people.officer, request=request, note="unknown to the institution")
        with pytest.raises(InvalidTransition):
            affiliation_confirm(actor=people.officer, request=request)
        newcomer.refresh_from_db()
        assert newcomer.institution is None and not can_apply(newcomer)


class TestAffiliationReject:
    def test_rejecting_records_why_and_tells_the_person(self, people, newcomer, django_capture_on_commit_callbacks):
        request = affiliation_request(actor=newcomer, institution=people.cologne)
        with django_capture_on_commit_callbacks(execute=True):
            affiliation_reject(actor=people.officer, request=request, note="not on the staff list")
        request.refresh_from_db()
        assert request.status == Status.REJECTED and request.note == "not on the staff list"
        assert last_event("affiliation.rejected").data == {"note": "not on the staff list"}
        assert newcomer.notifications.get().body == "not on the staff list"

    def test_it_needs_a_reason(self, people, newcomer):
        request = affiliation_request(actor=newcomer, institution=people.cologne)
        with pytest.raises(ValidationFailed):
            affiliation_reject(actor=people.officer, request=request, note=" ")
        request.refresh_from_db()
        assert request.status == Status.PENDING

    def test_only_officers_reject(self, people, newcomer):
        request = affiliation_request(actor=newcomer, institution=people.cologne)
        with pytest.raises(PermissionDeniedError):
            affiliation_reject(actor=newcomer, request=request, note="never mind")

    def test_a_confirmed_request_cannot_be_rejected(self, people, newcomer):
        request = affiliation_request(actor=newcomer, institution=people.cologne)
        affiliation_confirm(actor=people.officer, request=request)
        with pytest.raises(InvalidTransition):
            affiliation_reject(actor=people.officer, request=request, note="changed my mind")
        assert last_event("affiliation.rejected") is None
