"""The site's navigation, declared once. Each app's pages appear here when its URLs exist.

Entries: (url name, label, predicate on the user or None for everyone). Unknown URL names
(an app not built yet) are skipped, so the menu never breaks.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from lunarshare.accounts.models import Role

PUBLIC = None
SIGNED_IN = ()  # any signed-in person, whatever their roles

MAIN_MENU = [
    ("catalog:sample-list", _("Catalogue"), PUBLIC),
    ("catalog:mission-list", _("Missions"), PUBLIC),
    ("programs:rule-list", _("Rules"), PUBLIC),
    ("programs:round-list", _("Rounds"), PUBLIC),
    ("programs:results-list", _("Results"), PUBLIC),
    ("science:compare", _("Compare"), PUBLIC),
    ("science:dataset-list", _("Data"), PUBLIC),
    ("opendata_pages:package-list", _("Open data"), PUBLIC),
    ("cooperation:home", _("Cooperation"), PUBLIC),
    ("insights:dashboard", _("Statistics"), PUBLIC),
]

WORK_MENU = [
    ("web:desk", _("My desk"), SIGNED_IN),
    ("programs:my-applications", _("My applications"), (Role.APPLICANT,)),
    ("loans:my-loans", _("My loans"), (Role.APPLICANT,)),
    ("programs:my-reviews", _("My reviews"), (Role.REVIEWER,)),
    ("programs:officer-home", _("Programme desk"), (Role.OFFICER, Role.COMMITTEE)),
    ("catalog:curator-home", _("Curation"), (Role.CURATOR,)),
    ("loans:loan-list", _("Loans"), (Role.CURATOR, Role.OFFICER, Role.AUDITOR)),
    ("accounts:officer-people", _("People"), (Role.OFFICER,)),
]


def _resolve(entries, user):
    items = []
    for name, label, roles in entries:
        if roles is not PUBLIC and not (user.is_authenticated and (roles == SIGNED_IN or user.has_role(*roles))):
            continue
        try:
            items.append({"url": reverse(name), "label": label, "name": name})
        except NoReverseMatch:
            continue
    return items


def menu_for(user):
    """The two menus; the desk entry carries ``count``, the number of things on the desk
    (computed only when a template shows it)."""
    from django.utils.functional import SimpleLazyObject

    from lunarshare.desk import desk_for

    work = _resolve(WORK_MENU, user)
    for item in work:
        if item["name"] == "web:desk":
            item["count"] = SimpleLazyObject(lambda: len(desk_for(user)))
    return {"main": _resolve(MAIN_MENU, user), "work": work}
