"""Admin for staff: everything read-only — loans change only through the services (audited)."""

from django.contrib import admin

from lunarshare.admin_readonly import ReadOnlyAdminMixin

from .models import Incident, Loan, LoanItem, ReminderSent, Shipment, UseReport


class LoanItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = LoanItem
    fk_name = "loan"
    fields = ("sample", "form", "approved_mass_ug", "mass_ug", "consumed_ug", "returned_mass_ug", "status")
    readonly_fields = fields
    show_change_link = False


@admin.register(Loan)
class LoanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "borrower_institution", "responsible", "status", "due_date", "created_at")
    list_filter = ("status",)
    search_fields = ("borrower_institution__name_en", "responsible__username", "application__reference")
    inlines = [LoanItemInline]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "loan", "sample", "kind", "status", "reported_at")
    list_filter = ("kind", "status")


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("loan", "courier", "tracking_number", "shipped_at", "received_at")


@admin.register(UseReport)
class UseReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("loan", "item", "kind", "method", "performed_on", "mass_ug")


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("loan", "kind", "milestone", "sent_at", "escalated")
