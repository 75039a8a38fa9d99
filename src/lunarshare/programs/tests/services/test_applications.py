import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from lunarshare.accounts.models import Notification
from lunarshare.errors import InvalidTransition, PermissionDeniedError, ValidationFailed
from lunarshare.programs import services
from lunarshare.programs.models import Application, ApplicationStatus, ApplicationStatusChange
from lunarshare.programs.tests.factories import application_payload, make_application, make_round, pdf_upload
from lunarshare.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

S = ApplicationStatus


class TestApplicationCreate:
    def test_it_drafts_an_application_at_the_applicants_institution(self, people):
        round_ = make_round()
        application = services.application_create(actor=people.alice, round_=round_, **application_payload(round_))
        assert application.status == S.DRAFT and application.institution == people.cologne
        assert application.team.count() == 1 and application.items.get().requested_mass_ug == 100_000
        from lunarshare.testing.helpers import last_event

        assert last_event("application.created").data["nested"] == ["team", "funding", "methods", "items"]

    def test_it_refuses_someone_without_the_applicant_role(self, people):
        with pytest.raises(PermissionDeniedError):
            services.application_create(actor=people.reviewer, round_=make_round(), title="x")

    def test_it_refuses_an_applicant_without_institution(self, people):
        from lunarshare.accounts.models import Role

        homeless = UserFactory(institution=None, roles=[Role.APPLICANT])
        with pytest.raises(PermissionDeniedError):
            services.application_create(actor=homeless, round_=make_round(), title="x")

    def test_it_refuses_a_draft_round(self, people):
        with pytest.raises(InvalidTransition):
            services.application_create(actor=people.alice, round_=make_round(status="draft"), title="x")

    def test_it_refuses_a_request_larger_than_the_offer(self, people):
        round_ = make_round()
        with pytest.raises(ValidationFailed, match="offers less"):
            services.application_create(actor=people.alice, round_=round_, **application_payload(round_, mass_ug=2_000_000))
        assert not Application.objects.exists()

    def test_it_refuses_a_bad_orcid(self, people):
        round_ = make_round()
        payload = application_payload(round_)
        payload["team"][0]["orcid"] = "0000-0002-1825-0098"
        with pytest.raises(ValidationFailed, match="check digit"):
            services.application_create(actor=people.alice, round_=round_, **payload)


def test_team_members_may_be_linked_to_existing_accounts_only(people):
    round_ = make_round()
    payload = application_payload(round_)
    payload["team"][0]["user"] = 10**9
    with pytest.raises(ValidationFailed, match="does not exist"):
        services.application_create(actor=people.alice, round_=round_, **payload)
    payload["team"][0]["user"] = people.bob.pk
    application = services.application_create(actor=people.alice, round_=round_, **payload)
    assert application.team.get().user == people.bob


class TestApplicationUpdate:
    def test_the_owner_edits_a_draft(self, people):
        application = make_application(people.alice, make_round())
        services.application_update(actor=people.alice, application=application, title="New title", funding=[])
        application.refresh_from_db()
        assert application.title == "New title" and not application.funding.exists()
        from lunarshare.testing.helpers import last_event

        event = last_event("application.updated")
        assert event.data["fields"]["title"]["new"] == "New title" and event.data["nested"] == ["funding"]

    def test_someone_else_may_not_edit(self, people):
        application = make_application(people.alice, make_round())
        with pytest.raises(PermissionDeniedError):
            services.application_update(actor=people.bob, application=application, title="Mine now")

    def test_a_submitted_application_is_not_editable(self, people):
        application = make_application(people.alice, make_round(), status="submitted")
        with pytest.raises(InvalidTransition):
            services.application_update(actor=people.alice, application=application, title="Late change")
        application.refresh_from_db()
        assert application.title != "Late change"


