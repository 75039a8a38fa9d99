"""Every URL of the site and the API declares who may open it.

Walks ``get_resolver()`` recursively; each web view must carry ``permission_rule`` (set by
``rule_required`` or ``public``), each DRF view a ``permission_rules`` entry for every action or
method it answers, checked by ``RulePermission``. The rule must be a registered ``rules``
permission. Third-party URL sets are listed with the reason they are not ours to declare."""

from __future__ import annotations

import rules
from django.urls import URLResolver, get_resolver

from lunarshare.permissions import PUBLIC, RulePermission, declared_rule

# module prefix of a third-party view -> why it is not declared here
THIRD_PARTY = {
    "django.contrib.admin": "Django admin: staff-only by the admin site itself (is_staff), not a LunarShare page",
    "django.contrib.auth.views": "the admin site's own password views",
    "django.contrib.contenttypes.views": "the admin's 'view on site' redirect",
    "django.views.i18n": "the language switch sets a cookie for anyone",
    "django.views.static": "media files served only with DEBUG",
    "allauth": "sign-in, sign-up and second-factor pages of django-allauth",
    "drf_spectacular": "the public OpenAPI description and its viewers",
}


# URL namespace -> why its views are not declared here
THIRD_PARTY_NAMESPACES = {
    "admin": "Django admin: the admin site lets only is_staff accounts in and checks model permissions itself; "
             "its change forms for our models are ModelAdmin methods, not LunarShare pages",
}


def _walk(resolver, prefix="", namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in THIRD_PARTY_NAMESPACES:
                continue
            yield from _walk(pattern, prefix + str(pattern.pattern), pattern.namespace or namespace)
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def _module(callback) -> str:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    return (view_class or callback).__module__ if hasattr(view_class or callback, "__module__") else type(callback).__module__


def _problems(route, callback) -> list[str]:
    view_class = getattr(callback, "cls", None)
    if view_class is None:  # a function view, a Django class-based view or a callable object
        rule = getattr(callback, "permission_rule", None)
        if rule is None:
            return [f"{route}: web view declares no rule (use rule_required(...) or public)"]
        return [] if rule == PUBLIC or rules.perm_exists(rule) else [f"{route}: unknown rule {rule!r}"]
    problems = []
    if not any(issubclass(cls, RulePermission) for cls in view_class.permission_classes):
        problems.append(f"{route}: {view_class.__name__} does not check RulePermission")
    actions = list(callback.actions.values()) if getattr(callback, "actions", None) else [
        method for method in view_class.http_method_names if method not in ("options", "head") and hasattr(view_class, method)]
    for action in actions:
        rule = declared_rule(view_class, action)
        if rule is None:
            problems.append(f"{route}: {view_class.__name__} declares no rule for {action!r}")
        elif rule != PUBLIC and not rules.perm_exists(rule):
            problems.append(f"{route}: {view_class.__name__} has an unknown rule {rule!r} for {action!r}")
    return problems


def test_every_endpoint_declares_its_rule():
    problems, checked = [], 0
    for route, callback in _walk(get_resolver()):
        module = _module(callback)
        if any(module == prefix or module.startswith(prefix + ".") for prefix in THIRD_PARTY):
            continue
        checked += 1
        problems += _problems(route, callback)
    assert checked > 150, "the walk did not reach the project's URLs"
    assert not problems, "Endpoints without a declared rule:\n" + "\n".join(problems)


def test_the_walk_notices_an_undeclared_view():
    def undeclared(request):
        return None

    assert _problems("x/", undeclared) == ["x/: web view declares no rule (use rule_required(...) or public)"]
