import pytest

from lunarshare.accounts.models import Notification, Role
from lunarshare.errors import ConflictError, InvalidTransition, PermissionDeniedError, ValidationFailed
from lunarshare.programs import services
from lunarshare.programs.models import ConflictDeclaration, Review, ReviewStatus
from lunarshare.programs.tests.factories import make_application, make_reviewers, make_round
from lunarshare.testing.factories import InstitutionFactory, UserFactory
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def under_review(people):
    round_ = make_round()
    return round_, make_application(people.alice, round_, status="under_review")


class TestAutomaticAssignment:
    def test_it_gives_each_application_k_reviewers_balanced(self, people, under_review):
        round_, first = under_review
        second = make_application(people.bob, round_, status="under_review")
        make_reviewers(3)
        summary = services.round_assign_reviewers(actor=people.officer, round_=round_, per_application=2)
        assert summary["created"] == 4 and summary["max_load"] - summary["min_load"] <= 1
        for application in (first, second):
            assert application.reviews.filter(status=ReviewStatus.ASSIGNED).count() == 2
        assert last_event("round.reviewers_assigned").data["created"] == 4

    def test_it_never_assigns_a_reviewer_from_the_applying_institution(self, people, under_review):
        round_, application = under_review
        colleague = UserFactory(institution=people.cologne, roles=[Role.REVIEWER])
        services.round_assign_reviewers(actor=people.officer, round_=round_, per_application=2)
        assert not application.reviews.filter(reviewer=colleague).exists()
        assert application.reviews.count() == 1  # only `revi` at NAOC is left

    def test_it_respects_declared_coauthors(self, people, under_review):
        round_, application = under_review
        services.conflict_declare(actor=people.reviewer, kind=ConflictDeclaration.Kind.COAUTHOR, with_name="Demo Researcher")
        services.round_assign_reviewers(actor=people.officer, round_=round_, per_application=1)
        assert not application.reviews.exists()
        assert last_event("round.reviewers_assigned").data["shortfall"] == {str(application.pk): 1}

    def test_same_country_rule(self, people):
        round_ = make_round(same_country_conflict=True)
        application = make_application(people.alice, round_, status="under_review")  # Cologne, DE
        german = make_reviewers(1, country="DE")[0]
        services.round_assign_reviewers(actor=people.officer, round_=round_, per_application=2)
        assert not application.reviews.filter(reviewer=german).exists()

    def test_it_prefers_matching_expertise(self, people, under_review):
        round_, application = under_review
        people.reviewer.expertise = ["spectroscopy"]
        people.reviewer.save()
        expert = make_reviewers(1, expertise=["basalt", "sims"])[0]
        services.round_assign_reviewers(actor=people.officer, round_=round_, per_application=1)
        assert application.reviews.get().reviewer == expert

    def test_only_officers_assign(self, people, under_review):
        with pytest.raises(PermissionDeniedError):
            services.round_assign_reviewers(actor=people.committee, round_=under_review[0], per_application=1)

    def test_it_refuses_silly_k(self, people, under_review):
        with pytest.raises(ValidationFailed):
            services.round_assign_reviewers(actor=people.officer, round_=under_review[0], per_application=0)


class TestManualAssignment:
    def test_it_refuses_a_conflicted_reviewer(self, people, under_review):
        _round, application = under_review
        colleague = UserFactory(institution=people.cologne, roles=[Role.REVIEWER])
        with pytest.raises(ConflictError, match="applying institution"):
            services.review_assign(actor=people.officer, application=application, reviewer=colleague)
        assert not application.reviews.exists()

    def test_it_refuses_before_screening(self, people):
        application = make_application(people.alice, make_round(), status="submitted")
        with pytest.raises(InvalidTransition):
            services.review_assign(actor=people.officer, application=application, reviewer=people.reviewer)


class TestConflictDeclaration:
    def test_it_removes_the_reviewer_and_reassigns(self, people, under_review, django_capture_on_commit_callbacks):
        _round, application = under_review
        review = services.review_assign(actor=people.officer, application=application, reviewer=people.reviewer)
        spare = make_reviewers(1)[0]
        with django_capture_on_commit_callbacks(execute=True):
            services.review_declare_conflict(actor=people.reviewer, review=review, reason="I co-wrote with the PI")
        review.refresh_from_db()
        assert review.status == ReviewStatus.CONFLICT
        assert application.reviews.get(status=ReviewStatus.ASSIGNED).reviewer == spare
        assert last_event("review.conflict_declared").data["replacement"] == [spare.pk]
        assert Notification.objects.filter(user=spare, verb="programs.review_assigned").exists()

    def test_a_conflicted_reviewer_is_never_reassigned(self, people, under_review):
        round_, application = under_review
        review = services.review_assign(actor=people.officer, application=application, reviewer=people.reviewer)
        services.review_declare_conflict(actor=people.reviewer, review=review, reason="conflict")
        services.round_assign_reviewers(actor=people.officer, round_=round_, per_application=3)
        assert application.reviews.filter(reviewer=people.reviewer).count() == 1

    def test_only_the_assigned_reviewer_declares(self, people, under_review):
        review = services.review_assign(actor=people.officer, application=under_review[1], reviewer=people.reviewer)
        other = make_reviewers(1)[0]
        with pytest.raises(PermissionDeniedError):
            services.review_declare_conflict(actor=other, review=review, reason="x")

    def test_it_refuses_declaring_twice(self, people, under_review):
        review = services.review_assign(actor=people.officer, application=under_review[1], reviewer=people.reviewer)
        services.review_declare_conflict(actor=people.reviewer, review=review, reason="x")
        with pytest.raises(InvalidTransition):
            services.review_declare_conflict(actor=people.reviewer, review=review, reason="x")