class TestSubmit:
    def test_it_submits_inside_the_window_and_notifies(self, people, django_capture_on_commit_callbacks):
        application = make_application(people.alice, make_round())
        with django_capture_on_commit_callbacks(execute=True):
            services.application_submit(actor=people.alice, application=application)
        application.refresh_from_db()
        assert application.status == S.SUBMITTED and application.submitted_at
        from lunarshare.testing.helpers import last_event

        assert last_event("application.submitted").data["old"] == S.DRAFT
        assert ApplicationStatusChange.objects.get(application=application).new_status == S.SUBMITTED
        assert Notification.objects.filter(user=people.alice, verb="programs.application_submitted").exists()
        assert Notification.objects.filter(user=people.officer).exists()
        assert any(people.alice.email in m.to for m in mail.outbox)

    def test_it_refuses_outside_the_window_and_says_when_it_is(self, people):
        now = timezone.now()
        round_ = make_round(opens_at=now - datetime.timedelta(days=2), closes_at=now + datetime.timedelta(days=1))
        application = make_application(people.alice, round_)
        with time_machine.travel(now + datetime.timedelta(days=2)):
            with pytest.raises(InvalidTransition) as refusal:
                services.application_submit(actor=people.alice, application=application)
        assert "only while the round is open" in str(refusal.value.message)
        assert refusal.value.extra["closes_at"] == round_.closes_at.isoformat()
        application.refresh_from_db()
        assert application.status == S.DRAFT

    def test_it_refuses_in_a_closed_round(self, people):
        round_ = make_round()
        application = make_application(people.alice, round_)
        services.round_close(actor=people.officer, round_=round_)
        with pytest.raises(InvalidTransition):
            services.application_submit(actor=people.alice, application=application)

    def test_a_returned_application_can_be_resubmitted_after_close(self, people):
        round_ = make_round()
        application = make_application(people.alice, round_, status="returned")
        services.round_close(actor=people.officer, round_=round_)
        services.application_submit(actor=people.alice, application=application)
        application.refresh_from_db()
        assert application.status == S.SUBMITTED

    @pytest.mark.parametrize("status", ["submitted", "under_review", "withdrawn"])
    def test_it_refuses_to_submit_from(self, people, status):
        application = make_application(people.alice, make_round(), status=status)
        with pytest.raises(InvalidTransition):
            services.application_submit(actor=people.alice, application=application)
        application.refresh_from_db()
        assert application.status == status

    def test_only_the_owner_submits(self, people):
        application = make_application(people.alice, make_round())
        with pytest.raises(PermissionDeniedError):
            services.application_submit(actor=people.officer, application=application)


class TestWithdraw:
    @pytest.mark.parametrize("status", ["draft", "submitted", "returned", "under_review"])
    def test_it_withdraws_from_any_open_state(self, people, status):
        application = make_application(people.alice, make_round(), status=status)
        services.application_withdraw(actor=people.alice, application=application, reason="changed plans")
        application.refresh_from_db()
        assert application.status == S.WITHDRAWN
        from lunarshare.testing.helpers import last_event

        assert last_event("application.withdrawn").data == {"old": status, "new": "withdrawn", "reason": "changed plans"}

    def test_it_refuses_a_decided_application(self, people):
        round_ = make_round()
        application = make_application(people.alice, round_, status="under_review")
        services.application_decide(actor=people.committee, application=application, decision="reject", reason="No")
        with pytest.raises(InvalidTransition):
            services.application_withdraw(actor=people.alice, application=application)

    def test_it_refuses_withdrawing_twice(self, people):
        application = make_application(people.alice, make_round(), status="withdrawn")
        with pytest.raises(InvalidTransition):
            services.application_withdraw(actor=people.alice, application=application)


