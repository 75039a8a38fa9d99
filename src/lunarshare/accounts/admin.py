from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from lunarshare.admin_readonly import ReadOnlyAdminMixin
from lunarshare.errors import DomainError

from .models import AffiliationRequest, ApiToken, Institution, RoleGrant, RoleGrantRequest, User


class RoleGrantInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    can_delete = False
    readonly_fields = ("role", "granted_by", "granted_at")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleGrantInline]
    list_display = ("username", "email", "display_name", "institution", "is_active", "is_staff")
    # The institution changes only when an officer confirms an affiliation request (audited);
    # accounts are closed with the "deactivate" action (the service kills their API tokens).
    readonly_fields = ("institution", "is_active", "is_superuser", "groups", "user_permissions",
                       "verified_by_administrator")
    fieldsets = BaseUserAdmin.fieldsets + (("LunarShare", {"fields": ("display_name", "orcid", "expertise", "institution",
                                                                      "verified_by_administrator")}),)
    actions = ["deactivate_accounts"]

    @admin.action(description=_("Close the selected accounts (their API tokens die)"))
    def deactivate_accounts(self, request, queryset):
        from .services import user_deactivate

        for user in queryset:
            try:
                user_deactivate(actor=request.user, user=user, reason="closed in the admin")
            except DomainError as exc:
                self.message_user(request, f"{user}: {exc.message}", messages.ERROR)


@admin.register(RoleGrantRequest)
class RoleGrantRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "role", "status", "requested_by", "requested_at", "decided_by", "decided_at")
    list_filter = ("status", "role")

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Names and dates only; the digest is of no use to anyone and is not shown."""

    list_display = ("user", "name", "created", "expiry", "last_used_at")
    fields = ("user", "name", "created", "expiry", "last_used_at", "second_factor")

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_zh", "country", "kind", "ror_id", "confirmed")
    list_filter = ("kind", "country", "confirmed")
    search_fields = ("name_en", "name_zh", "ror_id")


@admin.register(AffiliationRequest)
class AffiliationRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "institution", "proposed_name", "status", "created_at")
    readonly_fields = [f.name for f in AffiliationRequest._meta.fields]


# knox registers an admin for its own (swapped-out) token model, with an "add" form that would
# issue unaudited tokens: tokens are listed above and issued only by the services.
from knox.models import AuthToken as _KnoxAuthToken  # noqa: E402

if admin.site.is_registered(_KnoxAuthToken):
    admin.site.unregister(_KnoxAuthToken)
