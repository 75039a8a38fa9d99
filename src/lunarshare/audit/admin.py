from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, even for superusers."""

    list_display = ("seq", "created_at", "actor_name", "verb", "subject_repr")
    list_filter = ("verb",)
    search_fields = ("verb", "subject_repr", "actor_name", "subject_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