class TestScreening:
    def test_pass_moves_to_review(self, people):
        application = make_application(people.alice, make_round(), status="submitted")
        checklist = {c["key"]: True for c in application.round.screening_checklist}
        services.application_screen(actor=people.officer, application=application, result="pass", checklist=checklist)
        application.refresh_from_db()
        assert application.status == S.UNDER_REVIEW and application.screened_by == people.officer
        from lunarshare.testing.helpers import last_event

        assert last_event("application.screened_passed").data["checklist"] == checklist

    def test_return_needs_a_note_and_goes_back_to_the_applicant(self, people, django_capture_on_commit_callbacks):
        application = make_application(people.alice, make_round(), status="submitted")
        with pytest.raises(ValidationFailed):
            services.application_screen(actor=people.officer, application=application, result="return", note="")
        with django_capture_on_commit_callbacks(execute=True):
            services.application_screen(actor=people.officer, application=application, result="return", note="Add funding")
        application.refresh_from_db()
        assert application.status == S.RETURNED and application.screening_note == "Add funding"
        assert Notification.objects.filter(user=people.alice, verb="programs.returned").exists()

    def test_pass_needs_every_checklist_line(self, people):
        application = make_application(people.alice, make_round(), status="submitted")
        with pytest.raises(ValidationFailed, match="Tick every checklist line"):
            services.application_screen(actor=people.officer, application=application, result="pass",
                                        checklist={"complete": True})
        application.refresh_from_db()
        assert application.status == S.SUBMITTED

    def test_pass_is_refused_while_a_compliance_check_fails(self, people):
        from lunarshare.programs.models import ComplianceRule

        round_ = make_round(rules=[(ComplianceRule.Type.FUNDING_DECLARED, {})])
        application = make_application(people.alice, round_)
        services.application_update(actor=people.alice, application=application, funding=[])
        services.application_submit(actor=people.alice, application=application)
        with pytest.raises(ValidationFailed, match="funding"):
            services.application_screen(actor=people.officer, application=application, result="pass")
        application.refresh_from_db()
        assert application.status == S.SUBMITTED

    def test_only_officers_screen(self, people):
        application = make_application(people.alice, make_round(), status="submitted")
        with pytest.raises(PermissionDeniedError):
            services.application_screen(actor=people.committee, application=application, result="pass")

    @pytest.mark.parametrize("status", ["draft", "returned", "under_review", "withdrawn"])
    def test_it_refuses_to_screen_from(self, people, status):
        application = make_application(people.alice, make_round(), status=status)
        with pytest.raises(InvalidTransition):
            services.application_screen(actor=people.officer, application=application, result="pass")
        application.refresh_from_db()
        assert application.status == status


class TestAttachments:
    def test_it_stores_a_pdf_with_its_hash(self, people):
        import hashlib

        application = make_application(people.alice, make_round())
        upload = pdf_upload()
        attachment = services.attachment_add(actor=people.alice, application=application, upload=upload, kind="research_plan")
        upload.seek(0)
        assert attachment.sha256 == hashlib.sha256(upload.read()).hexdigest()
        assert attachment.file.read().startswith(b"%PDF-")
        from lunarshare.testing.helpers import last_event

        assert last_event("application.attachment_added").data["sha256"] == attachment.sha256

    def test_it_refuses_a_file_that_is_not_a_pdf(self, people):
        application = make_application(people.alice, make_round())
        with pytest.raises(ValidationFailed, match="PDF"):
            services.attachment_add(actor=people.alice, application=application, upload=pdf_upload("x.pdf", b"MZ\x90\x00"))
        assert not application.attachments.exists()

    def test_it_refuses_a_file_that_is_too_large(self, people, settings):
        settings.LUNARSHARE_MAX_ATTACHMENT_BYTES = 100
        application = make_application(people.alice, make_round())
        with pytest.raises(ValidationFailed, match="at most"):
            services.attachment_add(actor=people.alice, application=application, upload=pdf_upload(content=b"%PDF-" + b"x" * 200))


class TestScreeningStart:
    def test_an_officer_takes_a_submitted_application_into_screening(self, people):
        from lunarshare.testing.helpers import last_event

        application = make_application(people.alice, make_round(), status="submitted")
        services.application_screening_start(actor=people.officer, application=application)
        application.refresh_from_db()
        assert application.status == S.SCREENING
        assert last_event("application.screening_started").data == {"old": "submitted", "new": "screening"}
        with pytest.raises(InvalidTransition):
            services.application_screening_start(actor=people.officer, application=application)
        with pytest.raises(PermissionDeniedError):
            services.application_screening_start(actor=people.alice, application=application)
