"""Numbers, dates and masses are formatted for the active language."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from lunarshare.mass import MAX_MASS_UG, format_mass, parse_mass


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("mass_ug", "shown"),
    [
        (1_935_300_000, "1,935.3 g"),  # Chang'e-6, as published
        (1_731_000_000, "1,731 g"),
        (157_600, "157.6 mg"),
        (8_550_400, "8.5504 g"),
        (1_000, "1 mg"),
        (40, "40 µg"),
        (0, "0 µg"),
        (-2_500, "-2.5 mg"),
        (None, "—"),
    ],
)
def test_it_groups_digits_and_keeps_every_microgram(language, mass_ug, shown):
    with translation.override(language):
        assert format_mass(mass_ug) == shown


def test_it_shows_the_largest_mass_exactly():
    with translation.override("en"):
        assert format_mass(MAX_MASS_UG) == "10,000,000,000 g"
        assert format_mass(MAX_MASS_UG - 1) == "9,999,999,999.999999 g"


def test_the_shown_mass_parses_back_to_the_same_micrograms():
    for mass_ug in (1, 999, 1_001, 123_456_789, 1_935_300_000):
        amount, unit = format_mass(mass_ug).replace(",", "").split(" ")
        assert parse_mass(amount, "ug" if unit == "µg" else unit) == mass_ug


def test_the_mass_filter_follows_the_active_language():
    template = Template("{{ m|mass }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"m": 125_420_000})) == "125.42 g"
    with translation.override("en"):
        assert template.render(Context({"m": 30_881_800_000})) == "30,881.8 g"


def test_dates_read_the_chinese_way_in_chinese_and_day_month_year_in_english():
    template = Template("{{ d|date }}")
    landing = datetime.date(2024, 6, 25)
    with translation.override("zh-hans"):
        assert template.render(Context({"d": landing})) == "2024年6月25日"
    with translation.override("en"):
        assert template.render(Context({"d": landing})) == "25 Jun 2024"


def test_counts_are_grouped_in_both_languages_with_intcomma():
    template = Template("{% load humanize %}{{ n|intcomma }}")
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert template.render(Context({"n": 1234567})) == "1,234,567"


def test_plain_numbers_are_not_grouped_so_ids_in_urls_stay_intact():
    """USE_THOUSAND_SEPARATOR stays off: ``/samples/{{ pk }}/`` must never become ``1,234``."""
    with translation.override("en"):
        assert Template("{{ n }}").render(Context({"n": 1234})) == "1234"


def test_headline_masses_are_rounded_to_whole_grams_from_a_kilogram_up():
    template = Template("{{ m|mass_rounded }}")
    with translation.override("en"):
        assert template.render(Context({"m": 383_029_319_000})) == "≈ 383,029 g"
        assert template.render(Context({"m": 1_731_000_000})) == "1,731 g"  # exact: no ≈
        assert template.render(Context({"m": 157_600})) == "157.6 mg"  # small masses stay exact


@pytest.mark.parametrize(("value", "shown"), [
    ("10.5000", "10.5"), ("11", "11"), ("1E+1", "10"), ("0.00012", "0.00012"), (3.95, "3.95"), (None, ""),
])
def test_measured_values_are_shown_as_recorded_without_padding(value, shown):
    from decimal import Decimal

    rendered = Template("{{ v|quantity }}").render(Context({"v": Decimal(value) if isinstance(value, str) else value}))
    assert rendered == shown


def test_the_requested_mass_in_the_decision_form_is_a_mass_not_a_bare_number(people):
    from lunarshare.programs.forms import DecideForm
    from lunarshare.programs.tests.factories import make_application, make_round

    application = make_application(people.alice, make_round(), mass_ug=50_000)
    form = DecideForm(items=application.items.select_related("sample_set"))
    help_texts = " ".join(str(f.help_text) for f in form.fields.values())
    assert "50 mg" in help_texts and "50.0" not in help_texts
