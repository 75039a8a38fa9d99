from .navigation import menu_for


def _mark_current(menu: dict, path: str) -> None:
    """``current`` = "page" on the entry for this very page, "section" on the entry whose URL is
    the longest prefix of it (a sample page lights up "Catalogue"), so exactly one entry shows."""
    items = [item for entries in menu.values() for item in entries]
    best = None
    for item in items:
        item["current"] = ""
    for item in items:
        if path == item["url"]:
            item["current"] = "page"
            return
        if path.startswith(item["url"]) and (best is None or len(item["url"]) > len(best["url"])):
            best = item
    if best is not None:
        best["current"] = "section"


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    menu = menu_for(user)
    _mark_current(menu, request.path)
    return {"menu": menu}
