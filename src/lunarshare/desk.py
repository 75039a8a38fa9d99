"""The desk: what each person has to do next, gathered from every app.

Each app contributes through ``lunarshare.<app>.selectors.desk_items(user) -> list[DeskItem]``
(a handful of queries, never one per row). The web app's desk page and the menu count read
:func:`desk_for`, so an app that adds ``desk_items`` later (audit checkpoints, role-grant
requests) shows up without touching the page.
"""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass

DESK_APPS = ["accounts", "programs", "loans", "science", "catalog", "cooperation", "audit"]


@dataclass(frozen=True)
class DeskItem:
    """One thing to do. ``role`` is the section it belongs to (a ``Role`` value), ``kind`` a
    short heading for the group ("Drafts", "Reviews to score"), ``label`` names the object,
    ``url`` is the page where it is done; ``due`` (a date) and ``note`` are optional."""

    role: str
    kind: str
    label: str
    url: str
    due: dt.date | None = None
    note: str = ""
    overdue: bool = False


def optional_module(name: str):
    """The module ``name``, or ``None`` if it does not exist (an error inside it still raises)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return None


def _providers():
    for app in DESK_APPS:
        provider = getattr(optional_module(f"lunarshare.{app}.selectors"), "desk_items", None)
        if provider is not None:
            yield provider


def desk_for(user) -> list[DeskItem]:
    """Every item on ``user``'s desk, from every app, for the roles they hold (empty for visitors)."""
    if user is None or not user.is_authenticated:
        return []
    items: list[DeskItem] = []
    for provider in _providers():
        items.extend(provider(user))
    return [item for item in items if user.has_role(item.role)]  # the page shows one section per role held
