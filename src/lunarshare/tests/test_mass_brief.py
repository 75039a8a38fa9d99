"""Masses in tables and charts: g, mg or µg with four significant digits, never fewer than whole units."""

import pytest
from django.template import Context, Template
from django.utils import translation

from lunarshare.mass import format_mass_brief


@pytest.mark.parametrize(("mass_ug", "shown"), [
    (382_931_441_400, "382,931 g"),  # was "382,931.4414 g", which wrapped
    (1_731_000_000, "1,731 g"),
    (99_512_345, "99.51 g"),
    (1_310_000, "1.31 g"),
    (64_000, "64 mg"),
    (157_600, "157.6 mg"),
    (40, "40 µg"),
    (0, "0"),
    (-2_500_000, "-2.5 g"),
    (None, "—"),
])
def test_brief_masses(mass_ug, shown):
    with translation.override("en"):
        assert format_mass_brief(mass_ug) == shown


def test_the_template_filter_is_the_same_in_both_languages():
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert Template("{{ m|mass_brief }}").render(Context({"m": 382_931_441_400})) == "382,931 g"
