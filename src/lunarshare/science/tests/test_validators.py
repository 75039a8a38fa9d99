import pytest
from django.core.exceptions import ValidationError

from lunarshare.science.validators import clean_authors, normalize_doi


@pytest.mark.parametrize("given,expected", [
    ("10.1038/s41586-021-04100-2", "10.1038/s41586-021-04100-2"),
    ("https://doi.org/10.1126/SCIENCE.ABL7957", "10.1126/science.abl7957"),
    ("doi:10.1029/2022JE007627", "10.1029/2022je007627"),
    ("10.1146/annurev-earth-040722-100453", "10.1146/annurev-earth-040722-100453"),
])
def test_it_normalises_valid_dois(given, expected):
    assert normalize_doi(given) == expected


@pytest.mark.parametrize("bad", ["", "10.1/abc", "11.1038/x", "10.1038", "10.1038/", "doi 10.1038/x y", "x" * 300])
def test_it_refuses_malformed_dois(bad):
    with pytest.raises(ValidationError):
        normalize_doi(bad)


def test_it_checks_and_normalises_orcid_ids_of_authors():
    assert clean_authors(["Demo One", {"name": "Demo Two", "orcid": "https://orcid.org/0000-0002-1825-0097"}]) == [
        {"name": "Demo One"}, {"name": "Demo Two", "orcid": "0000-0002-1825-0097"}]
    with pytest.raises(ValidationError):
        clean_authors([{"name": "Bad", "orcid": "0000-0002-1825-0098"}])
