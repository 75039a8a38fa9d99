"""Review: conflicts of interest, manual and automatic assignment, conflict declaration, scoring."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.accounts.models import User
from lunarshare.accounts.notify import notify_on_commit
from lunarshare.errors import (
    ConflictError,
    InvalidTransition,
    ValidationFailed,
    check_transition,
)
from lunarshare.permissions import may, require

from .. import assignment
from ..models import (
    Application,
    ApplicationStatus,
    ConflictDeclaration,
    Review,
    ReviewStatus,
    Round,
    RoundStatus,
)
from ..selectors import (
    ACTIVE_REVIEW,
    conflict_checker,
    conflicted_reviewers,
    reviewer_pool,
    round_review_loads,
)
from ._common import application_references, name_list, officers, require_officer

REVIEWABLE_ROUND = (RoundStatus.OPEN, RoundStatus.CLOSED)


def conflict_declare(*, actor, kind: str = ConflictDeclaration.Kind.COAUTHOR, with_user=None, with_orcid: str = "",
                     with_name: str = "", with_institution=None, note: str = "") -> ConflictDeclaration:
    """A reviewer declares a standing conflict (co-author, collaborator, institution)."""
    require(actor, "programs.review", message=_("Only reviewers declare conflicts of interest."))
    if kind not in ConflictDeclaration.Kind.values:
        raise ValidationFailed(_("Unknown kind of conflict."))
    if not (with_user or with_orcid.strip() or with_name.strip() or with_institution):
        raise ValidationFailed(_("Say with whom or with which institution you have a conflict."))
    with transaction.atomic():
        declaration = ConflictDeclaration.objects.create(reviewer=actor, kind=kind, with_user=with_user,
                                                         with_orcid=with_orcid.strip(), with_name=with_name.strip(),
                                                         with_institution=with_institution, note=note)
        audit.record(actor=actor, verb="reviewer.conflict_declared", obj=declaration,
                     data={"kind": kind, "with_user": getattr(with_user, "pk", None), "with_orcid": with_orcid,
                           "with_name": with_name, "with_institution": getattr(with_institution, "pk", None)})
    return declaration


def _reviewable(application: Application) -> None:
    if application.status != ApplicationStatus.UNDER_REVIEW:
        raise InvalidTransition(_("Reviewers are assigned only to applications under review; %(ref)s is “%(status)s”.")
                                % {"ref": application.reference, "status": application.get_status_display()})


def review_assign(*, actor, application: Application, reviewer: User) -> Review:
    """Assign one reviewer by hand; refused when the reviewer is conflicted."""
    require_officer(actor)
    if not may(reviewer, "programs.review"):
        raise ValidationFailed(_("%(name)s is not a reviewer.") % {"name": reviewer})
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("round", "institution", "applicant").get(
            pk=application.pk)
        _reviewable(application)
        reason = conflict_checker(application.round, [application], [reviewer])(application.pk, reviewer.pk)
        if reason:
            raise ConflictError(_("%(name)s cannot review this application: %(reason)s.")
                                % {"name": reviewer, "reason": reason})
        if application.reviews.filter(reviewer=reviewer).exists():
            raise ConflictError(_("%(name)s is already assigned.") % {"name": reviewer})
        review = Review.objects.create(application=application, reviewer=reviewer, assigned_by=actor)
        audit.record(actor=actor, verb="review.assigned", obj=review,
                     data={"application": application.pk, "reviewer": reviewer.pk, "automatic": False})
        _notify_assigned([review])
    return review


def _notify_assigned(reviews) -> None:
    """One notice per reviewer, however many applications they were given (one delivery)."""
    from django.urls import reverse

    reviewer_ids = {review.reviewer_id for review in reviews}
    if reviewer_ids:
        notify_on_commit(reviewer_ids, verb="programs.review_assigned", title=_("You have new review assignments"),
                         body=_("Open “My reviews” to read and score them."), url=reverse("programs:my-reviews"))


def _auto_assign(round_: Round, applications, per_application: int, *, actor, seed: int = 0) -> tuple[list[Review], dict, dict]:
    """Bring each application up to ``per_application`` active reviewers (see ``assignment``)."""
    applications = list(applications)
    if not applications:
        return [], {}, {}
    reviewers = list(reviewer_pool())
    conflicted = conflicted_reviewers(round_, applications, reviewers)
    loads = round_review_loads(round_)
    topic_tags = _application_tags(applications)
    needs = []
    for app in applications:
        existing = frozenset(r.reviewer_id for r in app.reviews.all())
        active = sum(1 for r in app.reviews.all() if r.status in ACTIVE_REVIEW)
        if per_application - active > 0:
            needs.append(assignment.Need(app.pk, per_application - active, topic_tags[app.pk], existing))
    candidates = [assignment.Candidate(r.pk, frozenset(t.casefold() for t in (r.expertise or [])), loads.get(r.pk, 0))
                  for r in reviewers]
    result = assignment.assign(needs, candidates, lambda a, r: r in conflicted[a], seed=seed)
    by_id = {a.pk: a for a in applications}
    now = timezone.now()
    created = Review.objects.bulk_create([
        Review(application_id=app_id, reviewer_id=reviewer_id, assigned_by=actor, automatic=True, assigned_at=now)
        for app_id, reviewer_ids in result.assignments.items() for reviewer_id in reviewer_ids])
    for review in created:
        review.application = by_id[review.application_id]
    return created, result.shortfall, result.loads


def _application_tags(applications) -> dict[int, frozenset[str]]:
    """Words of the title, abstract and methods that a reviewer's expertise tags may match."""
    tags = {}
    for app in applications:
        text = " ".join([app.title, app.abstract, *(m.name for m in app.methods.all())]).casefold()
        tags[app.pk] = frozenset(text.replace(",", " ").replace(".", " ").split()) | frozenset({text})
    return tags


