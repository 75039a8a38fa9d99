"""Reads of the programs app: who sees which application and review, conflicts, rankings, results."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from lunarshare.accounts.models import Role
from lunarshare.accounts.rules import is_reviewer
from lunarshare.accounts.selectors import users_with_role
from lunarshare.errors import NotFoundError

from .models import (
    APPROVED_STATUSES,
    Application,
    ApplicationStatus,
    ConflictDeclaration,
    Review,
    ReviewStatus,
    Round,
    RoundStatus,
    SampleSet,
)
from .rules import reads_all_applications

ACTIVE_REVIEW = (ReviewStatus.ASSIGNED, ReviewStatus.SUBMITTED)


# --- Visibility -----------------------------------------------------------------------------

def rounds_visible_to(user) -> QuerySet:
    queryset = Round.objects.all()
    if reads_all_applications(user):
        return queryset
    return queryset.exclude(status=RoundStatus.DRAFT)


def round_get_for_user(user, pk) -> Round:
    try:
        return rounds_visible_to(user).get(pk=pk)
    except (Round.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("No such round.")) from None


def applications_visible_to(user) -> QuerySet:
    """Applicants see their own (and those they are a team member of); reviewers the ones they
    are assigned to without a conflict; officers, committee and auditors all."""
    queryset = Application.objects.select_related("round", "institution", "applicant")
    if not user.is_authenticated:
        return queryset.none()
    if reads_all_applications(user):
        return queryset
    condition = Q(applicant=user) | Q(team__user=user)
    if is_reviewer(user):
        condition |= Q(reviews__reviewer=user, reviews__status__in=ACTIVE_REVIEW) & ~Q(status=ApplicationStatus.DRAFT)
    return queryset.filter(condition).distinct()


def application_get_for_user(user, pk) -> Application:
    """The application, if ``user`` may see it; 404 otherwise, whether or not it exists, so that
    its existence does not leak."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError(_("No such application.")) from None
    try:
        return applications_visible_to(user).get(pk=pk)
    except (Application.DoesNotExist, OverflowError):
        raise NotFoundError(_("No such application.")) from None


def reviews_visible_to(user) -> QuerySet:
    queryset = Review.objects.select_related("application", "application__round", "reviewer")
    if not user.is_authenticated:
        return queryset.none()
    if reads_all_applications(user):
        return queryset
    return queryset.filter(reviewer=user)


def review_get_for_user(user, pk) -> Review:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError(_("No such review.")) from None
    try:
        return reviews_visible_to(user).get(pk=pk)
    except (Review.DoesNotExist, OverflowError):  # someone else's review is 404, like a missing one
        raise NotFoundError(_("No such review.")) from None


# --- Conflicts of interest ------------------------------------------------------------------

@dataclass
class ApplicationPeople:
    institution_id: int
    country: str
    user_ids: set = field(default_factory=set)
    orcids: set = field(default_factory=set)
    names: set = field(default_factory=set)
    institution_names: set = field(default_factory=set)


def _norm(text: str) -> str:
    return " ".join((text or "").casefold().split())


def application_people(applications) -> dict[int, ApplicationPeople]:
    people: dict[int, ApplicationPeople] = {}
    for app in applications:
        entry = ApplicationPeople(institution_id=app.institution_id, country=str(app.institution.country))
        entry.user_ids.add(app.applicant_id)
        if app.applicant.orcid:
            entry.orcids.add(app.applicant.orcid)
        entry.names.add(_norm(str(app.applicant)))
        entry.institution_names.update({_norm(app.institution.name_en), _norm(app.institution.name_zh)} - {""})
        for member in app.team.all():
            if member.user_id:
                entry.user_ids.add(member.user_id)
            if member.orcid:
                entry.orcids.add(member.orcid.strip())
            entry.names.add(_norm(member.name))
            if member.institution_name:
                entry.institution_names.add(_norm(member.institution_name))
        people[app.pk] = entry
    return people


