import datetime

import pytest
from django.utils import timezone

from lunarshare.errors import InvalidTransition, PermissionDeniedError, ValidationFailed
from lunarshare.programs import services
from lunarshare.programs.models import Round, RoundStatus
from lunarshare.programs.tests.factories import make_application, make_round
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


def _draft_round(officer, **kw):
    now = timezone.now()
    return services.round_create(actor=officer, title_en="Batch 10", opens_at=now, closes_at=now + datetime.timedelta(days=30), **kw)


class TestRoundCreate:
    def test_it_creates_a_draft_round_with_the_default_rubric(self, people):
        round_ = _draft_round(people.officer)
        assert round_.status == RoundStatus.DRAFT
        assert list(round_.criteria.values_list("key", flat=True)) == ["merit", "feasibility", "team", "sample-use"]
        assert last_event("round.created").subject_id == str(round_.pk)

    def test_it_refuses_an_applicant(self, people):
        with pytest.raises(PermissionDeniedError):
            _draft_round(people.alice)
        assert not Round.objects.exists()

    def test_it_refuses_a_window_that_closes_before_it_opens(self, people):
        now = timezone.now()
        with pytest.raises(ValidationFailed):
            services.round_create(actor=people.officer, title_en="x", opens_at=now, closes_at=now - datetime.timedelta(hours=1))

    def test_it_refuses_naive_datetimes(self, people):
        with pytest.raises(ValidationFailed):
            services.round_create(actor=people.officer, title_en="x", opens_at=datetime.datetime(2030, 1, 1),
                                  closes_at=datetime.datetime(2030, 2, 1))


class TestRoundTransitions:
    def test_it_opens_and_records_the_rules_in_force(self, people):
        document = services.rule_document_create(actor=people.officer, title_en="Measures")
        version = services.rule_version_create(actor=people.officer, document=document, version="2020",
                                               effective_date=datetime.date(2020, 12, 17), publish=True)
        services.rule_version_create(actor=people.officer, document=document, version="draft-2030",
                                     effective_date=datetime.date(2030, 1, 1), publish=False)
        round_ = services.round_open(actor=people.officer, round_=_draft_round(people.officer))
        assert round_.status == RoundStatus.OPEN
        assert list(round_.rule_versions.all()) == [version]
        assert last_event("round.opened").data["rule_versions"] == [version.pk]

    def test_it_closes_an_open_round(self, people):
        round_ = make_round()
        services.round_close(actor=people.officer, round_=round_)
        round_.refresh_from_db()
        assert round_.status == RoundStatus.CLOSED and round_.closed_at
        assert last_event("round.closed")

    @pytest.mark.parametrize("status,service", [
        ("draft", "round_close"), ("closed", "round_open"), ("closed", "round_close"), ("open", "round_open"),
    ])
    def test_it_refuses_invalid_round_transitions(self, people, status, service):
        round_ = make_round(status=status) if status != "draft" else make_round(status="draft")
        before = round_.status
        with pytest.raises(InvalidTransition):
            getattr(services, service)(actor=people.officer, round_=round_)
        round_.refresh_from_db()
        assert round_.status == before

    def test_it_refuses_publishing_an_open_round(self, people):
        round_ = make_round()
        with pytest.raises(InvalidTransition):
            services.round_publish_results(actor=people.committee, round_=round_)

    def test_it_refuses_publishing_while_applications_are_under_review(self, people):
        round_ = make_round()
        make_application(people.alice, round_, status="under_review")
        services.round_close(actor=people.officer, round_=round_)
        with pytest.raises(InvalidTransition, match="still being screened or reviewed"):
            services.round_publish_results(actor=people.committee, round_=round_)
        round_.refresh_from_db()
        assert round_.status == RoundStatus.CLOSED

    def test_it_refuses_publishing_twice(self, people):
        round_ = make_round(status="closed")
        services.round_publish_results(actor=people.committee, round_=round_)
        with pytest.raises(InvalidTransition):
            services.round_publish_results(actor=people.committee, round_=round_)

    def test_it_refuses_a_reviewer_publishing(self, people):
        round_ = make_round(status="closed")
        with pytest.raises(PermissionDeniedError):
            services.round_publish_results(actor=people.reviewer, round_=round_)

    def test_publishing_marks_the_round_decided_and_published(self, people):
        round_ = make_round(status="closed")
        services.round_publish_results(actor=people.officer, round_=round_)
        round_.refresh_from_db()
        assert round_.status == RoundStatus.PUBLISHED and round_.results_published_at and round_.decided_at
        assert last_event("round.results_published").data == {"institutions": 0, "countries": 0, "total_mass_ug": 0}

    def test_open_round_keeps_its_limits(self, people):
        round_ = make_round()
        with pytest.raises(InvalidTransition):
            services.round_update(actor=people.officer, round_=round_, max_total_mass_ug=5)
        services.round_update(actor=people.officer, round_=round_, title_zh="第十批")
        round_.refresh_from_db()
        assert round_.title_zh == "第十批"
        assert last_event("round.updated").data == {"title_zh": {"old": "", "new": "第十批"}}


def test_the_scheduler_closes_rounds_whose_window_has_ended(people):
    from lunarshare.programs.tasks import close_due_rounds

    now = timezone.now()
    due = make_round(opens_at=now - datetime.timedelta(days=3), closes_at=now + datetime.timedelta(seconds=1))
    still_open = make_round()
    Round.objects.filter(pk=due.pk).update(closes_at=now - datetime.timedelta(minutes=1))
    assert close_due_rounds() == [due.pk]
    due.refresh_from_db()
    still_open.refresh_from_db()
    assert due.status == RoundStatus.CLOSED and still_open.status == RoundStatus.OPEN
    assert last_event("round.closed").actor_id is None
    assert close_due_rounds() == []
