import copy

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.http import HttpResponseRedirect
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


class ServicePasswordChangeForm(AdminPasswordChangeForm):
    """The admin's "change password" form, saved by ``user_set_password`` (audited; the person's
    API tokens die at once). ``actor`` is set per request by :meth:`UserAdmin.user_change_password`."""

    actor = None

    def save(self, commit=True):
        from .services import user_set_password

        usable = self.cleaned_data.get("set_usable_password", True)
        saved = user_set_password(actor=self.actor, user=self.user,
                                  password=self.cleaned_data["password1"] if usable else None)
        self.user.password = saved.password  # the admin keeps its own session valid with this hash
        return self.user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleGrantInline]
    list_display = ("username", "email", "display_name", "institution", "is_active", "is_staff")
    # The institution changes only when an officer confirms an affiliation request (audited);
    # accounts are closed with the "deactivate" action (the service kills their API tokens);
    # staff status and superuser are set by an operator (``lunarshare createsuperuser``), not here.
    # What a person says about themselves is saved by ``user_update_profile`` (audited); the rest
    # has no service and is shown only.
    readonly_fields = ("username", "first_name", "last_name", "email", "last_login", "date_joined",
                       "institution", "is_active", "is_staff", "is_superuser", "groups", "user_permissions",
                       "verified_by_administrator")
    fieldsets = BaseUserAdmin.fieldsets + (("LunarShare", {"fields": ("display_name", "orcid", "expertise", "institution",
                                                                      "verified_by_administrator")}),)
    actions = ["deactivate_accounts"]

    def has_add_permission(self, request):
        """Only officers add people here, and through ``user_create`` (see :meth:`save_model`)."""
        from .rules import is_officer

        return super().has_add_permission(request) and is_officer(request.user)

    def get_readonly_fields(self, request, obj=None):
        # The add form asks for a username and a password only, and user_create takes them.
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        from .services import user_create, user_update_profile

        if change:
            data = form.cleaned_data
            try:
                user_update_profile(actor=request.user, user=obj, display_name=data.get("display_name", ""),
                                    orcid=data.get("orcid", ""), expertise=list(data.get("expertise") or []))
            except DomainError as exc:
                raise _Refused(exc.message) from None
            return
        usable = form.cleaned_data.get("set_usable_password", True)
        try:
            created = user_create(actor=request.user, username=obj.username,
                                  password=form.cleaned_data.get("password1") if usable else None)
        except DomainError as exc:
            # Refused: nothing was saved (the admin's transaction rolls back); the form is shown again.
            raise _Refused(exc.message) from None
        # The admin carries on with its own instance (log entry, redirect to the change page).
        obj.pk, obj.password = created.pk, created.password
        obj._state.adding, obj._state.db = False, created._state.db

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def user_change_password(self, request, id, form_url=""):
        """Django's view, with a form that saves through the service as the signed-in person."""
        bound = copy.copy(self)
        bound.change_password_form = type("ServicePasswordChangeForm", (ServicePasswordChangeForm,),
                                          {"actor": request.user})
        try:
            return BaseUserAdmin.user_change_password(bound, request, id, form_url)
        except DomainError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    @admin.action(description=_("Close the selected accounts (their API tokens die)"))
    def deactivate_accounts(self, request, queryset):
        from .services import user_deactivate

        for user in queryset:
            try:
                user_deactivate(actor=request.user, user=user, reason="closed in the admin")
            except DomainError as exc:
                self.message_user(request, f"{user}: {exc.message}", messages.ERROR)


class _Refused(Exception):
    """A service refused inside the admin's add view (its transaction is rolled back)."""


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