def conflict_checker(round_: Round, applications, reviewers):
    """A function ``(application_id, reviewer_id) -> reason or ""`` for the round.

    Conflicted: same institution as the application or a team member; the reviewer is on the
    team; a declared co-author/collaborator (user, ORCID iD or name) or institution; the same
    country when the round says so; a conflict already declared on this application."""
    people = application_people(applications)
    reviewers = {r.pk: r for r in reviewers}
    # Per reviewer, the sets their declarations name, so each check is a few set look-ups.
    declared = defaultdict(lambda: {"users": set(), "orcids": set(), "names": set(), "institutions": set()})
    for decl in ConflictDeclaration.objects.filter(reviewer_id__in=reviewers):
        entry = declared[decl.reviewer_id]
        if decl.with_user_id:
            entry["users"].add(decl.with_user_id)
        if decl.with_orcid:
            entry["orcids"].add(decl.with_orcid)
        if decl.with_name:
            entry["names"].add(_norm(decl.with_name))
        if decl.with_institution_id:
            entry["institutions"].add(decl.with_institution_id)
    declared_on = set(Review.objects.filter(application_id__in=people, status__in=[ReviewStatus.CONFLICT,
                                                                                    ReviewStatus.WITHDRAWN])
                      .values_list("application_id", "reviewer_id"))
    reviewer_inst = {r.pk: (r.institution_id, str(r.institution.country) if r.institution_id else "",
                            {_norm(r.institution.name_en), _norm(r.institution.name_zh)} - {""} if r.institution_id else set())
                     for r in reviewers.values()}
    empty = {"users": set(), "orcids": set(), "names": set(), "institutions": set()}

    def reason(application_id, reviewer_id) -> str:
        entry = people[application_id]
        inst_id, country, inst_names = reviewer_inst[reviewer_id]
        if (application_id, reviewer_id) in declared_on:
            return _("declared a conflict on this application")
        if reviewer_id in entry.user_ids:
            return _("is on the applying team")
        if inst_id and inst_id == entry.institution_id:
            return _("works at the applying institution")
        if not inst_names.isdisjoint(entry.institution_names):
            return _("works at a team member's institution")
        if round_.same_country_conflict and country and country == entry.country:
            return _("is from the applicant's country")
        mine = declared.get(reviewer_id, empty)
        if (not mine["users"].isdisjoint(entry.user_ids) or not mine["orcids"].isdisjoint(entry.orcids)
                or not mine["names"].isdisjoint(entry.names)):
            return _("declared a co-author or collaborator on the team")
        if entry.institution_id in mine["institutions"]:
            return _("declared a conflict with the applying institution")
        return ""

    return reason


def conflicted_reviewers(round_: Round, applications, reviewers) -> dict[int, set[int]]:
    """``application id -> ids of conflicted reviewers``, by the same rules as
    :func:`conflict_checker`, computed through indexes (no application × reviewer loop)."""
    people = application_people(applications)
    by_institution, by_name, by_country = defaultdict(set), defaultdict(set), defaultdict(set)
    for reviewer in reviewers:
        if reviewer.institution_id:
            by_institution[reviewer.institution_id].add(reviewer.pk)
            by_country[str(reviewer.institution.country)].add(reviewer.pk)
            for name in {_norm(reviewer.institution.name_en), _norm(reviewer.institution.name_zh)} - {""}:
                by_name[name].add(reviewer.pk)
    reviewer_ids = {r.pk for r in reviewers}
    declared_users, declared_orcids, declared_names, declared_insts = (defaultdict(set) for _i in range(4))
    for decl in ConflictDeclaration.objects.filter(reviewer_id__in=reviewer_ids):
        if decl.with_user_id:
            declared_users[decl.with_user_id].add(decl.reviewer_id)
        if decl.with_orcid:
            declared_orcids[decl.with_orcid].add(decl.reviewer_id)
        if decl.with_name:
            declared_names[_norm(decl.with_name)].add(decl.reviewer_id)
        if decl.with_institution_id:
            declared_insts[decl.with_institution_id].add(decl.reviewer_id)
    result: dict[int, set[int]] = {app_id: set() for app_id in people}
    for app_id, reviewer_id in Review.objects.filter(
            application_id__in=people, status__in=[ReviewStatus.CONFLICT, ReviewStatus.WITHDRAWN]).values_list(
            "application_id", "reviewer_id"):
        result[app_id].add(reviewer_id)
    for app_id, entry in people.items():
        found = result[app_id]
        found |= entry.user_ids & reviewer_ids
        found |= by_institution.get(entry.institution_id, set())
        for name in entry.institution_names:
            found |= by_name.get(name, set())
        if round_.same_country_conflict:
            found |= by_country.get(entry.country, set())
        for user_id in entry.user_ids:
            found |= declared_users.get(user_id, set())
        for orcid in entry.orcids:
            found |= declared_orcids.get(orcid, set())
        for name in entry.names:
            found |= declared_names.get(name, set())
        found |= declared_insts.get(entry.institution_id, set())
    return result


