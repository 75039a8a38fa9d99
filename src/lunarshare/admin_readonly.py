"""One read-only admin mixin for rows that change only through the services (audited)."""


class ReadOnlyAdminMixin:
    """Shown in the Django admin, never added, changed or deleted there: the services (pages, API,
    ``lunarshare`` commands) check the actor and write the audit event."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
