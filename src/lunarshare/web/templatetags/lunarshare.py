"""Template filters and tags available in every template (registered as builtins in settings)."""

from django import template
from django.urls import translate_url
from django.utils.translation import get_language

from lunarshare.mass import format_mass

register = template.Library()


@register.filter(name="mass")
def mass_filter(mass_ug):
    """``{{ sample.mass_ug|mass }}`` → "1,731 g", "157.6 mg", "40 µg" (digits grouped per language)."""
    return format_mass(mass_ug)


@register.simple_tag
def bilingual(obj, field):
    """``{% bilingual rule "title" %}``: the active language's ``title_zh``/``title_en``, else the other."""
    zh = (get_language() or "en").startswith("zh")
    first, second = (f"{field}_zh", f"{field}_en") if zh else (f"{field}_en", f"{field}_zh")
    return getattr(obj, first, "") or getattr(obj, second, "")


@register.simple_tag(takes_context=True)
def translated_path(context, language_code):
    """The current page in another language (``/en/catalogue/`` → ``/zh-hans/catalogue/``)."""
    request = context.get("request")
    if request is None:
        return f"/{language_code}/"
    return translate_url(request.get_full_path(), language_code)
