"""Public statistics of the programme, computed with aggregate queries only (no per-row Python
work over samples, ledger entries, loan items or measurements) and cached.

What the public may count
-------------------------
* mass: the catalogue's ledger and current masses (the collection itself is public);
* loans: only loans whose material actually left (shipped onwards, not cancelled), and only
  when they come from a round whose results are published (loans made by hand, without an
  application, count once shipped);
* applications: only rounds whose results are published;
* science: only released datasets and their measurements, through science's own visibility
  selectors (``datasets_visible_to`` / ``measurements_visible_to`` for an anonymous reader);
* publications: all recorded publications (they are published works by definition).

Caching and invalidation
------------------------
Every state change in LunarShare is a service that writes exactly one audit event, and every
audit event moves ``audit.ChainHead.seq`` forward inside the same transaction. The cache key
therefore contains the current ``seq``: any committed change (a split, a loan shipped, a
dataset released, a round published) yields a new key, so no stale figure is ever served and
nothing has to be deleted explicitly. Reading ``seq`` is one primary-key lookup. Old keys
simply age out (``STATISTICS_CACHE_SECONDS``); the timeout also bounds how long figures could
survive a write that bypassed the services (an operator's raw SQL fix). The key also contains
the language, because country and mission names are localised. While one request recomputes a
new generation, concurrent requests are served the previous figures rather than all running
the same aggregates at once (no stampede after each change).
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, DateField, F, Min, Q, Sum
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django_countries import countries

from lunarshare.audit.models import ChainHead
from lunarshare.catalog.models import LedgerEntry, Mission, Sample, SampleStatus
from lunarshare.language import pick

CACHE_PREFIX = "insights:statistics:v1"
STATISTICS_CACHE_SECONDS = 6 * 60 * 60
# Longer than the slowest recomputation measured (1.3 s at 1 M samples, bench/insights.py).
COMPUTE_LOCK_SECONDS = 60


def _loan_models():
    from lunarshare.loans.models import Loan, LoanItem, LoanItemStatus, LoanStatus

    return Loan, LoanItem, LoanItemStatus, LoanStatus


# Loans whose material has left the store.
def _lent_loan_statuses():
    *_, LoanStatus = _loan_models()
    return [LoanStatus.SHIPPED, LoanStatus.IN_USE, LoanStatus.RECALLED, LoanStatus.PARTLY_RETURNED,
            LoanStatus.RETURNED, LoanStatus.CLOSED]


def _lent_item_statuses():
    # ``transferred`` items are left out: the same material is counted in the loan it moved to.
    _, _, LoanItemStatus, _ = _loan_models()
    return [LoanItemStatus.SHIPPED, LoanItemStatus.WITH_BORROWER, LoanItemStatus.RETURNED, LoanItemStatus.CONSUMED,
            LoanItemStatus.LOST]


def public_loans_q(prefix: str = "") -> Q:
    """Loans the public may count (see the module docstring). ``prefix`` reaches a loan from a related model."""
    return Q(**{f"{prefix}status__in": _lent_loan_statuses()}) & (
        Q(**{f"{prefix}application__isnull": True})
        | Q(**{f"{prefix}application__round__results_published_at__isnull": False})
    )


def _country_name(code: str) -> str:
    return str(countries.name(code)) if code else ""


def _missions() -> list[Mission]:
    return list(Mission.objects.order_by("sort_order", "code"))


# --- 1. mass by mission ----------------------------------------------------------------------

def mass_by_mission() -> list[dict]:
    """Per mission (µg): ``registered`` (entered the catalogue), ``held`` (in the agency's store now),
    ``on_loan`` (with borrowers now), ``lent`` (ever shipped), ``returned`` (weighed back in),
    ``consumed``, ``lost``, ``given`` (gifts and transfers out of the collection).

    ``registered`` is the initial mass of the root samples: registration is the only ledger
    entry a root opens with (``catalog.selectors.ledger_breaks`` checks that), and reading it
    from the sample rows spares joining the whole ledger to the samples.
    """
    _, LoanItem, LoanItemStatus, _ = _loan_models()
    outflows = defaultdict(dict)
    for row in (LedgerEntry.objects.filter(kind__in=[LedgerEntry.Kind.CONSUMPTION, LedgerEntry.Kind.LOSS,
                                                      LedgerEntry.Kind.TRANSFER_OUT])
                .values("sample__mission_id", "kind").order_by().annotate(total=Sum("delta_ug"))):
        outflows[row["sample__mission_id"]][row["kind"]] = row["total"] or 0
    present = ~Q(status__in=[SampleStatus.LOST, SampleStatus.DEACCESSIONED, SampleStatus.CONSUMED])
    store = {row["mission_id"]: row for row in (
        Sample.objects.values("mission_id").order_by()
        .annotate(registered=Coalesce(Sum("initial_mass_ug", filter=Q(parent__isnull=True)), 0),
                  held=Coalesce(Sum("mass_ug", filter=present & Q(holder_institution__isnull=True)), 0),
                  samples=Count("id", filter=present)))}
    loans = {row["sample__mission_id"]: row for row in (
        LoanItem.objects.filter(public_loans_q("loan__"), status__in=_lent_item_statuses(), sample__isnull=False)
        .values("sample__mission_id").order_by()
        .annotate(lent=Coalesce(Sum("mass_ug"), 0),
                  returned=Coalesce(Sum("returned_mass_ug", filter=Q(status=LoanItemStatus.RETURNED)), 0),
                  on_loan=Coalesce(Sum(F("mass_ug") - F("consumed_ug"),
                                       filter=Q(status__in=[LoanItemStatus.SHIPPED, LoanItemStatus.WITH_BORROWER])), 0)))}
    rows = []
    for mission in _missions():
        kinds, held, lent = outflows.get(mission.pk, {}), store.get(mission.pk, {}), loans.get(mission.pk, {})
        row = {
            "mission": mission.code, "name": mission.name,
            "samples": held.get("samples", 0),
            "registered_ug": held.get("registered", 0),
            "held_ug": held.get("held", 0),
            "on_loan_ug": lent.get("on_loan", 0),
            "lent_ug": lent.get("lent", 0),
            "returned_ug": lent.get("returned", 0),
            "consumed_ug": -kinds.get(LedgerEntry.Kind.CONSUMPTION, 0),
            "lost_ug": -kinds.get(LedgerEntry.Kind.LOSS, 0),
            "given_ug": -kinds.get(LedgerEntry.Kind.TRANSFER_OUT, 0),
        }
        if any(v for k, v in row.items() if k.endswith("_ug") or k == "samples"):
            rows.append(row)
    return rows


# --- 2. loans by country and institution -----------------------------------------------------

def loan_groups() -> list[dict]:
    """Public loans, their lent items and mass per borrowing institution (two aggregate queries);
    countries are folded from these few rows."""
    Loan, LoanItem, _, _ = _loan_models()
    fields = ("borrower_institution_id", "borrower_institution__country")
    loans = {(row[fields[0]], row[fields[1]]): row["loans"] for row in (
        Loan.objects.filter(public_loans_q()).values(*fields).order_by().annotate(loans=Count("id")))}
    item_fields = [f"loan__{f}" for f in fields]
    mass = {(row[item_fields[0]], row[item_fields[1]]): row for row in (
        LoanItem.objects.filter(public_loans_q("loan__"), status__in=_lent_item_statuses())
        .values(*item_fields).order_by().annotate(mass=Coalesce(Sum("mass_ug"), 0), items=Count("id")))}
    return [{"institution": institution, "country": country, "loans": count,
             "items": mass.get((institution, country), {}).get("items", 0),
             "mass_ug": mass.get((institution, country), {}).get("mass", 0)}
            for (institution, country), count in loans.items()]


def loans_by_country(groups: list[dict] | None = None) -> list[dict]:
    totals: dict[str, dict] = {}
    for group in loan_groups() if groups is None else groups:
        row = totals.setdefault(group["country"], {"country": group["country"], "name": _country_name(group["country"]),
                                                   "loans": 0, "items": 0, "mass_ug": 0})
        for key in ("loans", "items", "mass_ug"):
            row[key] += group[key]
    return sorted(totals.values(), key=lambda r: (-r["mass_ug"], -r["loans"], r["country"]))


def loans_by_institution(groups: list[dict] | None = None) -> list[dict]:
    from lunarshare.accounts.models import Institution

    groups = loan_groups() if groups is None else groups
    names = {i.pk: i.name for i in Institution.objects.filter(pk__in=[g["institution"] for g in groups]).only(
        "pk", "name_en", "name_zh")}
    rows = [{"institution": g["institution"], "name": names[g["institution"]], "country": g["country"],
             "loans": g["loans"], "items": g["items"], "mass_ug": g["mass_ug"]} for g in groups]
    return sorted(rows, key=lambda r: (-r["mass_ug"], -r["loans"], r["name"]))


# --- 3. applications per round (published rounds only) ---------------------------------------

def applications_per_round() -> list[dict]:
    from lunarshare.programs.models import Application, ApplicationItem, ApplicationStatus, Round, RoundStatus

    S = ApplicationStatus
    decided = [S.APPROVED, S.REDUCED, S.REJECTED]
    rounds = list(Round.objects.filter(status=RoundStatus.PUBLISHED, results_published_at__isnull=False)
                  .order_by("results_published_at", "pk"))
    ids = [r.pk for r in rounds]
    counts = {row["round_id"]: row for row in (
        Application.objects.filter(round_id__in=ids, submitted_at__isnull=False).values("round_id").order_by()
        .annotate(submitted=Count("id"), approved=Count("id", filter=Q(status=S.APPROVED)),
                  reduced=Count("id", filter=Q(status=S.REDUCED)), rejected=Count("id", filter=Q(status=S.REJECTED)),
                  withdrawn=Count("id", filter=Q(status=S.WITHDRAWN)),
                  institutions=Count("institution", distinct=True),
                  countries=Count("institution__country", distinct=True)))}
    masses = {row["application__round_id"]: row for row in (
        ApplicationItem.objects.filter(application__round_id__in=ids, application__status__in=decided)
        .values("application__round_id").order_by()
        .annotate(requested=Coalesce(Sum("requested_mass_ug"), 0),
                  approved=Coalesce(Sum("approved_mass_ug", filter=Q(application__status__in=[S.APPROVED, S.REDUCED])), 0)))}
    rows = []
    for rnd in rounds:
        c, m = counts.get(rnd.pk, {}), masses.get(rnd.pk, {})
        granted = c.get("approved", 0) + c.get("reduced", 0)
        decided_count = granted + c.get("rejected", 0)
        rows.append({
            "round": rnd.pk, "title": pick(rnd, "title"),
            "kind": rnd.kind, "published": rnd.results_published_at.date().isoformat(),
            "submitted": c.get("submitted", 0), "approved": c.get("approved", 0), "reduced": c.get("reduced", 0),
            "rejected": c.get("rejected", 0), "withdrawn": c.get("withdrawn", 0),
            "approval_rate": round(granted / decided_count, 4) if decided_count else None,
            "institutions": c.get("institutions", 0), "countries": c.get("countries", 0),
            "requested_ug": m.get("requested", 0), "approved_ug": m.get("approved", 0),
        })
    return rows


# --- 4. reach over time ----------------------------------------------------------------------

def reach_over_time() -> list[dict]:
    """Per year: institutions and countries that received their first loan that year, and the
    cumulative totals. A loan's year is its start date (else the day it was created)."""
    Loan, *_ = _loan_models()
    firsts = (Loan.objects.filter(public_loans_q()).values("borrower_institution_id", "borrower_institution__country")
              .order_by().annotate(first=Min(Coalesce("start_date", Cast("created_at", DateField())))))
    institution_year: dict[int, int] = {}
    country_year: dict[str, int] = {}
    for row in firsts:
        year = row["first"].year
        institution_year[row["borrower_institution_id"]] = year
        code = row["borrower_institution__country"]
        country_year[code] = min(year, country_year.get(code, year))
    years = sorted(set(institution_year.values()) | set(country_year.values()))
    rows, total_i, total_c = [], 0, 0
    for year in years:
        new_i = sum(1 for y in institution_year.values() if y == year)
        new_c = sum(1 for y in country_year.values() if y == year)
        total_i, total_c = total_i + new_i, total_c + new_c
        rows.append({"year": year, "new_institutions": new_i, "new_countries": new_c,
                     "institutions": total_i, "countries": total_c})
    return rows


# --- 5. science ------------------------------------------------------------------------------

def publications_per_year() -> list[dict]:
    from lunarshare.science.models import Publication

    return [{"year": row["year"], "publications": row["n"]}
            for row in Publication.objects.values("year").order_by("year").annotate(n=Count("id"))]


def public_science() -> dict:
    """Released datasets and their measurements, by mission (science's visibility selectors)."""
    from lunarshare.science.selectors import datasets_visible_to, measurements_visible_to

    anonymous = AnonymousUser()
    by_mission = {row["mission__code"]: row["n"] for row in (
        measurements_visible_to(anonymous).values("mission__code").order_by().annotate(n=Count("id")))}
    return {
        "datasets": datasets_visible_to(anonymous).count(),
        "measurements": sum(by_mission.values()),
        "measurements_by_mission": [{"mission": code, "measurements": n} for code, n in sorted(by_mission.items())],
    }


# --- all of it, cached -----------------------------------------------------------------------

def compute_statistics() -> dict:
    """Every figure, straight from the database (no cache)."""
    mass = mass_by_mission()
    groups = loan_groups()
    by_country = loans_by_country(groups)
    science = public_science()
    return {
        "totals": {
            "samples": sum(r["samples"] for r in mass),
            "held_ug": sum(r["held_ug"] for r in mass),
            "lent_ug": sum(r["lent_ug"] for r in mass),
            "loans": sum(r["loans"] for r in by_country),
            "countries": len(by_country),
            "datasets": science["datasets"],
            "measurements": science["measurements"],
        },
        "mass_by_mission": mass,
        "loans_by_country": by_country,
        "loans_by_institution": loans_by_institution(groups),
        "applications_per_round": applications_per_round(),
        "reach_over_time": reach_over_time(),
        "publications_per_year": publications_per_year(),
        "science": science,
    }


def statistics_generation() -> int:
    """The audit chain's head: it moves with every audited change (see the module docstring)."""
    return ChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0


def statistics_cache_key(generation: int, language: str | None = None) -> str:
    return f"{CACHE_PREFIX}:{language or get_language() or 'en'}:{generation}"


def public_statistics(generation: int | None = None) -> dict:
    """The cached public statistics, recomputed after any audited change.

    ``generation`` may be passed when the caller has just read it (the API uses it for its ETag).
    """
    generation = statistics_generation() if generation is None else generation
    key = statistics_cache_key(generation)
    data = cache.get(key)
    if data is not None:
        return data
    latest_key = f"{CACHE_PREFIX}:{get_language() or 'en'}:latest"
    # One request recomputes a new generation; others arriving meanwhile get the previous
    # figures (their ``generation`` says how old) instead of all running the same aggregates.
    if not cache.add(f"{key}:computing", True, COMPUTE_LOCK_SECONDS):
        previous = cache.get(latest_key)
        if previous is not None:
            return previous
    try:
        data = compute_statistics()
        data["generation"] = generation
        data["computed_at"] = timezone.now().isoformat()
        cache.set_many({key: data, latest_key: data}, STATISTICS_CACHE_SECONDS)
    finally:
        cache.delete(f"{key}:computing")
    return data