def reviewer_pool() -> QuerySet:

    return (users_with_role(Role.REVIEWER)
            .select_related("institution").distinct().order_by("pk"))


def round_review_loads(round_: Round) -> dict[int, int]:
    loads: dict[int, int] = defaultdict(int)
    for reviewer_id in Review.objects.filter(application__round=round_, status__in=ACTIVE_REVIEW).values_list(
            "reviewer_id", flat=True):
        loads[reviewer_id] += 1
    return loads


# --- Scores and ranking ---------------------------------------------------------------------

@dataclass
class RankedApplication:
    application: Application
    reviews: int
    weighted_mean: Decimal | None
    normalised_mean: float | None
    rank: int | None = None


def round_ranking(round_: Round) -> list[RankedApplication]:
    """Applications under review or decided, with the mean weighted score and the mean of
    per-reviewer z-scores (each reviewer's scores in the round centred on their own mean and
    divided by their own standard deviation, so a harsh and a lenient reviewer weigh alike)."""
    reviews = list(Review.objects.filter(application__round=round_, status=ReviewStatus.SUBMITTED,
                                         weighted_score__isnull=False))
    by_reviewer: dict[int, list[float]] = defaultdict(list)
    for review in reviews:
        by_reviewer[review.reviewer_id].append(float(review.weighted_score))
    stats = {}
    for reviewer_id, values in by_reviewer.items():
        mean = statistics.fmean(values)
        spread = statistics.pstdev(values) if len(values) > 1 else 0.0
        stats[reviewer_id] = (mean, spread)
    per_app: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        per_app[review.application_id].append(review)
    applications = (Application.objects.filter(round=round_).exclude(
        status__in=[ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN, ApplicationStatus.SUBMITTED,
                    ApplicationStatus.SCREENING, ApplicationStatus.RETURNED])
        .select_related("institution", "applicant"))
    ranked = []
    for app in applications:
        app_reviews = per_app.get(app.pk, [])
        if app_reviews:
            weighted = sum((r.weighted_score for r in app_reviews), Decimal(0)) / len(app_reviews)
            zs = []
            for r in app_reviews:
                mean, spread = stats[r.reviewer_id]
                zs.append((float(r.weighted_score) - mean) / spread if spread else 0.0)
            ranked.append(RankedApplication(app, len(app_reviews), weighted.quantize(Decimal("0.001")),
                                            round(statistics.fmean(zs), 3)))
        else:
            ranked.append(RankedApplication(app, 0, None, None))
    ranked.sort(key=lambda r: (r.weighted_mean is None, -(r.normalised_mean or 0), -(r.weighted_mean or 0),
                               r.application.pk))
    for position, entry in enumerate(ranked, start=1):
        if entry.weighted_mean is not None:
            entry.rank = position
    return ranked


def review_z_scores(round_: Round) -> dict[int, float]:
    """``review id -> z-score`` of each submitted review within its reviewer's scores in the round."""
    reviews = list(Review.objects.filter(application__round=round_, status=ReviewStatus.SUBMITTED,
                                         weighted_score__isnull=False))
    by_reviewer: dict[int, list[Review]] = defaultdict(list)
    for review in reviews:
        by_reviewer[review.reviewer_id].append(review)
    result = {}
    for items in by_reviewer.values():
        values = [float(r.weighted_score) for r in items]
        mean = statistics.fmean(values)
        spread = statistics.pstdev(values) if len(values) > 1 else 0.0
        for review in items:
            result[review.pk] = round((float(review.weighted_score) - mean) / spread, 3) if spread else 0.0
    return result


# --- Mass and results -----------------------------------------------------------------------

def sample_set_approved_mass_ug(sample_set: SampleSet, *, exclude_application=None) -> int:
    queryset = sample_set.items.filter(application__status__in=APPROVED_STATUSES)
    if exclude_application is not None:
        queryset = queryset.exclude(application=exclude_application)
    return queryset.aggregate(total=Sum("approved_mass_ug"))["total"] or 0


@dataclass
class Award:
    institution: object
    country: str
    mass_ug: int
    applications: int


@dataclass
class RoundResults:
    round: Round
    awards: list[Award]
    total_mass_ug: int

    @property
    def institutions_count(self) -> int:
        return len(self.awards)

    @property
    def countries_count(self) -> int:
        return len({a.country for a in self.awards})


