"""The upload format: every kind of error is found, with its line, and nothing passes half-checked."""

from decimal import Decimal

import pytest

from lunarshare.science import csv_format

from .factories import HEADER, csv_text

SAMPLES = {"12022": (1, 10), "CE5C0000YJYX048": (2, 20)}


def parse(text):
    return csv_format.parse(text, sample_lookup=lambda ids: {i: SAMPLES[i] for i in ids if i in SAMPLES})


def only_error(text):
    result = parse(text)
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_it_reads_a_good_file_and_converts_to_the_canonical_unit():
    result = parse(csv_text("12022,TiO2,4.54,wt%,,,XRF", "CE5C0000YJYX048,Pb-Pb age,2040,Ma,22,2s,SIMS"))
    assert result.errors == []
    tio2, age = result.rows
    assert (tio2.sample_id, tio2.mission_id, tio2.property, tio2.value, tio2.value_canonical) == (1, 10, "TiO2", Decimal("4.54"), 4.54)
    assert (age.kind, age.value_canonical, age.uncertainty_canonical, age.uncertainty_type) == ("age", 2.04, 0.022, "2s")


def test_it_accepts_property_names_in_any_case_and_sigma_spellings():
    result = parse(csv_text("12022,tio2,4.54,wt.%,0.1,2σ,"))
    assert result.errors == [] and result.rows[0].property == "TiO2" and result.rows[0].uncertainty_type == "2s"


def test_it_converts_ppm_of_an_oxide_to_wt_percent():
    assert parse(csv_text("12022,TiO2,5000,ppm,,,")).rows[0].value_canonical == 0.5


def test_it_refuses_a_wrong_header():
    error = only_error("sample,property,value\n12022,TiO2,4.5\n")
    assert error["line"] == 1 and "missing" in error["message"]


def test_it_refuses_an_empty_file():
    assert only_error("")["line"] == 1


def test_it_refuses_a_header_without_rows():
    assert "no rows" in only_error(HEADER)["message"]


def test_it_reports_an_unknown_sample_with_its_line():
    error = only_error(csv_text("12022,TiO2,4.54,wt%,,,", "99999,TiO2,4.54,wt%,,,"))
    assert (error["line"], error["column"]) == (3, "sample") and "99999" in error["message"]


def test_it_reports_an_unknown_property():
    error = only_error(csv_text("12022,Unobtainium,4.54,wt%,,,"))
    assert error["column"] == "property"


@pytest.mark.parametrize("value", ["abc", "4,5", "nan", "inf", "1e30"])
def test_it_reports_a_value_that_is_not_a_usable_number(value):
    error = only_error(csv_text(f'12022,TiO2,"{value}",wt%,,,'))
    assert error["column"] == "value"


def test_it_reports_a_missing_value():
    assert only_error(csv_text("12022,TiO2,,wt%,,,"))["column"] == "value"


def test_it_reports_an_unknown_unit():
    error = only_error(csv_text("12022,TiO2,4.5,furlongs,,,"))
    assert error["column"] == "unit" and "furlongs" in error["message"]


def test_it_reports_a_unit_that_does_not_fit_the_property():
    error = only_error(csv_text("12022,TiO2,4.5,Ma,,,"))
    assert error["column"] == "unit" and "TiO2" in error["message"]


def test_it_reports_an_uncertainty_without_its_type():
    error = only_error(csv_text("12022,TiO2,4.5,wt%,0.2,,"))
    assert error["column"] == "uncertainty_type"


def test_it_reports_an_unknown_uncertainty_type():
    assert only_error(csv_text("12022,TiO2,4.5,wt%,0.2,3s,"))["column"] == "uncertainty_type"


def test_it_reports_a_type_without_an_uncertainty():
    assert only_error(csv_text("12022,TiO2,4.5,wt%,,1s,"))["column"] == "uncertainty"


def test_it_reports_a_negative_uncertainty():
    assert "negative" in only_error(csv_text("12022,TiO2,4.5,wt%,-0.2,1s,"))["message"]


def test_it_reports_a_repeated_row():
    error = only_error(csv_text("12022,TiO2,4.5,wt%,,,XRF", "12022,TiO2,4.6,wt%,,,XRF"))
    assert error["line"] == 3 and "line 2" in error["message"]


def test_it_reports_a_row_with_the_wrong_number_of_columns():
    assert "columns" in only_error(csv_text("12022,TiO2,4.5,wt%"))["message"]


def test_it_refuses_text_that_is_not_utf8():
    assert "UTF-8" in only_error(csv_text("12022,TiO2,4.5,wt%,,,Müller").encode("latin-1"))["message"]


def test_it_reports_every_error_of_every_line_and_keeps_no_row():
    result = parse(csv_text("12022,TiO2,4.5,wt%,,,", "nope,TiO2,x,wt%,,,", "12022,FeO,20,bogus,1,,"))
    assert result.rows[:1] and len(result.rows) == 1  # only the good row is parsed; the service imports none
    assert sorted((e["line"], e["column"]) for e in result.errors) == [
        (3, "sample"), (3, "value"), (4, "uncertainty_type"), (4, "unit")]


def test_it_accepts_an_explicitly_unstated_confidence_level():
    assert parse(csv_text("12022,Ar-Ar age,3.18,Ga,0.04,unstated,")).rows[0].uncertainty_type == "unstated"


def test_a_rendered_file_parses_back_to_the_same_rows():
    rows = [{"sample": "12022", "property": "TiO2", "value": "4.54", "unit": "wt%", "uncertainty": None,
             "uncertainty_type": "", "method": "XRF"}]
    assert parse(csv_format.render(rows)).rows[0].value == Decimal("4.54")