def round_assign_reviewers(*, actor, round_: Round, per_application: int | None = None, seed: int = 0) -> dict:
    """Assign reviewers to every application under review in the round (balanced, no conflicts)."""
    require_officer(actor)
    if per_application is None:
        per_application = round_.reviewers_per_application
    if isinstance(per_application, bool) or not isinstance(per_application, int) or not 1 <= per_application <= 20:
        raise ValidationFailed(_("Between 1 and 20 reviewers per application."))
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status not in REVIEWABLE_ROUND:
            raise InvalidTransition(_("Reviewers can be assigned only while the round is open or closed."))
        applications = (round_.applications.select_for_update().filter(status=ApplicationStatus.UNDER_REVIEW)
                        .select_related("institution", "applicant").prefetch_related("team", "reviews", "methods"))
        created, shortfall, loads = _auto_assign(round_, applications, per_application, actor=actor, seed=seed)
        summary = {"created": len(created), "per_application": per_application, "shortfall": shortfall,
                   "min_load": min(loads.values(), default=0), "max_load": max(loads.values(), default=0)}
        audit.record(actor=actor, verb="round.reviewers_assigned", obj=round_,
                     data={**summary, "shortfall": {str(k): v for k, v in shortfall.items()}})
        _notify_assigned(created)
        if shortfall:
            notify_on_commit(officers(), verb="programs.reviewers_short",
                             title=_("Not enough conflict-free reviewers for %(refs)s")
                             % {"refs": name_list(application_references(sorted(shortfall)))},
                             url=round_.get_absolute_url())
    return summary


