"""Reads of science data. Visibility is decided HERE and only here:

- :func:`datasets_visible_to` and :func:`measurements_visible_to` are the one definition of who
  sees embargoed data (the loan's team, curators, officers, auditors); every page, API list or
  detail, search, comparison, CSV export and statistic starts from them.
- :func:`public_science_counts` is what the public statistics may show (released data only).
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lunarshare.accounts.models import Role
from lunarshare.catalog.models import Mission
from lunarshare.errors import NotFoundError, ValidationFailed

from .models import Dataset, DatasetStatus, Measurement, Publication
from .rules import is_science_reader
from .units import KINDS, PROPERTIES, comparison_kind, expand_property


def _sees_everything(user) -> bool:
    return bool(is_science_reader(user))


def _team_dataset_filter(user) -> Q:
    """Datasets of loans the user is on (responsible or named team) or that the user created."""
    from lunarshare.loans.models import Loan

    loans = Loan.objects.filter(Q(responsible=user) | Q(team=user)).values("pk")
    return Q(loan_id__in=loans) | Q(created_by=user)


def datasets_visible_to(user) -> QuerySet:
    """Released datasets for everyone; embargoed ones only for their loan's team and the staff who
    keep the collection (curators, officers, auditors)."""
    queryset = Dataset.objects.all()
    if _sees_everything(user):
        return queryset
    public = Q(status=DatasetStatus.RELEASED)
    if user is None or not user.is_authenticated:
        return queryset.filter(public)
    return queryset.filter(public | _team_dataset_filter(user))


def _private_dataset_ids(user) -> list[int] | None:
    """None: the user sees everything; else ids of embargoed datasets the user may see (few)."""
    if _sees_everything(user):
        return None
    if user is None or not user.is_authenticated:
        return []
    return list(Dataset.objects.filter(_team_dataset_filter(user), status=DatasetStatus.EMBARGOED)
                .values_list("pk", flat=True))


def measurements_visible_to(user) -> QuerySet:
    """Measurements of datasets the user may see. Public rows carry ``public=True`` (set with the
    dataset's release), so the common case needs no join."""
    queryset = Measurement.objects.all()
    private = _private_dataset_ids(user)
    if private is None:
        return queryset
    if not private:
        return queryset.filter(public=True)
    return queryset.filter(Q(public=True) | Q(dataset_id__in=private))


def dataset_get_for_user(user, pk) -> Dataset:
    """The dataset if ``user`` may see it; otherwise 404 (an embargoed dataset does not exist for others)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFoundError(_("No such dataset.")) from None
    dataset = datasets_visible_to(user).select_related("loan").filter(pk=pk).first()
    if dataset is None:
        raise NotFoundError(_("No such dataset."))
    return dataset


def dataset_search(user, *, q: str = "", mission: str = "", loan=None, status: str = "") -> QuerySet:
    queryset = datasets_visible_to(user)
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(description__icontains=q) | Q(keywords__icontains=q)
                                   | Q(method__icontains=q) | Q(laboratory__icontains=q) | Q(doi__iexact=q))
    if mission:
        queryset = queryset.filter(samples__mission__code__iexact=mission).distinct()
    if loan:
        queryset = queryset.filter(loan_id=loan)
    if status in DatasetStatus.values:
        queryset = queryset.filter(status=status)
    return queryset.annotate(measurement_count=Count("measurements", distinct=True)).order_by("-created_at", "-pk")


def dataset_measurements(user, dataset: Dataset) -> QuerySet:
    return (measurements_visible_to(user).filter(dataset=dataset)
            .select_related("sample", "mission").order_by("sample__identifier", "property", "method"))


def measurement_search(user, *, mission: str = "", property: str = "", sample: str = "", dataset=None) -> QuerySet:
    queryset = measurements_visible_to(user).select_related("sample", "mission", "dataset")
    if mission:
        codes = [c.strip() for c in mission.split(",") if c.strip()]
        queryset = queryset.filter(mission__code__in=codes)
    if property:
        names = expand_property(property)
        queryset = queryset.filter(property__in=names) if names else queryset.none()
    if sample:
        queryset = queryset.filter(sample__identifier=sample)
    if dataset:
        queryset = queryset.filter(dataset_id=dataset)
    return queryset.order_by("mission__sort_order", "sample__identifier", "property", "pk")


# --- Comparison -------------------------------------------------------------------------------

MAX_MISSIONS = 12
DEFAULT_POINTS = 2000
MAX_POINTS = 20000


POINT_KEYS = ("sample", "value", "uncertainty", "uncertainty_type", "property", "dataset")


@dataclass
class MissionSeries:
    code: str
    name: str
    count: int = 0
    samples: int = 0
    min: float | None = None
    median: float | None = None
    max: float | None = None
    # dicts with POINT_KEYS: built once, rendered as they are (thousands per answer)
    points: list[dict] = field(default_factory=list)
    points_truncated: bool = False


@dataclass
class Comparison:
    property: str
    properties: tuple[str, ...]
    unit: str
    kind: str
    series: list[MissionSeries]

    def separations(self) -> list[dict]:
        """Pairs of missions whose ranges do not overlap: every value of ``below`` is less than
        every value of ``above`` (for ages: ``below`` is younger than all of ``above``)."""
        found = []
        filled = [s for s in self.series if s.count]
        for low in filled:
            for high in filled:
                if low is not high and low.max < high.min:
                    found.append({"below": low.code, "below_name": low.name, "below_max": low.max,
                                  "above": high.code, "above_name": high.name, "above_min": high.min})
        return found

    def below_all_others(self) -> list[dict]:
        """Missions whose every value is below every value of every other mission with data."""
        filled = [s for s in self.series if s.count]
        result = []
        for low in filled:
            others = [s for s in filled if s is not low]
            if others and all(low.max < other.min for other in others):
                lowest_other = min(others, key=lambda s: s.min)
                result.append({"code": low.code, "name": low.name, "max": low.max, "others_min": lowest_other.min,
                               "others_min_mission": lowest_other.code,
                               "others_min_name": lowest_other.name, "others": [s.code for s in others]})
        return result


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``: the median, interpolated between the two middle values."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def parse_missions(text: str | list) -> list[Mission]:
    codes = text if isinstance(text, list) else [c.strip() for c in (text or "").split(",")]
    codes = [c.strip().upper() for c in codes if c and c.strip()]
    if not codes:
        raise ValidationFailed(_("Choose at least one mission (e.g. missions=A12,A15,CE5)."))
    if len(codes) > MAX_MISSIONS:
        raise ValidationFailed(_("At most %(max)s missions at a time.") % {"max": MAX_MISSIONS})
    found = {m.code.upper(): m for m in Mission.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationFailed(_("Unknown mission code(s): %(codes)s.") % {"codes": ", ".join(unknown)})
    seen, missions = set(), []
    for code in codes:
        if code not in seen:
            seen.add(code)
            missions.append(found[code])
    return missions


def _properties(name: str) -> tuple[str, ...]:
    names = expand_property(name)
    if not names:
        raise ValidationFailed(_("Unknown property “%(property)s” (e.g. TiO2, FeO, age, Pb-Pb age).") % {"property": name})
    return names


def compare(user, *, missions: list[Mission], property: str, points_limit: int = DEFAULT_POINTS) -> Comparison:
    """Per mission: count, distinct samples, min, median, max of ``property`` (canonical unit), and
    the points in value order (at most ``points_limit`` per mission; the statistics always
    cover every visible row). ``property`` may be a group such as ``age`` (every dated age)."""
    names = _properties(property)
    kind = comparison_kind(property)
    points_limit = max(0, min(int(points_limit), MAX_POINTS))
    base = measurements_visible_to(user).filter(property__in=names)
    series = []
    aggregates = {"n": Count("pk"), "samples": Count("sample_id", distinct=True), "lo": Min("value_canonical"),
                  "hi": Max("value_canonical")}
    in_database = connection.vendor == "postgresql"
    if in_database:  # the median in the same grouped query; elsewhere by position, below
        aggregates["mid"] = Median("value_canonical")
    stats = {row["mission_id"]: row for row in
             base.filter(mission__in=missions).values("mission_id").order_by("mission_id").annotate(**aggregates)}
    for mission in missions:
        entry = MissionSeries(code=mission.code, name=mission.name)
        row = stats.get(mission.pk)
        if row:
            entry.count, entry.samples, entry.min, entry.max = row["n"], row["samples"], row["lo"], row["hi"]
            ordered = base.filter(mission=mission).order_by("value_canonical", "pk")
            entry.median = float(f"{row['mid']:.12g}") if in_database else _median(ordered, entry.count)
            if points_limit:
                # Index-only scan on PostgreSQL (covering index); identifiers are looked up once below
                # instead of joining: a join here makes the planner hash the whole sample table.
                rows = list(ordered.values_list("sample_id", "value_canonical", "uncertainty_canonical",
                                                "uncertainty_type", "property", "dataset_id")[:points_limit])
                entry.points = [dict(zip(POINT_KEYS, row, strict=True)) for row in rows]
                entry.points_truncated = entry.count > len(rows)
        series.append(entry)
    _name_samples([p for entry in series for p in entry.points])
    canonical = KINDS[kind.code].canonical_unit
    return Comparison(property=property, properties=names, unit=canonical, kind=kind.code, series=series)


def _name_samples(points: list) -> None:
    """Replace each point's sample id by the sample's identifier (one primary-key lookup per 900)."""
    from django.db import connection

    from lunarshare.catalog.models import Sample

    ids = sorted({p["sample"] for p in points})
    names: dict[int, str] = {}
    table = connection.ops.quote_name(Sample._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one array parameter instead of thousands of placeholders
            cursor.execute(f"SELECT id, identifier FROM {table} WHERE id = ANY(%s)", [ids])
            names.update(cursor.fetchall())
        else:
            for start in range(0, len(ids), 900):
                chunk = ids[start:start + 900]
                cursor.execute(f"SELECT id, identifier FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))})", chunk)
                names.update(cursor.fetchall())
    for point in points:
        point["sample"] = names.get(point["sample"], "")


def _median(ordered: QuerySet, count: int) -> float | None:
    """Median by position in the value order: at most two rows read, on any database, from the index."""
    if not count:
        return None
    middle = list(ordered.values_list("value_canonical", flat=True)[(count - 1) // 2:count // 2 + 1])
    return float(f"{statistics.fmean(middle):.12g}")  # as the stored canonical values: no binary noise


@dataclass
class ScatterPoint:
    sample: str
    x: float
    y: float
    x_uncertainty: float | None
    y_uncertainty: float | None


@dataclass
class ScatterSeries:
    code: str
    name: str
    points: list[ScatterPoint] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.points)


@dataclass
class Scatter:
    property_x: str
    property_y: str
    unit_x: str
    unit_y: str
    series: list[ScatterSeries]


def scatter(user, *, missions: list[Mission], property_x: str, property_y: str,
            points_limit: int = DEFAULT_POINTS) -> Scatter:
    """Samples that have both properties, one point per sample and mission. Where a sample has
    several values of a property (several datasets or methods), the point uses their median and
    the uncertainty of the value nearest to it."""
    names_x, names_y = _properties(property_x), _properties(property_y)
    kind_x, kind_y = comparison_kind(property_x), comparison_kind(property_y)
    rows = (measurements_visible_to(user).filter(mission__in=missions, property__in=set(names_x) | set(names_y))
            .values_list("mission_id", "sample__identifier", "property", "value_canonical", "uncertainty_canonical")
            .order_by("mission_id", "sample__identifier", "value_canonical"))
    values: dict[tuple, dict[str, list]] = {}
    for mission_id, sample, prop, value, uncertainty in rows.iterator(chunk_size=5000):
        slot = values.setdefault((mission_id, sample), {"x": [], "y": []})
        if prop in names_x:
            slot["x"].append((value, uncertainty))
        if prop in names_y:
            slot["y"].append((value, uncertainty))
    series = []
    for mission in missions:
        entry = ScatterSeries(code=mission.code, name=mission.name)
        for (mission_id, sample), slot in values.items():
            if mission_id != mission.pk or not slot["x"] or not slot["y"]:
                continue
            x, ux = _central(slot["x"])
            y, uy = _central(slot["y"])
            entry.points.append(ScatterPoint(sample=sample, x=x, y=y, x_uncertainty=ux, y_uncertainty=uy))
            if len(entry.points) >= points_limit:
                break
        series.append(entry)
    return Scatter(property_x=property_x, property_y=property_y, unit_x=KINDS[kind_x.code].canonical_unit,
                   unit_y=KINDS[kind_y.code].canonical_unit, series=series)


def _central(pairs: list[tuple[float, float | None]]) -> tuple[float, float | None]:
    median = statistics.median(value for value, _u in pairs)
    nearest = min(pairs, key=lambda pair: abs(pair[0] - median))
    return median, nearest[1]


def available_properties(user) -> list[dict]:
    """Properties that have visible measurements, with how many, plus the ``age`` group."""
    rows = (measurements_visible_to(user).values("property").order_by("property").annotate(n=Count("pk")))
    counts = {row["property"]: row["n"] for row in rows}
    result = []
    ages = sum(n for name, n in counts.items() if PROPERTIES.get(name) == "age")
    if ages:
        result.append({"property": "age", "label": _("Age (every dating method)"), "kind": "age", "unit": "Ga",
                       "count": ages})
    for name in sorted(counts, key=lambda n: (PROPERTIES.get(n, ""), n)):
        kind = KINDS[PROPERTIES[name]]
        result.append({"property": name, "label": name, "kind": kind.code, "unit": kind.canonical_unit,
                       "count": counts[name]})
    return result


# --- Statistics (for the insights dashboard) ---------------------------------------------------

def public_science_counts() -> dict:
    """What the public may count: released datasets and their measurements, by mission; publications."""
    anonymous = None
    measurements = measurements_visible_to(anonymous)
    by_mission = {row["mission__code"]: row["n"] for row in
                  measurements.values("mission__code").order_by("mission__code").annotate(n=Count("pk"))}
    return {
        "datasets": datasets_visible_to(anonymous).count(),
        "measurements": sum(by_mission.values()),
        "samples_with_data": measurements.values("sample_id").distinct().count(),
        "measurements_by_mission": by_mission,
        "publications": Publication.objects.count(),
    }


# --- Publications and reporting duties -------------------------------------------------------

def publications_list(*, q: str = "", loan=None, sample: str = "") -> QuerySet:
    """Publications are public; their links to embargoed datasets are filtered where shown."""
    queryset = Publication.objects.all()
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(journal__icontains=q) | Q(doi__iexact=q.lower()))
    if loan:
        queryset = queryset.filter(loans__pk=loan)
    if sample:
        queryset = queryset.filter(samples__identifier=sample)
    return queryset.distinct().prefetch_related("samples", "loans", "datasets")


@dataclass
class ReportDuty:
    """One report a loan owes: ``kind`` is ``data`` or ``publication``."""

    loan_id: int
    kind: str
    label: str
    due: dt.date
    fulfilled: bool
    overdue: bool


def loan_reporting_duties(loan, *, today: dt.date | None = None) -> list[ReportDuty]:
    """What the borrower of ``loan`` must report, and by when (counted from receipt):

    - ``data``: a dataset from the loan, by receipt + the round's ``embargo_months`` (the date the
      data are due to open);
    - ``publication``: a publication (or a results report) linked to the loan, by receipt + the
      round's ``publication_report_months``.

    Loans not yet received owe nothing yet.
    """
    from .services import add_months, loan_round

    if loan is None or loan.received_at is None:
        return []
    today = today or timezone.localdate()
    round_ = loan_round(loan)
    received = timezone.localtime(loan.received_at).date()
    data_due = add_months(received, getattr(round_, "embargo_months", 12) if round_ else 12)
    pub_due = add_months(received, getattr(round_, "publication_report_months", 24) if round_ else 24)
    has_data = Dataset.objects.filter(loan=loan).exists()
    has_pub = Publication.objects.filter(loans=loan).exists()
    return [
        ReportDuty(loan.pk, "data", _("Data report (dataset)"), data_due, has_data, not has_data and data_due < today),
        ReportDuty(loan.pk, "publication", _("Publication report"), pub_due, has_pub, not has_pub and pub_due < today),
    ]


def overdue_reports(*, today: dt.date | None = None) -> list[tuple]:
    """(loan, duty) for every received loan whose data or publication report is overdue."""
    from lunarshare.loans.models import Loan

    today = today or timezone.localdate()
    loans = (Loan.objects.filter(received_at__isnull=False)
             .select_related("application__round", "borrower_institution", "responsible").order_by("received_at"))
    result = []
    for loan in loans:
        for duty in loan_reporting_duties(loan, today=today):
            if duty.overdue:
                result.append((loan, duty))
    return result


def loan_science_summary(user, loan, *, today: dt.date | None = None) -> dict:
    """Everything the loan page shows about science: duties, visible datasets, publications, acknowledgement."""
    from .services import loan_round

    round_ = loan_round(loan)
    acknowledgement = ""
    if round_ is not None:
        acknowledgement = getattr(round_, "acknowledgement", "") or ""
    return {
        "duties": loan_reporting_duties(loan, today=today),
        "datasets": list(datasets_visible_to(user).filter(loan=loan).order_by("-created_at")),
        "publications": list(Publication.objects.filter(loans=loan).order_by("-year")),
        "acknowledgement": acknowledgement,
    }


# --- Desk -----------------------------------------------------------------------------------

def desk_items(user) -> list:
    """Borrower: the data and publication reports their received loans owe, with due dates;
    officer: every overdue report."""
    from django.urls import reverse

    from lunarshare.desk import DeskItem
    from lunarshare.loans.models import Loan, LoanStatus

    today = timezone.localdate()
    items = []
    where = {"data": "science:dataset-create", "publication": "science:publication-create"}
    loans = (Loan.objects.filter(Q(responsible=user) | Q(team=user), received_at__isnull=False)
             .exclude(status__in=[LoanStatus.CLOSED, LoanStatus.CANCELLED]).distinct()
             .select_related("application__round").order_by("received_at"))
    for loan in loans:
        for duty in loan_reporting_duties(loan, today=today):
            if not duty.fulfilled:
                items.append(DeskItem(Role.APPLICANT, _("Data and publication reports due"), f"{loan} · {duty.label}",
                                      reverse(where[duty.kind]), due=duty.due, overdue=duty.overdue))
    if user.has_role(Role.OFFICER):
        for loan, duty in overdue_reports(today=today):
            items.append(DeskItem(Role.OFFICER, _("Overdue reports"), f"{loan} · {duty.label}",
                                  reverse("science:reports-overdue"), due=duty.due, overdue=True))
    return items
