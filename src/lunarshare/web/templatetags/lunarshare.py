"""Template filters and tags available in every template (registered as builtins in settings)."""

from decimal import ROUND_HALF_EVEN, Decimal

from django import template
from django.urls import translate_url
from django.utils import timezone
from django.utils.formats import number_format

from lunarshare.language import pick
from lunarshare.mass import UG_PER_G, format_mass

register = template.Library()


@register.filter(name="mass")
def mass_filter(mass_ug):
    """``{{ sample.mass_ug|mass }}`` → "1,731 g", "157.6 mg", "40 µg" (digits grouped per language)."""
    return format_mass(mass_ug)


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
    return pick(obj, field)


@register.simple_tag(takes_context=True)
def translated_path(context, language_code):
    """The current page in another language (``/en/catalogue/`` → ``/zh-hans/catalogue/``)."""
    request = context.get("request")
    if request is None:
        return f"/{language_code}/"
    return translate_url(request.get_full_path(), language_code)


@register.filter(name="choice_label")
def choice_label_filter(value, choices_name):
    """``{{ node.type|choice_label:"sample_type" }}`` → "Rock chip" / "岩屑" (never the code)."""
    from lunarshare.web.phrases import choice_label

    return choice_label(value, choices_name)


@register.filter(name="event_phrase")
def event_phrase_filter(event):
    """``{{ event|event_phrase }}`` → "Loan agreement signed → Agreement signed"."""
    from lunarshare.web.phrases import event_phrase

    return event_phrase(event)


def _time_element(value, zone, *, date_only: bool, local: bool) -> str:
    from django.utils.dateformat import format as date_format
    from django.utils.formats import get_format
    from django.utils.html import format_html

    local_value = timezone.localtime(value, zone)
    if date_only:
        text = date_format(local_value, get_format("DATE_FORMAT"))
    else:
        text = f"{date_format(local_value, get_format('DATETIME_FORMAT'))} ({zone_label(local_value)})"
    return format_html('<time datetime="{}"{}>{}</time>', value.isoformat(), " data-local" if local else "", text)


def zone_label(value) -> str:
    """"UTC", "Asia/Shanghai", "Europe/Berlin": the IANA name people recognise, not "CST"."""
    return getattr(value.tzinfo, "key", None) or value.tzname() or "UTC"


@register.simple_tag
def moment(value, precision="datetime"):
    """``{% moment loan.shipped_at %}`` → "30 Nov 2026, 18:05 (Europe/Berlin)" in the viewer's
    zone; ``{% moment value "date" %}`` → the date in the viewer's zone (the same day on every
    page). Dates (not datetimes) are shown as they are."""
    import datetime

    if not value:
        return ""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        from django.utils.dateformat import format as date_format
        from django.utils.formats import get_format

        return date_format(value, get_format("DATE_FORMAT"))
    return _time_element(value, timezone.get_current_timezone(), date_only=precision == "date", local=False)


@register.simple_tag
def deadline(value, round_):
    """``{% deadline round.closes_at round %}`` → "21 Dec 2026, 00:45 (Asia/Shanghai)", and
    ``time.js`` adds the visitor's local time beside it."""
    from lunarshare.web.timezones import zone_from_name

    if not value:
        return ""
    zone = zone_from_name(getattr(round_, "timezone", None)) or timezone.get_default_timezone()
    return _time_element(value, zone, date_only=False, local=True)


@register.filter(name="quantity")
def quantity_filter(value):
    """A measured value as recorded, without padding or exponent: ``10.5`` stays "10.5" beside
    "11" (``floatformat:-4`` would print "10.5000"), ``Decimal("1E+1")`` is "10"."""
    from decimal import InvalidOperation

    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    return format(number, "f")
