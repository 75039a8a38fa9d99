"""Datasets, measurements, publications and watches: the science that comes back from loans.

Who may see what is decided in one place, ``selectors.datasets_visible_to`` /
``selectors.measurements_visible_to``; nothing else filters on embargo.
"""

from __future__ import annotations

import builtins

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lunarshare.files import private_name


class Licence(models.TextChoices):
    CC_BY_4 = "CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC0 = "CC0-1.0", _("Public domain dedication (CC0 1.0)")


LICENCE_URLS = {
    Licence.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}


class DatasetStatus(models.TextChoices):
    EMBARGOED = "embargoed", _("Embargoed")
    RELEASED = "released", _("Released")


class Dataset(models.Model):
    """A body of results about one or more samples, from a loan or from the agency's own curation.

    ``loan`` is empty for the agency's own work (curation datasets, compilations). ``authors`` is
    a list of ``{"name", "orcid", "affiliation"}`` (ORCID iDs validated and normalised by the
    service). ``keywords`` is a list of strings. ``doi`` is recorded only when a DOI was given;
    LunarShare never mints or invents one.

    Embargo: a dataset is created ``embargoed`` with ``embargo_until`` (by default the loan's
    receipt plus the round's ``embargo_months``); it becomes ``released`` (``released_at`` set)
    through ``services.dataset_release``, never otherwise. Until then only the loan's team,
    curators, officers and auditors see it or any of its measurements.
    """

    Status = DatasetStatus
    TRANSITIONS = {
        DatasetStatus.EMBARGOED: {DatasetStatus.RELEASED},
        DatasetStatus.RELEASED: set(),
    }

    loan = models.ForeignKey("loans.Loan", null=True, blank=True, on_delete=models.PROTECT, related_name="datasets",
                             verbose_name=_("loan"), help_text=_("Empty for the agency's own curation work."))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    authors = models.JSONField(_("authors"), default=list, blank=True)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY_4)
    method = models.CharField(_("method"), max_length=200, blank=True)
    instrument = models.CharField(_("instrument"), max_length=200, blank=True)
    laboratory = models.CharField(_("laboratory"), max_length=200, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    doi = models.CharField(_("DOI"), max_length=200, blank=True)
    samples = models.ManyToManyField("catalog.Sample", related_name="datasets", blank=True, verbose_name=_("samples"))
    status = models.CharField(_("status"), max_length=20, choices=DatasetStatus.choices, default=DatasetStatus.EMBARGOED)
    embargo_until = models.DateField(_("embargoed until"), null=True, blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    sources = models.TextField(_("sources"), blank=True, help_text=_("Where compiled values come from, as citations."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dataset")
        constraints = [
            models.UniqueConstraint(fields=["doi"], condition=~Q(doi=""), name="dataset_doi_unique"),
            models.CheckConstraint(
                condition=Q(status=DatasetStatus.EMBARGOED, released_at__isnull=True)
                | Q(status=DatasetStatus.RELEASED, released_at__isnull=False),
                name="dataset_released_at_matches_status",
            ),
        ]
        indexes = [models.Index(fields=["status", "embargo_until"], name="dataset_embargo_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_released(self) -> bool:
        return self.status == DatasetStatus.RELEASED

    @property
    def licence_url(self) -> str:
        return LICENCE_URLS.get(self.licence, "")

    def get_absolute_url(self) -> str:
        return reverse("science:dataset-detail", args=[self.pk])


def dataset_file_path(instance: DatasetFile, filename: str) -> str:
    # Private, in a random directory: files are served through the dataset's visibility check
    # (``science:dataset-file``); the stored path must not be guessable (see lunarshare.files).
    return private_name("science/datasets", filename)


class DatasetFile(models.Model):
    """A file attached to a dataset, stored through Django's storage API (disk or S3)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(upload_to=dataset_file_path, max_length=300)
    name = models.CharField(max_length=255)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dataset_id", "name"]

    def __str__(self) -> str:
        return self.name


class UncertaintyType(models.TextChoices):
    ONE_SIGMA = "1s", _("1σ (one standard deviation)")
    TWO_SIGMA = "2s", _("2σ (two standard deviations)")
    # For compiled literature values printed as "x ± y" whose source does not say which. It must
    # be chosen explicitly (never a default), so an upload still states what its ± means.
    UNSTATED = "unstated", _("± as printed; the source does not state the confidence level")


class Measurement(models.Model):
    """One reported value of one property of one sample, inside a dataset.

    ``value`` and ``uncertainty`` are kept as ``Decimal`` exactly as reported: they are decimal
    literals from a paper or an instrument, and a float would print 3.3 back as
    3.2999999999999998 in exports. ``value_canonical`` / ``uncertainty_canonical`` are floats in
    the canonical unit of the property's kind (ages in Ga, oxides in wt%, trace elements in
    ppm); unit conversion is inexact anyway and floats compare, index and aggregate fast.

    ``mission`` and ``public`` are denormalised (from ``sample.mission`` and the dataset's
    release) so that the comparison query is one index range scan; only ``services`` write
    them (``public`` flips in the same transaction as the dataset's release).

    Key: one row per (dataset, sample, property, method); re-uploading a CSV updates in place.
    """

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="measurements")
    sample = models.ForeignKey("catalog.Sample", on_delete=models.PROTECT, related_name="measurements")
    mission = models.ForeignKey("catalog.Mission", on_delete=models.PROTECT, related_name="+")
    property = models.CharField(_("property"), max_length=60)
    kind = models.CharField(_("kind"), max_length=20)
    value = models.DecimalField(_("value"), max_digits=30, decimal_places=12)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    value_canonical = models.FloatField()
    uncertainty = models.DecimalField(_("uncertainty"), max_digits=30, decimal_places=12, null=True, blank=True)
    uncertainty_type = models.CharField(_("uncertainty type"), max_length=10, choices=UncertaintyType.choices, blank=True)
    uncertainty_canonical = models.FloatField(null=True, blank=True)
    method = models.CharField(_("method"), max_length=200, blank=True)
    public = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["dataset_id", "sample_id", "property", "id"]
        verbose_name = _("measurement")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "sample", "property", "method"], name="measurement_key"),
            models.CheckConstraint(
                condition=Q(uncertainty__isnull=True) | ~Q(uncertainty_type=""), name="measurement_uncertainty_typed"
            ),
            models.CheckConstraint(condition=Q(uncertainty__isnull=True) | Q(uncertainty__gte=0),
                                   name="measurement_uncertainty_not_negative"),
        ]
        indexes = [
            # The comparison query: property + missions (+ visibility), values in order. On
            # PostgreSQL the INCLUDE columns make statistics and points index-only scans (measured
            # in bench/science.py: the heap pages of one property are scattered across uploads).
            models.Index(fields=["property", "mission", "public", "value_canonical", "id"],
                         include=["sample", "dataset", "uncertainty_canonical", "uncertainty_type"],
                         name="measurement_compare_cover_idx"),
            models.Index(fields=["sample", "property"], name="measurement_sample_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sample_id} {self.property} = {self.value} {self.unit}"

    @builtins.property  # the field named ``property`` shadows the builtin inside this class
    def uncertainty_sigma_label(self) -> str:
        return {"1s": "1σ", "2s": "2σ", "unstated": _("level not stated")}.get(self.uncertainty_type, "")


class Watch(models.Model):
    """A person who wants to hear when data are released: about one dataset, sample or mission."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="science_watches")
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.CASCADE, related_name="watches")
    sample = models.ForeignKey("catalog.Sample", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    mission = models.ForeignKey("catalog.Mission", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(dataset__isnull=False, sample__isnull=True, mission__isnull=True)
                | Q(dataset__isnull=True, sample__isnull=False, mission__isnull=True)
                | Q(dataset__isnull=True, sample__isnull=True, mission__isnull=False),
                name="watch_exactly_one_target",
            ),
            models.UniqueConstraint(fields=["user", "dataset"], condition=Q(dataset__isnull=False), name="watch_dataset_once"),
            models.UniqueConstraint(fields=["user", "sample"], condition=Q(sample__isnull=False), name="watch_sample_once"),
            models.UniqueConstraint(fields=["user", "mission"], condition=Q(mission__isnull=False), name="watch_mission_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.dataset_id or self.sample_id or self.mission_id}"


class Publication(models.Model):
    """A paper, abstract or report that used samples, loans or datasets.

    ``doi`` is validated and normalised (``10.xxxx/...``, lower-case) and unique when given.
    ``authors`` is a list of ``{"name", "orcid"}``.
    """

    doi = models.CharField(_("DOI"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=500)
    authors = models.JSONField(_("authors"), default=list, blank=True)
    journal = models.CharField(_("journal"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    samples = models.ManyToManyField("catalog.Sample", related_name="publications", blank=True)
    datasets = models.ManyToManyField(Dataset, related_name="publications", blank=True)
    loans = models.ManyToManyField("loans.Loan", related_name="publications", blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("publication")
        constraints = [models.UniqueConstraint(fields=["doi"], condition=~Q(doi=""), name="publication_doi_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""
