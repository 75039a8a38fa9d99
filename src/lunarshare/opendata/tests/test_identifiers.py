"""Mission codes stay searchable, and an external system can link back from a DOI or a uid."""

import pytest

from lunarshare.catalog.services import ChildSpec, sample_split
from lunarshare.opendata.datacite import sample_metadata
from lunarshare.opendata.identifiers import sample_doi


@pytest.fixture
def apollo_split(world):
    return sample_split(actor=world.people.curator, parent=world.rock,
                        children=[ChildSpec(mass_ug=1_000, identifier="74001,6040")])[0]


def test_apollo_and_change_codes_are_found_by_the_catalogue_api(api_client, world, apollo_split):
    for code in ("74001,6040", "CE5C0400YJFM00901", "ce5c0400"):
        found = [row["identifier"] for row in api_client.get("/api/v1/samples/", {"search": code}).json()["results"]]
        assert found and found[0].upper().startswith(code.upper())
    assert api_client.get("/api/v1/samples/74001,6040/").json()["uid"] == apollo_split.uid


def test_the_mission_code_travels_with_the_doi_and_the_landing_url_leads_back(client, world, apollo_split):
    meta = sample_metadata(apollo_split)
    assert meta["doi"] == sample_doi(apollo_split) == f"10.80000/ls.s.{apollo_split.uid}"
    assert {"alternateIdentifier": "74001,6040", "alternateIdentifierType": "A17 sample code"} in meta["alternateIdentifiers"]
    assert meta["url"].endswith(f"/s/{apollo_split.uid}")
    assert client.get(f"/s/{apollo_split.uid}")["Location"] == "/en/samples/74001,6040/"
