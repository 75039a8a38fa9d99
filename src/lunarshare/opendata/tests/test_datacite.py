"""DataCite 4.5 metadata: every generated XML validates against the shipped XSD."""

from lxml import etree

from lunarshare.opendata import datacite
from lunarshare.opendata.schemas import datacite_errors

NS = {"d": "http://datacite.org/schema/kernel-4"}


def _xml(meta):
    xml = datacite.to_xml(meta)
    assert datacite_errors(xml) == []
    return etree.fromstring(xml)


def test_every_sample_is_a_valid_physical_object(world):
    for sample in (world.scoop, world.child, world.rock, world.gone):
        root = _xml(datacite.sample_metadata(sample))
        assert root.find("d:resourceType", NS).get("resourceTypeGeneral") == "PhysicalObject"
        assert root.find("d:identifier", NS).text == f"10.80000/ls.s.{sample.uid}"


def test_a_split_is_part_of_its_parent_and_carries_the_mission_and_landing_site(world):
    root = _xml(datacite.sample_metadata(world.child))
    part_of = root.find("d:relatedIdentifiers/d:relatedIdentifier[@relationType='IsPartOf']", NS)
    assert part_of.text == f"10.80000/ls.s.{world.scoop.uid}"
    assert root.find("d:geoLocations/d:geoLocation/d:geoLocationPoint/d:pointLatitude", NS).text == "43.0576"
    assert "Mons Rümker" in root.find("d:geoLocations/d:geoLocation/d:geoLocationPlace", NS).text
    alternates = [a.text for a in root.findall("d:alternateIdentifiers/d:alternateIdentifier", NS)]
    assert world.child.identifier in alternates
    facts = root.find("d:descriptions/d:description[@descriptionType='TechnicalInfo']", NS).text
    assert "Collection method: Scoop" in facts and "Mission: Chang'e-5 (CE5)" in facts
    assert root.find("d:dates/d:date[@dateType='Collected']", NS).text == "2020-12-01"
    hosting = root.find("d:contributors/d:contributor[@contributorType='HostingInstitution']/d:contributorName", NS)
    assert hosting.text == "LunarShare"


def test_the_parent_lists_its_split_and_the_dataset_made_from_it(world):
    root = _xml(datacite.sample_metadata(world.scoop))
    relations = {(r.get("relationType"), r.text) for r in root.findall("d:relatedIdentifiers/d:relatedIdentifier", NS)}
    assert ("HasPart", f"10.80000/ls.s.{world.child.uid}") in relations
    assert ("IsSourceOf", f"10.80000/ls.d.{world.released.pk}") in relations
    assert all(text != f"10.80000/ls.d.{world.secret.pk}" for _, text in relations)  # embargoed: not named


def test_a_released_dataset_has_orcid_ror_samples_loan_publication_rights_and_dates(world):
    root = _xml(datacite.dataset_metadata(world.released))
    creator = root.find("d:creators/d:creator", NS)
    assert creator.find("d:nameIdentifier", NS).text == "https://orcid.org/0000-0002-1825-0097"
    affiliation = creator.find("d:affiliation", NS)
    assert affiliation.get("affiliationIdentifier") == "https://ror.org/00rcxh774"
    assert affiliation.get("affiliationIdentifierScheme") == "ROR"
    relations = {(r.get("relationType"), r.text) for r in root.findall("d:relatedIdentifiers/d:relatedIdentifier", NS)}
    assert ("IsDerivedFrom", f"10.80000/ls.s.{world.scoop.uid}") in relations
    assert ("IsDerivedFrom", f"10.80000/ls.s.{world.rock.uid}") in relations
    assert ("IsCitedBy", "10.1234/example.5") in relations
    assert any(rel == "IsDocumentedBy" and text.endswith(f"/loans/{world.loan.pk}/") for rel, text in relations)
    assert root.find("d:rightsList/d:rights", NS).get("rightsIdentifier") == "cc-by-4.0"
    assert root.find("d:dates/d:date[@dateType='Available']", NS) is not None
    places = [p.text for p in root.findall("d:geoLocations/d:geoLocation/d:geoLocationPlace", NS)]
    assert places == ["Taurus-Littrow (Moon)", "Mons Rümker (Moon)"] or sorted(places) == sorted(
        ["Taurus-Littrow (Moon)", "Mons Rümker (Moon)"])


def test_the_doi_prefix_is_a_setting(world, settings):
    settings.LUNARSHARE_DOI_PREFIX = "10.12345"
    root = _xml(datacite.sample_metadata(world.rock))
    assert root.find("d:identifier", NS).text == f"10.12345/ls.s.{world.rock.uid}"


def test_the_validator_catches_an_invalid_record(world):
    root = datacite.to_xml_element(datacite.sample_metadata(world.rock))
    root.remove(root.find("d:titles", NS))
    assert datacite_errors(root)