class TestScoring:
    def _scores(self, **overrides):
        return {"merit": 5, "feasibility": 4, "team": 3, "sample-use": 2, **overrides}

    def test_it_stores_scores_and_the_weighted_mean(self, people, under_review):
        review = services.review_assign(actor=people.officer, application=under_review[1], reviewer=people.reviewer)
        services.review_score(actor=people.reviewer, review=review, scores=self._scores(), comment="Solid")
        review.refresh_from_db()
        # (5*4 + 4*3 + 3*2 + 2*1) / 10 = 4.0
        assert review.status == ReviewStatus.SUBMITTED and str(review.weighted_score) == "4.000"
        assert last_event("review.scored").data["scores"] == self._scores()

    @pytest.mark.parametrize("scores,message", [
        ({"merit": 5}, "Score every criterion"),
        ({"merit": 9, "feasibility": 4, "team": 3, "sample-use": 2}, "between 1 and 5"),
        ({"merit": "high", "feasibility": 4, "team": 3, "sample-use": 2}, "must be a number"),
        ({"merit": True, "feasibility": 4, "team": 3, "sample-use": 2}, "must be a number"),
        ({"merit": 5, "feasibility": 4, "team": 3, "sample-use": 2, "charm": 5}, "Unknown criteria"),
    ])
    def test_it_refuses_bad_scores(self, people, under_review, scores, message):
        review = services.review_assign(actor=people.officer, application=under_review[1], reviewer=people.reviewer)
        with pytest.raises(ValidationFailed, match=message):
            services.review_score(actor=people.reviewer, review=review, scores=scores)
        review.refresh_from_db()
        assert review.status == ReviewStatus.ASSIGNED

    def test_only_the_assigned_reviewer_scores(self, people, under_review):
        review = services.review_assign(actor=people.officer, application=under_review[1], reviewer=people.reviewer)
        with pytest.raises(PermissionDeniedError):
            services.review_score(actor=people.officer, review=review, scores=self._scores())

    def test_no_scoring_after_a_conflict(self, people, under_review):
        review = services.review_assign(actor=people.officer, application=under_review[1], reviewer=people.reviewer)
        services.review_declare_conflict(actor=people.reviewer, review=review, reason="x")
        with pytest.raises(InvalidTransition):
            services.review_score(actor=people.reviewer, review=review, scores=self._scores())

    def test_ranking_uses_per_reviewer_z_scores(self, people):
        from lunarshare.programs.selectors import round_ranking

        round_ = make_round()
        lenient, harsh = make_reviewers(2)
        apps = [make_application(people.alice, round_, status="under_review"),
                make_application(people.bob, round_, status="under_review")]
        marks = {lenient: [5, 4], harsh: [3, 1]}
        for reviewer, values in marks.items():
            for application, value in zip(apps, values, strict=True):
                review = services.review_assign(actor=people.officer, application=application, reviewer=reviewer)
                services.review_score(actor=reviewer, review=review,
                                      scores={"merit": value, "feasibility": value, "team": value, "sample-use": value})
        ranking = round_ranking(round_)
        assert [r.application for r in ranking] == apps
        assert ranking[0].normalised_mean == 1.0 and ranking[1].normalised_mean == -1.0
        assert str(ranking[0].weighted_mean) == "4.000" and ranking[0].rank == 1


def test_review_model_keeps_one_row_per_reviewer(people, under_review):
    services.review_assign(actor=people.officer, application=under_review[1], reviewer=people.reviewer)
    with pytest.raises(ConflictError):
        services.review_assign(actor=people.officer, application=under_review[1], reviewer=people.reviewer)
    assert Review.objects.count() == 1


def test_declaring_a_standing_conflict_needs_a_counterpart(people):
    with pytest.raises(ValidationFailed):
        services.conflict_declare(actor=people.reviewer)
    with pytest.raises(PermissionDeniedError):
        services.conflict_declare(actor=people.alice, with_name="x")
    services.conflict_declare(actor=people.reviewer, with_institution=InstitutionFactory())
    assert last_event("reviewer.conflict_declared")


def test_the_indexed_conflict_sets_agree_with_the_explained_checks(people):
    """``conflicted_reviewers`` (used for speed) and ``conflict_checker`` (used for reasons) agree."""
    import random

    from lunarshare.programs.models import Application
    from lunarshare.programs.selectors import conflict_checker, conflicted_reviewers, reviewer_pool

    round_ = make_round(same_country_conflict=True)
    make_application(people.alice, round_, status="under_review")
    make_application(people.bob, round_, status="under_review")
    pool = make_reviewers(4, country="DE") + make_reviewers(4, country="US")
    UserFactory(institution=people.stony, roles=[Role.REVIEWER])
    rng = random.Random(3)
    for reviewer in pool[:4]:
        services.conflict_declare(actor=reviewer, with_name=rng.choice(["Demo Researcher", "Nobody"]))
    services.conflict_declare(actor=pool[5], with_institution=people.cologne)
    applications = list(Application.objects.filter(round=round_).select_related("institution", "applicant")
                        .prefetch_related("team"))
    reviewers = list(reviewer_pool())
    explained = conflict_checker(round_, applications, reviewers)
    indexed = conflicted_reviewers(round_, applications, reviewers)
    for application in applications:
        assert indexed[application.pk] == {r.pk for r in reviewers if explained(application.pk, r.pk)}
        assert indexed[application.pk]
