"""The home page: what the agency offers (open rounds, latest results, the collection in
figures, how to apply). It reads the other apps' models through small local queries and
reverses their URL names defensively, so the page stays up while an app is being built."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lunarshare.catalog.models import Mission
from lunarshare.permissions import public, rule_required

HOW_TO_APPLY = [
    (_("A round opens"), _("The programme announces what material is offered, the rules and the deadline.")),
    (_("Apply"), _("Submit a research plan and the samples and mass you need before the round closes.")),
    (_("Screening"), _("The programme office checks that the application is complete and within the rules.")),
    (_("Expert review"), _("Independent experts score the science; the expert committee discusses it.")),
    (_("Decision"), _("The committee approves or declines each application and the results are published.")),
    (_("Agreement"), _("Approved institutions sign the loan agreement within 10 working days.")),
    (_("Hand-over"), _("The samples are handed over with their certificate, to be used and returned under the agreement.")),
]


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _round_url(round_obj) -> str | None:
    return _url("programs:round-detail", round_obj.pk)


def _results_url(round_obj) -> str | None:
    return _url("programs:results-detail", round_obj.pk) or _round_url(round_obj)


def _rounds():
    """Open rounds (closing soonest first) and the latest published results, or empty lists
    where the programmes app has no rounds yet."""
    try:
        from lunarshare.programs.models import Round, RoundStatus
    except ImportError:  # pragma: no cover - the programmes app is part of the project
        return [], []
    now = timezone.now()
    open_rounds = list(
        Round.objects.filter(status=RoundStatus.OPEN, opens_at__lte=now, closes_at__gte=now)
        .prefetch_related("missions").order_by("closes_at")[:4]
    )
    published = list(
        Round.objects.filter(status=RoundStatus.PUBLISHED).prefetch_related("missions")
        .order_by("-results_published_at", "-closes_at")[:3]
    )
    for item in open_rounds:
        item.home_url = _round_url(item)
    for item in published:
        item.home_url = _results_url(item)
    return open_rounds, published


def _collection():
    """The collection in figures: the statistics dashboard's own cached figures (so the two pages
    always agree, and only public information counts), with each mission's landing date and
    published returned mass beside them."""
    from lunarshare.insights.selectors import public_statistics

    statistics = public_statistics()
    by_code = {row["mission"]: row for row in statistics["mass_by_mission"]}
    missions = []
    for mission in Mission.objects.order_by("sort_order", "code"):
        row = by_code.get(mission.code)
        if row is None and not mission.returned_mass_ug:
            continue
        mission.figures = row or {}
        missions.append(mission)
    return missions, statistics["totals"]


ROLE_ORDER = ["applicant", "reviewer", "committee", "officer", "curator", "auditor"]


@rule_required("accounts.signed_in")
def desk(request):
    """The landing page after login: what this person has to do, grouped by role and kind,
    each item linking to the page where it is done."""
    from lunarshare.accounts.models import Role
    from lunarshare.desk import desk_for

    user = request.user
    items = desk_for(user)
    sections = []
    for role in ROLE_ORDER:
        if not user.has_role(role):
            continue
        groups: dict[str, list] = {}
        for item in items:
            if item.role == role:
                groups.setdefault(str(item.kind), []).append(item)
        sections.append({"role": role, "label": Role(role).label, "groups": list(groups.items()),
                         "count": sum(len(g) for g in groups.values())})
    return render(request, "web/desk.html", {"sections": sections, "total": len(items),
                                             "no_role": not any(user.has_role(r) for r in ROLE_ORDER)})


@public
def home(request):
    open_rounds, published = _rounds()
    missions, totals = _collection()
    context = {
        "open_rounds": open_rounds,
        "published_rounds": published,
        "missions": missions,
        "totals": totals,
        "steps": HOW_TO_APPLY,
        "links": {
            "catalogue": _url("catalog:sample-list"),
            "rules": _url("programs:rule-list"),
            "rounds": _url("programs:round-list"),
            "results": _url("programs:results-list"),
            "statistics": _url("insights:dashboard"),
            "cooperation": _url("cooperation:home"),
            "mission_list": _url("catalog:mission-list"),
        },
    }
    return render(request, "web/home.html", context)
