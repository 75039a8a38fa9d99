"""Admin for staff: reference data (missions, storage locations) is editable; samples, the
ledger and custody are read-only here because they change only through the services."""

from django.contrib import admin

from lunarshare.admin_readonly import ReadOnlyAdminMixin

from .models import CustodyEvent, LedgerEntry, Mission, Sample, StorageLocation


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_zh", "agency", "landing_date", "returned_mass_ug")
    search_fields = ("code", "name_en", "name_zh")


@admin.register(StorageLocation)
class StorageLocationAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "kind", "environment", "parent")
    list_filter = ("kind", "environment")
    search_fields = ("code", "name_en", "name_zh")
    autocomplete_fields = ("parent",)

    def has_delete_permission(self, request, obj=None):
        return False


class LedgerInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LedgerEntry
    fk_name = "sample"
    fields = ("created_at", "kind", "delta_ug", "balance_ug", "counterpart", "reason", "actor")
    readonly_fields = fields
    extra = 0
    show_change_link = False


class CustodyInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CustodyEvent
    fields = ("at", "kind", "from_location", "to_location", "holder_institution", "holder_name", "note", "actor")
    readonly_fields = fields
    extra = 0


@admin.register(Sample)
class SampleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("identifier", "mission", "type", "category", "status", "mass_ug", "parent")
    list_filter = ("mission", "type", "category", "status")
    search_fields = ("identifier",)
    show_full_result_count = False  # no COUNT(*) over a million rows
    list_select_related = ("mission", "parent")
    raw_id_fields = ("parent", "location", "holder_institution")
    inlines = [LedgerInline, CustodyInline]

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "sample", "kind", "delta_ug", "balance_ug", "counterpart", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("sample", "counterpart")
    show_full_result_count = False


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "sample", "kind", "holder_institution", "at")
    list_filter = ("kind",)
    raw_id_fields = ("sample",)
