import pytest

from lunarshare.errors import ConflictError, InvalidTransition, PermissionDeniedError, ValidationFailed
from lunarshare.programs import services
from lunarshare.programs.models import ApplicationStatus, ComplianceRule, SampleForm
from lunarshare.programs.selectors import round_results
from lunarshare.programs.tests.factories import WOLF, make_application, make_round
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db
S = ApplicationStatus


class TestDecide:
    def test_approve_grants_every_item_in_full(self, people):
        application = make_application(people.alice, make_round(), status="under_review")
        services.application_decide(actor=people.committee, application=application, decision="approve", reason="Excellent")
        application.refresh_from_db()
        assert application.status == S.APPROVED and application.is_approved and application.decided_at
        assert [i.approved_mass_ug for i in application.items.all()] == [100_000]
        assert last_event("application.approved").data["approved_mass_ug"] == 100_000

    def test_reduce_sets_the_mass_per_item(self, people):
        application = make_application(people.alice, make_round(), status="under_review")
        item = application.items.get()
        services.application_decide(actor=people.committee, application=application, decision="reduce",
                                    items=[{"id": item.pk, "mass_ug": 40_000}], reason="Less is enough")
        item.refresh_from_db()
        application.refresh_from_db()
        assert application.status == S.REDUCED and application.is_approved and item.approved_mass_ug == 40_000
        assert last_event("application.reduced").data["items"] == {str(item.pk): 40_000}

    @pytest.mark.parametrize("items,message", [
        (None, "lists the items"),
        ([{"id": 999999, "mass_ug": 1}], "not part of this application"),
        ("ITEM", "lists the items"),
        ([{"id": "ITEM", "mass_ug": 200_000}], "between 0 and"),
        ([{"id": "ITEM", "mass_ug": 100_000}], "Nothing was reduced"),
        ([{"id": "ITEM", "mass_ug": 0}], "reject the application instead"),
    ])
    def test_reduce_refuses_bad_items(self, people, items, message):
        application = make_application(people.alice, make_round(), status="under_review")
        pk = application.items.get().pk
        if items == "ITEM":
            items = None
        elif items:
            items = [{**row, "id": pk if row["id"] == "ITEM" else row["id"]} for row in items]
            message = "Item" if message == "not part of this application" else message
        with pytest.raises(ValidationFailed):
            services.application_decide(actor=people.committee, application=application, decision="reduce",
                                        items=items, reason="r")
        application.refresh_from_db()
        assert application.status == S.UNDER_REVIEW

    def test_whole_pieces_are_approved_whole_or_not_at_all(self, people):
        round_ = make_round()
        sections = round_.sample_sets.get(form=SampleForm.POLISHED_SECTION)
        powder = round_.sample_sets.get(form=SampleForm.POWDER)
        application = make_application(people.alice, round_)
        services.application_update(actor=people.alice, application=application, items=[
            {"sample_set": sections.pk, "requested_mass_ug": 20_000}, {"sample_set": powder.pk, "requested_mass_ug": 10_000}])
        services.application_submit(actor=people.alice, application=application)
        services.application_screen(actor=people.officer, application=application, result="pass")
        section_item = application.items.get(sample_set=sections)
        with pytest.raises(ValidationFailed, match="lent whole"):
            services.application_decide(actor=people.committee, application=application, decision="reduce",
                                        items=[{"id": section_item.pk, "mass_ug": 10_000}], reason="half")

    def test_reject_needs_a_reason_and_approves_nothing(self, people):
        application = make_application(people.alice, make_round(), status="under_review")
        with pytest.raises(ValidationFailed):
            services.application_decide(actor=people.committee, application=application, decision="reject")
        services.application_decide(actor=people.committee, application=application, decision="reject", reason="Out of scope")
        application.refresh_from_db()
        assert application.status == S.REJECTED and application.items.get().approved_mass_ug == 0
        assert last_event("application.rejected").data["reason"] == "Out of scope"

    def test_only_the_committee_decides(self, people):
        application = make_application(people.alice, make_round(), status="under_review")
        for actor in (people.officer, people.reviewer, people.alice):
            with pytest.raises(PermissionDeniedError):
                services.application_decide(actor=actor, application=application, decision="approve")

    @pytest.mark.parametrize("status", ["draft", "submitted", "returned", "withdrawn"])
    def test_it_refuses_to_decide_from(self, people, status):
        application = make_application(people.alice, make_round(), status=status)
        with pytest.raises(InvalidTransition):
            services.application_decide(actor=people.committee, application=application, decision="approve")
        application.refresh_from_db()
        assert application.status == status

    def test_it_refuses_deciding_twice(self, people):
        application = make_application(people.alice, make_round(), status="under_review")
        services.application_decide(actor=people.committee, application=application, decision="approve")
        with pytest.raises(InvalidTransition):
            services.application_decide(actor=people.committee, application=application, decision="reject", reason="x")

    def test_it_never_approves_more_than_the_offer(self, people):
        round_ = make_round(offered_mass_ug=150_000)
        first = make_application(people.alice, round_, status="under_review")
        second = make_application(people.bob, round_, status="under_review")
        services.application_decide(actor=people.committee, application=first, decision="approve")
        with pytest.raises(ConflictError, match="offers 150 mg"):
            services.application_decide(actor=people.committee, application=second, decision="approve")
        second.refresh_from_db()
        assert second.status == S.UNDER_REVIEW and second.items.get().approved_mass_ug is None
        item = second.items.get()
        services.application_decide(actor=people.committee, application=second, decision="reduce",
                                    items=[{"id": item.pk, "mass_ug": 50_000}], reason="What is left")
        assert round_results(round_).total_mass_ug == 150_000


class TestLegalReviewFlag:
    def test_a_flag_blocks_the_decision_until_an_officer_resolves_it(self, people):
        round_ = make_round(rules=[(ComplianceRule.Type.LEGAL_REVIEW, WOLF)])
        application = make_application(people.bob, round_, status="under_review", funder="NASA")
        flag = application.compliance_results.get()
        assert flag.outcome == "flag" and "NASA" in flag.explanation
        with pytest.raises(ConflictError, match="legal-review flag"):
            services.application_decide(actor=people.committee, application=application, decision="approve")
        with pytest.raises(PermissionDeniedError):
            services.compliance_resolve(actor=people.committee, result=flag, resolution="ok")
        services.compliance_resolve(actor=people.officer, result=flag, resolution="Funding is internal to Stony Brook")
        assert last_event("application.flag_resolved").data["resolution"] == "Funding is internal to Stony Brook"
        services.application_decide(actor=people.committee, application=application, decision="approve")
        application.refresh_from_db()
        assert application.status == S.APPROVED

    def test_a_resolved_flag_cannot_be_resolved_again(self, people):
        round_ = make_round(rules=[(ComplianceRule.Type.LEGAL_REVIEW, WOLF)])
        application = make_application(people.bob, round_, status="under_review", funder="NASA")
        flag = application.compliance_results.get()
        services.compliance_resolve(actor=people.officer, result=flag, resolution="ok")
        with pytest.raises(InvalidTransition):
            services.compliance_resolve(actor=people.officer, result=flag, resolution="again")
