from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AffiliationRequest, Institution, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    readonly_fields = ("role", "granted_by", "granted_at")

    def has_add_permission(self, request, obj=None):
        return False  # roles are granted through the officer pages so that each grant is audited


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleGrantInline]
    list_display = ("username", "email", "display_name", "institution", "is_staff")
    # The institution changes only when an officer confirms an affiliation request (audited).
    readonly_fields = ("institution",)
    fieldsets = BaseUserAdmin.fieldsets + (("LunarShare", {"fields": ("display_name", "orcid", "expertise", "institution")}),)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_zh", "country", "kind", "ror_id", "confirmed")
    list_filter = ("kind", "country", "confirmed")
    search_fields = ("name_en", "name_zh", "ror_id")


@admin.register(AffiliationRequest)
class AffiliationRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "institution", "proposed_name", "status", "created_at")
    readonly_fields = [f.name for f in AffiliationRequest._meta.fields]
