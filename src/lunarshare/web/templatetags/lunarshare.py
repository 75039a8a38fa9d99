"""Template filters and tags available in every template (registered as builtins in settings)."""

from decimal import ROUND_HALF_EVEN, Decimal

from django import template
from django.urls import translate_url
from django.utils.formats import number_format
from django.utils.translation import get_language

from lunarshare.mass import UG_PER_G, format_mass, format_mass_brief

register = template.Library()


@register.filter(name="mass")
def mass_filter(mass_ug):
    """``{{ sample.mass_ug|mass }}`` → "1,731 g", "157.6 mg", "40 µg" (digits grouped per language)."""
    return format_mass(mass_ug)


@register.filter(name="mass_brief")
def mass_brief_filter(mass_ug):
    """Figures in tables and charts: four significant digits in g, mg or µg ("382,931 g", "99.51 g")."""
    return format_mass_brief(mass_ug)


@register.filter(name="mass_rounded")
def mass_rounded_filter(mass_ug):
    """Headline figures: like ``|mass`` but whole grams from 1 kg up ("≈ 383,029 g"), so a
    card does not show a dozen digits. Tables and records keep the exact ``|mass``."""
    if mass_ug is None or abs(int(mass_ug)) < 1_000 * UG_PER_G:
        return format_mass(mass_ug)
    grams = (Decimal(int(mass_ug)) / UG_PER_G).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    exact = grams * UG_PER_G == int(mass_ug)
    text = f"{number_format(grams, force_grouping=True)} g"
    return text if exact else f"≈ {text}"


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
