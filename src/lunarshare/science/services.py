"""Every change to science data: datasets, their embargo and release, measurement uploads,
files, publications and watches. Each follows the house shape: guard, lock, change, audit,
side effects on commit."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lunarshare import audit
from lunarshare.accounts.notify import notify_on_commit
from lunarshare.catalog.models import Sample
from lunarshare.errors import (
    ConflictError,
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailed,
    check_transition,
)
from lunarshare.permissions import require

from . import csv_format
from . import rules as science_rules
from .models import Dataset, DatasetFile, DatasetStatus, Licence, Measurement, Publication, Watch
from .validators import clean_authors, normalize_doi

MAX_FILE_BYTES = 200 * 1024 * 1024


class ScienceError(ValidationFailed):
    code = "science_invalid"


class MeasurementUploadError(ValidationFailed):
    """The upload has errors; ``extra["errors"]`` lists each with its line. Nothing was imported."""

    code = "measurements_invalid"


def _validation(exc: ValidationError) -> ScienceError:
    return ScienceError(" ".join(str(m) for m in exc.messages))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months; the 31st becomes the month's last day when needed."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def loan_round(loan):
    application = getattr(loan, "application", None) if loan is not None else None
    return getattr(application, "round", None) if application is not None else None


def default_embargo_until(loan, *, today: dt.date | None = None) -> dt.date:
    """Receipt of the loan plus the round's ``embargo_months`` (12 when the loan has no round).

    Before receipt, today stands in for it; the agency's own curation data have no embargo.
    """
    today = today or timezone.localdate()
    if loan is None:
        return today
    round_ = loan_round(loan)
    months = getattr(round_, "embargo_months", 12) if round_ is not None else 12
    start = timezone.localtime(loan.received_at).date() if loan.received_at else today
    return add_months(start, months)


def _clean_text(value, *, limit: int, what: str, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ScienceError(_("%(what)s is required.") % {"what": what})
    if len(text) > limit:
        raise ScienceError(_("%(what)s is longer than %(limit)s characters.") % {"what": what, "limit": limit})
    return text


def _clean_keywords(keywords) -> list[str]:
    if isinstance(keywords, str):
        keywords = [k for k in keywords.split(",")]
    cleaned = []
    for keyword in keywords or ():
        keyword = str(keyword).strip()
        if keyword and keyword not in cleaned:
            cleaned.append(keyword[:80])
    return cleaned[:50]


def _clean_doi(doi: str) -> str:
    if not (doi or "").strip():
        return ""
    try:
        return normalize_doi(doi)
    except ValidationError as exc:
        raise _validation(exc) from None


def dataset_create(*, actor, title: str, loan=None, samples=(), description: str = "", authors=(),
                   licence: str = Licence.CC_BY_4, method: str = "", instrument: str = "", laboratory: str = "",
                   keywords=(), doi: str = "", embargo_until: dt.date | None = None, publisher: str = "",
                   sources: str = "") -> Dataset:
    """Create a dataset (embargoed until ``embargo_until``; by default the round's embargo after receipt).

    Curators may create the agency's own datasets (no loan); a loan's team creates its loan's.
    An embargo date later than the round's default needs a curator or an officer.
    """
    require(actor, "science.add_dataset", loan, message=_("Only the loan's team or a curator may record data for this loan.")
                                    if loan is not None else _("Only curators may record the agency's own data."))
    title = _clean_text(title, limit=300, what=_("A title"), required=True)
    if licence not in Licence.values:
        raise ScienceError(_("Unknown licence “%(licence)s”: use CC-BY-4.0 or CC0-1.0.") % {"licence": licence})
    try:
        authors = clean_authors(list(authors or ()))
    except ValidationError as exc:
        raise _validation(exc) from None
    doi = _clean_doi(doi)
    default = default_embargo_until(loan)
    embargo_until = embargo_until or default
    if embargo_until > default and not science_rules.can_set_any_embargo(actor):
        raise PermissionDeniedError(_("The round's rules release data on %(date)s; only an officer may set a later date.")
                                    % {"date": default.isoformat()})
    samples = list(samples or ())
    with transaction.atomic():
        if doi and Dataset.objects.filter(doi=doi).exists():
            raise ConflictError(_("Another dataset already has the DOI %(doi)s.") % {"doi": doi})
        try:
            dataset = Dataset.objects.create(
                loan=loan, title=title, description=_clean_text(description, limit=20000, what=_("The description")),
                authors=authors, licence=licence, method=_clean_text(method, limit=200, what=_("The method")),
                instrument=_clean_text(instrument, limit=200, what=_("The instrument")),
                laboratory=_clean_text(laboratory, limit=200, what=_("The laboratory")),
                keywords=_clean_keywords(keywords), doi=doi, embargo_until=embargo_until,
                publisher=_clean_text(publisher, limit=200, what=_("The publisher")),
                sources=_clean_text(sources, limit=20000, what=_("The sources")), created_by=actor,
            )
        except IntegrityError:
            raise ConflictError(_("Another dataset already has the DOI %(doi)s.") % {"doi": doi}) from None
        if samples:
            dataset.samples.add(*samples)
        audit.record(actor=actor, verb="dataset.created", obj=dataset,
                     data={"title": title, "loan": getattr(loan, "pk", None), "embargo_until": embargo_until.isoformat(),
                           "doi": doi, "samples": [s.identifier for s in samples]})
    return dataset


def dataset_set_embargo(*, actor, dataset: Dataset, embargo_until: dt.date) -> Dataset:
    """Move the release date. The team may only bring it forward; officers and curators either way."""
    require(actor, "science.set_embargo", dataset, message=_("You may not change this dataset's embargo."))
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if dataset.status != DatasetStatus.EMBARGOED:
            raise InvalidTransition(_("This dataset is already released; its embargo cannot change."))
        old = dataset.embargo_until
        if not science_rules.can_set_any_embargo(actor, dataset) and old is not None and embargo_until > old:
            raise PermissionDeniedError(_("Only an officer may extend an embargo; you may bring it forward."))
        dataset.embargo_until = embargo_until
        dataset.save(update_fields=["embargo_until", "updated_at"])
        audit.record(actor=actor, verb="dataset.embargo_changed", obj=dataset,
                     data={"old": old.isoformat() if old else None, "new": embargo_until.isoformat()})
    return dataset


def _watchers(dataset: Dataset) -> set[int]:
    from django.db.models import Q

    sample_ids = list(dataset.samples.values_list("pk", flat=True))
    mission_ids = list(Sample.objects.filter(pk__in=sample_ids).values_list("mission_id", flat=True).distinct())
    return set(Watch.objects.filter(Q(dataset=dataset) | Q(sample_id__in=sample_ids) | Q(mission_id__in=mission_ids))
               .values_list("user_id", flat=True))


def dataset_release(*, actor, dataset: Dataset, today: dt.date | None = None) -> Dataset:
    """Release a dataset: it and its measurements become public; watchers are told.

    ``actor=None`` is the daily task, which releases only what is due. A person (an officer, a
    curator or the loan's team) may release early.
    """
    today = today or timezone.localdate()
    if actor is not None:  # None: the daily release task (system), which releases only what is due
        require(actor, "science.release_dataset", dataset, message=_("You may not release this dataset."))
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        check_transition(Dataset.TRANSITIONS, DatasetStatus(dataset.status), DatasetStatus.RELEASED,
                         what=_("Dataset “%s”") % dataset.title)
        if actor is None and (dataset.embargo_until is None or dataset.embargo_until > today):
            raise InvalidTransition(_("The embargo of this dataset runs until %(date)s.")
                                    % {"date": dataset.embargo_until})
        dataset.status = DatasetStatus.RELEASED
        dataset.released_at = timezone.now()
        dataset.save(update_fields=["status", "released_at", "updated_at"])
        published = Measurement.objects.filter(dataset=dataset).update(public=True)
        audit.record(actor=actor, verb="dataset.released", obj=dataset,
                     data={"embargo_until": dataset.embargo_until.isoformat() if dataset.embargo_until else None,
                           "on": today.isoformat(), "measurements": published, "early": bool(
                               dataset.embargo_until and dataset.embargo_until > today)})
        notify_on_commit(
            _watchers(dataset), verb="science.dataset_released",
            title=gettext_lazy("Data released: %(title)s") % {"title": dataset.title},
            body=gettext_lazy("The dataset is now open to everyone."),
            url=reverse("science:dataset-detail", args=[dataset.pk]),
        )
    return dataset


@dataclass
class ReleaseRun:
    released: list[int]
    already: int


def release_due_datasets(*, actor=None, today: dt.date | None = None) -> ReleaseRun:
    """Release every embargoed dataset whose date has come. Running it twice releases nothing twice."""
    today = today or timezone.localdate()
    due = list(Dataset.objects.filter(status=DatasetStatus.EMBARGOED, embargo_until__lte=today)
               .order_by("embargo_until", "pk").values_list("pk", flat=True))
    released, already = [], 0
    for pk in due:
        try:
            dataset_release(actor=None, dataset=Dataset(pk=pk), today=today)
        except InvalidTransition:  # released meanwhile by someone else: nothing to do
            already += 1
            continue
        released.append(pk)
    return ReleaseRun(released=released, already=already)


@dataclass
class UploadResult:
    created: int
    updated: int
    unchanged: int

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _lookup_samples(identifiers) -> dict[str, tuple[int, int]]:
    found = {}
    identifiers = list(identifiers)
    for start in range(0, len(identifiers), 900):
        chunk = identifiers[start:start + 900]
        found.update({ident: (pk, mission_id) for ident, pk, mission_id in
                      Sample.objects.filter(identifier__in=chunk).values_list("identifier", "pk", "mission_id")})
    return found


_COMPARED = ("kind", "value", "unit", "value_canonical", "uncertainty", "uncertainty_type", "uncertainty_canonical")


def _sha256(content) -> str:
    """SHA-256 of bytes, text (UTF-8) or a binary file (read in blocks, then rewound)."""
    if isinstance(content, str):
        content = content.encode()
    if isinstance(content, bytes | bytearray):
        return hashlib.sha256(content).hexdigest()
    from lunarshare.catalog.importer import file_sha256

    return file_sha256(content)


def measurements_upload(*, actor, dataset: Dataset, content, filename: str = "") -> UploadResult:
    """Import measurements from CSV (format in ``csv_format``): all rows or none.

    Rows are keyed by (sample, property, method): a row already present is updated if it
    differs and left alone otherwise, so uploading the same file again changes nothing.
    """
    require(actor, "science.change_dataset", dataset,
            message=_("Only the loan's team or a curator may upload data to this dataset."))
    if hasattr(content, "seek"):
        content.seek(0)
    parsed = csv_format.parse(content, sample_lookup=_lookup_samples)
    if parsed.errors:
        shown = parsed.errors[:200]
        raise MeasurementUploadError(
            _("%(count)s error(s) in the file; nothing was imported. First: line %(line)s: %(message)s")
            % {"count": len(parsed.errors), "line": shown[0]["line"], "message": shown[0]["message"]},
            errors=shown, error_count=len(parsed.errors),
        )
    digest = _sha256(content)
    created = updated = unchanged = 0
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        existing = {(m.sample_id, m.property, m.method): m for m in Measurement.objects.filter(dataset=dataset)}
        public = dataset.status == DatasetStatus.RELEASED
        to_create, to_update = [], []
        for row in parsed.rows:
            current = existing.get((row.sample_id, row.property, row.method))
            fields = {"kind": row.kind, "value": row.value, "unit": row.unit, "value_canonical": row.value_canonical,
                      "uncertainty": row.uncertainty, "uncertainty_type": row.uncertainty_type,
                      "uncertainty_canonical": row.uncertainty_canonical}
            if current is None:
                to_create.append(Measurement(dataset=dataset, sample_id=row.sample_id, mission_id=row.mission_id,
                                             property=row.property, method=row.method, public=public, **fields))
            elif any(_differs(getattr(current, name), fields[name]) for name in _COMPARED):
                for name, value in fields.items():
                    setattr(current, name, value)
                current.updated_at = timezone.now()
                to_update.append(current)
            else:
                unchanged += 1
        Measurement.objects.bulk_create(to_create, batch_size=2000)
        Measurement.objects.bulk_update(to_update, [*_COMPARED, "updated_at"], batch_size=2000)
        created, updated = len(to_create), len(to_update)
        if created or updated:  # a re-upload of the same file is not a state change: no event
            dataset.samples.add(*{row.sample_id for row in parsed.rows})
            audit.record(actor=actor, verb="dataset.measurements_uploaded", obj=dataset,
                         data={"filename": filename[:200], "sha256": digest, "rows": len(parsed.rows), "created": created,
                               "updated": updated, "unchanged": unchanged})
    return UploadResult(created=created, updated=updated, unchanged=unchanged)


def _differs(old, new) -> bool:
    if old is None or new is None:
        return old is not new
    if isinstance(old, float) or isinstance(new, float):
        return abs(float(old) - float(new)) > 1e-12 * max(1.0, abs(float(new)))
    return old != new


def dataset_attach_file(*, actor, dataset: Dataset, upload) -> DatasetFile:
    """Store a file with the dataset through the configured storage (disk or S3)."""
    require(actor, "science.change_dataset", dataset,
            message=_("Only the loan's team or a curator may add files to this dataset."))
    name = _clean_text(getattr(upload, "name", ""), limit=200, what=_("The file name"), required=True)
    if upload.size > MAX_FILE_BYTES:
        raise ScienceError(_("Files may be at most 200 MB."))
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if dataset.files.filter(name=name).exists():
            raise ConflictError(_("This dataset already has a file named %(name)s.") % {"name": name})
        stored = DatasetFile(dataset=dataset, name=name, size=upload.size, sha256=sha.hexdigest(), uploaded_by=actor)
        stored.file.save(name, upload, save=False)
        stored.save()
        audit.record(actor=actor, verb="dataset.file_added", obj=dataset,
                     data={"name": name, "size": upload.size, "sha256": stored.sha256})
    return stored


def publication_create(*, actor, title: str, year: int, doi: str = "", authors=(), journal: str = "", samples=(),
                       loans=(), datasets=()) -> Publication:
    """Report a publication. Borrowers report for their own loans; officers and curators for any."""
    loans = list(loans or ())
    require(actor, "science.report_publication", loans,
            message=_("You may report publications only for loans you are part of."))
    title = _clean_text(title, limit=500, what=_("A title"), required=True)
    this_year = timezone.localdate().year
    if isinstance(year, bool) or not isinstance(year, int) or not 1969 <= year <= this_year + 1:
        raise ScienceError(_("The year must be between 1969 and %(max)s.") % {"max": this_year + 1})
    doi = _clean_doi(doi)
    try:
        authors = clean_authors(list(authors or ()))
    except ValidationError as exc:
        raise _validation(exc) from None
    from .selectors import datasets_visible_to

    datasets = list(datasets or ())
    visible = set(datasets_visible_to(actor).filter(pk__in=[d.pk for d in datasets]).values_list("pk", flat=True))
    if any(d.pk not in visible for d in datasets):
        raise NotFoundError(_("A linked dataset does not exist."))
    with transaction.atomic():
        if doi and Publication.objects.filter(doi=doi).exists():
            raise ConflictError(_("The publication %(doi)s is already recorded.") % {"doi": doi})
        try:
            publication = Publication.objects.create(
                doi=doi, title=title, authors=authors, year=year, reported_by=actor,
                journal=_clean_text(journal, limit=300, what=_("The journal")),
            )
        except IntegrityError:
            raise ConflictError(_("The publication %(doi)s is already recorded.") % {"doi": doi}) from None
        publication.samples.add(*samples)
        publication.loans.add(*loans)
        publication.datasets.add(*datasets)
        audit.record(actor=actor, verb="publication.reported", obj=publication,
                     data={"doi": doi, "title": title, "year": year, "loans": [loan.pk for loan in loans],
                           "datasets": [d.pk for d in datasets], "samples": [s.identifier for s in samples]})
    return publication


def watch_start(*, actor, dataset: Dataset | None = None, sample: Sample | None = None, mission=None) -> Watch:
    """Ask to be told when data about a dataset, a sample or a mission are released."""
    require(actor, "accounts.signed_in", message=_("Log in to follow data releases."))
    if sum(x is not None for x in (dataset, sample, mission)) != 1:
        raise ScienceError(_("Follow exactly one dataset, sample or mission."))
    with transaction.atomic():
        watch, created = Watch.objects.get_or_create(user=actor, dataset=dataset, sample=sample, mission=mission)
        if created:
            audit.record(actor=actor, verb="science.watch_started", obj=watch,
                         data={"dataset": getattr(dataset, "pk", None), "sample": getattr(sample, "identifier", None),
                               "mission": getattr(mission, "code", None)})
    return watch


def watch_stop(*, actor, watch: Watch) -> None:
    require(actor, "science.stop_watch", watch, message=_("This is not your watch."))
    with transaction.atomic():
        audit.record(actor=actor, verb="science.watch_stopped", obj=watch,
                     data={"dataset": watch.dataset_id, "sample": watch.sample_id, "mission": watch.mission_id})
        watch.delete()
