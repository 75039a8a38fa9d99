"""Template context for every page: the signed-in person's unread notification count."""

from django.utils.functional import SimpleLazyObject

from .selectors import unread_notification_count


def notifications(request):
    """``unread_notifications``: counted only if a template shows it (one query, then cached)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_notification_count(user))}
