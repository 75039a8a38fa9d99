"""Admin for staff, read-only: rounds, applications and reviews change only through the
services (state machine, audit, notifications), so the admin is a window, not a door."""

from django.contrib import admin

from .models import Application, ComplianceResult, Review, Round, RuleDocument, RuleVersion, SampleSet


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RuleDocument)
class RuleDocumentAdmin(ReadOnlyAdmin):
    list_display = ("slug", "title_en", "reference")


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdmin):
    list_display = ("document", "version", "effective_date", "published_at")


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ("code", "title_en", "kind", "status", "opens_at", "closes_at", "results_published_at")
    list_filter = ("kind", "status")
    search_fields = ("code", "title_en", "title_zh")


@admin.register(SampleSet)
class SampleSetAdmin(ReadOnlyAdmin):
    list_display = ("round", "name_en", "form", "offered_mass_ug")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "round", "institution", "status", "submitted_at", "decided_at")
    list_filter = ("status", "round")
    search_fields = ("reference", "title")


@admin.register(ComplianceResult)
class ComplianceResultAdmin(ReadOnlyAdmin):
    list_display = ("application", "rule", "outcome", "resolved_at")
    list_filter = ("outcome",)


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("application", "reviewer", "status", "weighted_score", "submitted_at")
    list_filter = ("status",)
