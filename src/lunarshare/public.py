"""The "anyone may open this" marker of ``lunarshare.permissions``, in a module that imports
nothing, so that code loaded before the apps (the Celery app's metrics, file helpers that models
import) can declare its door too. ``lunarshare.permissions`` re-exports both names."""

#: Marker for a page or endpoint anyone may open (what it shows is still filtered per person).
PUBLIC = "public"


def public(view):
    """Declare a page open to everyone (what it shows is still filtered per person)."""
    view.permission_rule = PUBLIC
    return view