def review_declare_conflict(*, actor, review: Review, reason: str) -> Review:
    """The assigned reviewer declares a conflict: they are removed and a replacement is assigned."""
    require(actor, "programs.handle_review", review,
            message=_("Only the assigned reviewer may declare a conflict on this review."))
    if not (reason or "").strip():
        raise ValidationFailed(_("Say what the conflict is."))
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("application", "application__round").get(pk=review.pk)
        check_transition(Review.TRANSITIONS, ReviewStatus(review.status), ReviewStatus.CONFLICT, what=_("A review"))
        if review.application.status != ApplicationStatus.UNDER_REVIEW:
            raise InvalidTransition(_("The application is no longer under review."))
        old = review.status
        review.status, review.conflict_reason = ReviewStatus.CONFLICT, reason.strip()
        review.save(update_fields=["status", "conflict_reason"])
        round_ = review.application.round
        per_application = max(round_.reviewers_per_application,
                              review.application.reviews.filter(status__in=ACTIVE_REVIEW).count() + 1)
        application = (Application.objects.filter(pk=review.application_id).select_related("institution", "applicant")
                       .prefetch_related("team", "reviews", "methods"))
        created, shortfall, _loads = _auto_assign(round_, application, per_application, actor=actor)
        audit.record(actor=actor, verb="review.conflict_declared", obj=review,
                     data={"old": old, "new": review.status, "reason": review.conflict_reason,
                           "replacement": [r.reviewer_id for r in created]})
        _notify_assigned(created)
        notify_on_commit(officers(), verb="programs.review_conflict",
                         title=_("%(name)s declared a conflict on %(ref)s") % {"name": actor,
                                                                              "ref": review.application.reference},
                         body=review.conflict_reason if not shortfall else
                         _("No conflict-free replacement was found; assign one by hand."),
                         url=review.application.get_absolute_url())
    return review


def _parse_score(value, criterion) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValidationFailed(_("The score for “%(c)s” must be a number.") % {"c": criterion.key})
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationFailed(_("The score for “%(c)s” must be a number.") % {"c": criterion.key}) from None
    if not number.is_finite() or not criterion.scale_min <= number <= criterion.scale_max:
        raise ValidationFailed(_("The score for “%(c)s” must be between %(lo)d and %(hi)d.")
                               % {"c": criterion.key, "lo": criterion.scale_min, "hi": criterion.scale_max})
    return number


def weighted_mean(scores: dict, criteria) -> Decimal:
    total_weight = sum((c.weight for c in criteria), Decimal(0))
    value = sum((Decimal(str(scores[c.key])) * c.weight for c in criteria), Decimal(0)) / total_weight
    return value.quantize(Decimal("0.001"))


def review_score(*, actor, review: Review, scores: dict, comment: str = "") -> Review:
    """The assigned reviewer scores every rubric criterion; re-scoring is allowed until the decision."""
    require(actor, "programs.handle_review", review, message=_("Only the assigned reviewer may score this review."))
    if not isinstance(scores, dict):
        raise ValidationFailed(_("Scores map each rubric criterion to a number."))
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("application", "application__round").get(pk=review.pk)
        check_transition(Review.TRANSITIONS, ReviewStatus(review.status), ReviewStatus.SUBMITTED, what=_("A review"))
        if review.application.status != ApplicationStatus.UNDER_REVIEW:
            raise InvalidTransition(_("The application is no longer under review."))
        criteria = list(review.application.round.criteria.all())
        keys = {c.key for c in criteria}
        unknown, missing = set(scores) - keys, keys - set(scores)
        if unknown:
            raise ValidationFailed(_("Unknown criteria: %(keys)s.") % {"keys": ", ".join(sorted(map(str, unknown)))})
        if missing:
            raise ValidationFailed(_("Score every criterion; missing: %(keys)s.") % {"keys": ", ".join(sorted(missing))})
        parsed = {c.key: _parse_score(scores[c.key], c) for c in criteria}
        old = review.status
        review.scores = {k: float(v) if v != v.to_integral_value() else int(v) for k, v in parsed.items()}
        review.weighted_score = weighted_mean(parsed, criteria)
        review.comment = (comment or "").strip()[:20_000]
        review.status, review.submitted_at = ReviewStatus.SUBMITTED, timezone.now()
        review.save(update_fields=["scores", "weighted_score", "comment", "status", "submitted_at"])
        audit.record(actor=actor, verb="review.scored", obj=review,
                     data={"old": old, "scores": review.scores, "weighted_score": review.weighted_score})
        notify_on_commit(officers(), verb="programs.review_scored",
                         title=_("Review of %(ref)s scored") % {"ref": review.application.reference},
                         url=review.application.get_absolute_url())
    return review
