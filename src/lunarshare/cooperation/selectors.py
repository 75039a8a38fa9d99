"""Reads of the cooperation registry: filtered lists for the public pages and the API, and
one fetch per entity that raises the domain's 404."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from lunarshare.errors import NotFoundError

from .models import CooperationAgreement, InternationalPayload, PartnerOrganisation, SampleGift


def partner_list(*, kind: str = "", country: str = "", q: str = "") -> QuerySet[PartnerOrganisation]:
    queryset = PartnerOrganisation.objects.annotate(
        payload_count=Count("payloads", distinct=True), agreement_count=Count("agreements", distinct=True),
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if country:
        queryset = queryset.filter(country=country.upper())
    if q:
        queryset = queryset.filter(Q(name_en__icontains=q) | Q(name_zh__icontains=q) | Q(acronym__icontains=q))
    return queryset.order_by("name_en")


def agreement_list(*, kind: str = "", status: str = "", partner: int | None = None, year: int | None = None,
                   mission: str = "") -> QuerySet[CooperationAgreement]:
    queryset = CooperationAgreement.objects.prefetch_related("parties", "missions", "documents")
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if partner:
        queryset = queryset.filter(parties=partner)
    if year:
        queryset = queryset.filter(signed_date__year=year)
    if mission:
        queryset = queryset.filter(missions__code=mission)
    return queryset.distinct().order_by("-signed_date", "title_en")


def payload_list(*, mission: str = "", country: str = "", kind: str = "", status: str = "",
                 partner: int | None = None, q: str = "") -> QuerySet[InternationalPayload]:
    queryset = InternationalPayload.objects.select_related("mission", "partner", "agreement").prefetch_related(
        "collaborators")
    if mission:
        queryset = queryset.filter(mission__code=mission)
    if country:
        queryset = queryset.filter(country=country.upper())
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if partner:
        queryset = queryset.filter(Q(partner=partner) | Q(collaborators=partner)).distinct()
    if q:
        queryset = queryset.filter(Q(acronym__icontains=q) | Q(name_en__icontains=q) | Q(name_zh__icontains=q))
    return queryset.order_by("mission__sort_order", "mission__code", "acronym")


def gift_list(*, recipient: int | None = None, mission: str = "", country: str = "") -> QuerySet[SampleGift]:
    queryset = SampleGift.objects.select_related("recipient", "mission").prefetch_related("items__sample")
    if recipient:
        queryset = queryset.filter(recipient=recipient)
    if mission:
        queryset = queryset.filter(mission__code=mission)
    if country:
        queryset = queryset.filter(recipient__country=country.upper())
    return queryset.order_by("-date", "id")


def registry_summary() -> dict:
    """The figures on the cooperation home page."""
    gifts = SampleGift.objects.aggregate(count=Count("id"), mass_ug=Sum("mass_ug"))
    return {
        "partners": PartnerOrganisation.objects.count(),
        "countries": PartnerOrganisation.objects.exclude(country="").values("country").distinct().count(),
        "agreements": CooperationAgreement.objects.count(),
        "payloads": InternationalPayload.objects.count(),
        "gifts": gifts["count"] or 0,
        "gift_mass_ug": gifts["mass_ug"] or 0,
    }


def _get(queryset, pk, message):
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, queryset.model.DoesNotExist):
        raise NotFoundError(message) from None


def partner_get(pk) -> PartnerOrganisation:
    return _get(partner_list(), pk, _("There is no such partner organisation."))


def agreement_get(pk) -> CooperationAgreement:
    return _get(CooperationAgreement.objects.prefetch_related("parties", "missions", "documents", "payloads"), pk,
                _("There is no such cooperation agreement."))


def payload_get(pk) -> InternationalPayload:
    return _get(InternationalPayload.objects.select_related("mission", "partner", "agreement"), pk,
                _("There is no such payload."))


def gift_get(pk) -> SampleGift:
    return _get(SampleGift.objects.select_related("recipient", "mission").prefetch_related("items__sample"), pk,
                _("There is no such gift."))


def payload_public_datasets(payload: InternationalPayload) -> list:
    """The payload's data products the public may see: science's own visibility selector decides,
    so an embargoed dataset stays hidden until it is released."""
    from django.contrib.auth.models import AnonymousUser

    from lunarshare.science.selectors import datasets_visible_to

    return list(datasets_visible_to(AnonymousUser()).filter(payloads=payload).order_by("title"))