def round_results(round_: Round) -> RoundResults:
    """Approved applications of the round grouped by institution (one award per institution)."""
    rows = (Application.objects.filter(round=round_, status__in=APPROVED_STATUSES)
            .select_related("institution").annotate(mass=Sum("items__approved_mass_ug")))
    by_institution: dict[int, Award] = {}
    for app in rows:
        award = by_institution.get(app.institution_id)
        if award is None:
            award = by_institution[app.institution_id] = Award(app.institution, str(app.institution.country), 0, 0)
        award.mass_ug += app.mass or 0
        award.applications += 1
    awards = sorted(by_institution.values(), key=lambda a: (a.country, a.institution.name_en))
    return RoundResults(round_, awards, sum(a.mass_ug for a in awards))


def published_rounds() -> QuerySet:
    return Round.objects.filter(status=RoundStatus.PUBLISHED, results_published_at__isnull=False).order_by(
        "-results_published_at")


# --- Desk -----------------------------------------------------------------------------------

def review_counts(application_ids) -> dict[int, tuple[int, int]]:
    """application id → (reviews scored, reviews assigned and not withdrawn): "reviews in: 1 of 2"."""
    from django.db.models import Count

    rows = (Review.objects.filter(application_id__in=list(application_ids), status__in=ACTIVE_REVIEW)
            .values("application_id")
            .annotate(total=Count("id"), scored=Count("id", filter=Q(status=ReviewStatus.SUBMITTED))))
    return {row["application_id"]: (row["scored"], row["total"]) for row in rows}


def desk_items(user) -> list:
    """Applicant: drafts and applications returned for correction; reviewer: reviews to score;
    committee: applications ready to decide (with how many reviews are in); officer: the
    screening queue and unresolved legal-review flags."""
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.formats import date_format

    from lunarshare.desk import DeskItem

    from .models import ComplianceResult

    items, now = [], timezone.now()
    if user.has_role(Role.APPLICANT):
        for app in (Application.objects.filter(applicant=user, status__in=[ApplicationStatus.DRAFT, ApplicationStatus.RETURNED])
                    .select_related("round").order_by("round__closes_at", "pk")):
            kind = _("Drafts") if app.status == ApplicationStatus.DRAFT else _("Returned for correction")
            closes = app.round.closes_at.date()
            items.append(DeskItem(Role.APPLICANT, kind, f"{app.reference} · {app.title}",
                                  reverse("programs:application-edit", args=[app.pk]), due=closes,
                                  note=_("round closes"), overdue=app.round.closes_at < now))
    if user.has_role(Role.REVIEWER):
        for review in (Review.objects.filter(reviewer=user, status=ReviewStatus.ASSIGNED,
                                             application__status=ApplicationStatus.UNDER_REVIEW)
                       .select_related("application").order_by("assigned_at")):
            items.append(DeskItem(Role.REVIEWER, _("Reviews to score"),
                                  f"{review.application.reference} · {review.application.title}",
                                  reverse("programs:review-detail", args=[review.pk]),
                                  note=_("assigned on %(date)s") % {
                                      "date": date_format(review.assigned_at.date(), "DATE_FORMAT")}))
    if user.has_role(Role.COMMITTEE):
        ready = list(Application.objects.filter(status=ApplicationStatus.UNDER_REVIEW).order_by("submitted_at", "pk"))
        counts = review_counts(a.pk for a in ready)
        for app in ready:
            scored, total = counts.get(app.pk, (0, 0))
            items.append(DeskItem(Role.COMMITTEE, _("Applications to decide"), f"{app.reference} · {app.title}",
                                  reverse("programs:application-detail", args=[app.pk]),
                                  note=_("reviews in: %(scored)d of %(total)d") % {"scored": scored, "total": total}))
    if user.has_role(Role.OFFICER):
        for app in (Application.objects.filter(status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.SCREENING])
                    .order_by("pk")):
            items.append(DeskItem(Role.OFFICER, _("Screening queue"), f"{app.reference} · {app.title}",
                                  reverse("programs:application-detail", args=[app.pk]), note=app.get_status_display()))
        flags = (ComplianceResult.objects.filter(outcome=ComplianceResult.Outcome.FLAG, resolved_at__isnull=True)
                 .exclude(application__status__in=[ApplicationStatus.WITHDRAWN, ApplicationStatus.DRAFT])
                 .select_related("application", "rule").order_by("application_id", "pk"))
        for flag in flags:
            items.append(DeskItem(Role.OFFICER, _("Legal-review and compliance flags"),
                                  f"{flag.application.reference} · {flag.rule.label or flag.rule.get_type_display()}",
                                  reverse("programs:application-detail", args=[flag.application_id])))
    return items
