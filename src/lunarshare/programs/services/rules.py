"""Publishing the programme's rules (versioned regulations)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lunarshare import audit
from lunarshare.errors import ConflictError, InvalidTransition, ValidationFailed

from ..models import RuleDocument, RuleVersion
from ._common import require_officer


def rule_document_create(*, actor, title_en: str, title_zh: str = "", slug: str = "", issuer_en: str = "",
                         issuer_zh: str = "", reference: str = "", sort_order: int = 0) -> RuleDocument:
    require_officer(actor)
    if not title_en.strip():
        raise ValidationFailed(_("A rule needs an English title."))
    slug = slugify(slug or title_en)[:80]
    if RuleDocument.objects.filter(slug=slug).exists():
        raise ConflictError(_("A rule with the address “%(slug)s” exists already.") % {"slug": slug})
    with transaction.atomic():
        document = RuleDocument.objects.create(slug=slug, title_en=title_en.strip(), title_zh=title_zh.strip(),
                                               issuer_en=issuer_en, issuer_zh=issuer_zh, reference=reference,
                                               sort_order=sort_order)
        audit.record(actor=actor, verb="rule.created", obj=document, data={"slug": slug})
    return document


def rule_version_create(*, actor, document: RuleDocument, version: str, effective_date: datetime.date,
                        title_en: str = "", title_zh: str = "", body_en: str = "", body_zh: str = "",
                        changes_en: str = "", changes_zh: str = "", source_url: str = "", pdf=None,
                        publish: bool = False) -> RuleVersion:
    require_officer(actor)
    version = (version or "").strip()
    if not version:
        raise ValidationFailed(_("A rule version needs a version label."))
    if not isinstance(effective_date, datetime.date):
        raise ValidationFailed(_("A rule version needs an effective date."))
    if document.versions.filter(version=version).exists():
        raise ConflictError(_("Version %(version)s of this rule exists already.") % {"version": version})
    if pdf is not None:
        from .applications import check_pdf

        check_pdf(pdf)
    with transaction.atomic():
        rule_version = RuleVersion(document=document, version=version, effective_date=effective_date,
                                   title_en=title_en or document.title_en, title_zh=title_zh or document.title_zh,
                                   body_en=body_en, body_zh=body_zh, changes_en=changes_en, changes_zh=changes_zh,
                                   source_url=source_url, published_at=timezone.now() if publish else None)
        if pdf is not None:
            rule_version.pdf.save(getattr(pdf, "name", "rule.pdf"), pdf, save=False)
        rule_version.save()
        audit.record(actor=actor, verb="rule.version_created", obj=rule_version,
                     data={"document": document.slug, "version": version, "published": publish})
    return rule_version


def rule_version_publish(*, actor, rule_version: RuleVersion) -> RuleVersion:
    require_officer(actor)
    with transaction.atomic():
        rule_version = RuleVersion.objects.select_for_update().get(pk=rule_version.pk)
        if rule_version.published_at is not None:
            raise InvalidTransition(_("This version is published already."))
        rule_version.published_at = timezone.now()
        rule_version.save(update_fields=["published_at"])
        audit.record(actor=actor, verb="rule.version_published", obj=rule_version,
                     data={"document": rule_version.document.slug, "version": rule_version.version})
    return rule_version
