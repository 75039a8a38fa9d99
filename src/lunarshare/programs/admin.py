"""Admin for staff, read-only: rounds, applications and reviews change only through the
services (state machine, audit, notifications), so the admin is a window, not a door."""

from django.contrib import admin

from lunarshare.admin_readonly import ReadOnlyAdminMixin

from .models import Application, ComplianceResult, Review, Round, RuleDocument, RuleVersion, SampleSet


@admin.register(RuleDocument)
class RuleDocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("slug", "title_en", "reference")


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("document", "version", "effective_date", "published_at")


@admin.register(Round)
class RoundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "title_en", "kind", "status", "opens_at", "closes_at", "results_published_at")
    list_filter = ("kind", "status")
    search_fields = ("code", "title_en", "title_zh")


@admin.register(SampleSet)
class SampleSetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("round", "name_en", "form", "offered_mass_ug")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("reference", "title", "round", "institution", "status", "submitted_at", "decided_at")
    list_filter = ("status", "round")
    search_fields = ("reference", "title")


@admin.register(ComplianceResult)
class ComplianceResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("application", "rule", "outcome", "resolved_at")
    list_filter = ("outcome",)


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("application", "reviewer", "status", "weighted_score", "submitted_at")
    list_filter = ("status",)
