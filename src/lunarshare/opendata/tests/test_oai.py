"""OAI-PMH 2.0: every response validates against the OAI-PMH XSD (with oai_dc and DataCite 4.5
for the metadata), the protocol's errors, resumption, deleted records, and a real harvester."""

import pytest
from lxml import etree

from lunarshare.opendata.oai import oai_identifier
from lunarshare.opendata.schemas import oai_errors

NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/",
      "d": "http://datacite.org/schema/kernel-4"}


def oai(client, **params):
    response = client.get("/oai", params)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    assert oai_errors(response.content) == []
    return etree.fromstring(response.content)


def error_code(root):
    error = root.find("o:error", NS)
    return error.get("code") if error is not None else None


def identifiers(root):
    return [h.findtext("o:identifier", namespaces=NS) for h in root.iter("{%s}header" % NS["o"])]


def test_identify_declares_persistent_deletions_and_second_granularity(client, world):
    root = oai(client, verb="Identify")
    assert root.findtext("o:Identify/o:deletedRecord", namespaces=NS) == "persistent"
    assert root.findtext("o:Identify/o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert root.findtext("o:Identify/o:baseURL", namespaces=NS) == "http://testserver/oai"


def test_metadata_formats_and_sets_by_mission_and_kind(client, world):
    root = oai(client, verb="ListMetadataFormats")
    assert {e.text for e in root.iterfind(".//o:metadataPrefix", NS)} == {"oai_dc", "oai_datacite"}
    root = oai(client, verb="ListSets")
    specs = {e.text for e in root.iterfind(".//o:setSpec", NS)}
    assert {"kind:sample", "kind:dataset", "mission:CE5", "mission:A17"} <= specs


def test_the_list_holds_every_sample_and_only_released_datasets(client, world):
    found = identifiers(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc"))
    samples = {oai_identifier("sample", s.uid) for s in (world.scoop, world.child, world.rock, world.gone)}
    assert set(found) == samples | {oai_identifier("dataset", world.released.pk)}
    assert oai_identifier("dataset", world.secret.pk) not in found


def test_a_deaccessioned_sample_stays_as_a_deleted_header_without_metadata(client, world):
    root = oai(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=oai_identifier("sample", world.gone.uid))
    assert root.find("o:GetRecord/o:record/o:header", NS).get("status") == "deleted"
    assert root.find("o:GetRecord/o:record/o:metadata", NS) is None


@pytest.mark.parametrize("prefix", ["oai_dc", "oai_datacite"])
def test_list_records_in_both_formats_validates_including_the_metadata(client, world, prefix):
    root = oai(client, verb="ListRecords", metadataPrefix=prefix)
    assert len(root.findall("o:ListRecords/o:record/o:metadata", NS)) == 4  # 3 samples + 1 dataset; 1 deleted


def test_get_record_of_a_dataset_in_dublin_core(client, world):
    root = oai(client, verb="GetRecord", metadataPrefix="oai_dc",
               identifier=oai_identifier("dataset", world.released.pk))
    assert root.findtext(".//dc:title", namespaces=NS) == world.released.title
    assert f"https://doi.org/10.80000/ls.d.{world.released.pk}" in [e.text for e in root.iterfind(".//dc:identifier", NS)]
    assert root.findtext(".//dc:type", namespaces=NS) == "Dataset"


def test_sets_select_by_mission_and_by_kind(client, world):
    ce5 = identifiers(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="mission:CE5"))
    assert set(ce5) == {oai_identifier("sample", world.scoop.uid), oai_identifier("sample", world.child.uid),
                        oai_identifier("dataset", world.released.pk)}
    datasets = identifiers(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="kind:dataset"))
    assert datasets == [oai_identifier("dataset", world.released.pk)]


def test_from_and_until_select_on_the_last_change(client, world):
    from lunarshare.catalog.models import Sample

    Sample.objects.filter(pk=world.rock.pk).update(updated_at="2001-02-03T04:05:06Z")
    old = identifiers(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", until="2001-02-03"))
    assert old == [oai_identifier("sample", world.rock.uid)]
    assert oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc",
               **{"from": "2001-02-03T04:05:07Z", "until": "2001-12-31T00:00:00Z"}).find("o:error", NS).get("code") \
        == "noRecordsMatch"
    recent = identifiers(oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2001-02-04"}))
    assert oai_identifier("sample", world.rock.uid) not in recent and len(recent) == 4


def test_resumption_tokens_walk_the_whole_list_once(client, world, settings):
    settings.LUNARSHARE_OAI_PAGE_SIZE = 2
    root = oai(client, verb="ListRecords", metadataPrefix="oai_datacite")
    seen = identifiers(root)
    pages = 1
    token = root.find(".//o:resumptionToken", NS)
    assert token.get("completeListSize") == "5" and token.get("cursor") == "0"
    while token is not None and token.text:
        root = oai(client, verb="ListRecords", resumptionToken=token.text)
        seen += identifiers(root)
        pages += 1
        token = root.find(".//o:resumptionToken", NS)
    assert pages == 3 and len(seen) == len(set(seen)) == 5
    assert token is not None and token.text is None  # the last part ends with an empty token


@pytest.mark.parametrize("params, code", [
    ({}, "badVerb"),
    ({"verb": "Harvest"}, "badVerb"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "Identify", "set": "x"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-13-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-02", "until": "2020-01-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01", "until": "2020-01-02T00:00:00Z"},
     "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "mission:XX"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "resumptionToken": "forged"}, "badResumptionToken"),
    ({"verb": "ListRecords", "resumptionToken": "x", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere:sample/1"}, "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": "oai:lunarshare.invalid:dataset/999"}, "idDoesNotExist"),
])
def test_the_protocol_errors(client, world, params, code):
    assert error_code(oai(client, **params)) == code


def test_a_repeated_argument_is_bad(client, world):
    response = client.get("/oai?verb=Identify&verb=Identify")
    assert etree.fromstring(response.content).find("o:error", NS).get("code") == "badArgument"


def test_an_embargoed_dataset_does_not_exist_for_harvesters(client, world):
    root = oai(client, verb="GetRecord", metadataPrefix="oai_datacite",
               identifier=oai_identifier("dataset", world.secret.pk))
    assert error_code(root) == "idDoesNotExist"


def test_post_is_accepted_as_the_protocol_allows(client, world):
    response = client.post("/oai", {"verb": "Identify"})
    assert response.status_code == 200 and oai_errors(response.content) == []


@pytest.mark.django_db(transaction=True)
def test_a_real_harvester_collects_every_record(live_server, people, settings, world):
    from oaipmh_scythe import Scythe

    settings.LUNARSHARE_OAI_PAGE_SIZE = 2
    with Scythe(f"{live_server.url}/oai") as scythe:
        assert scythe.identify().deletedRecord == "persistent"
        records = list(scythe.list_records(metadata_prefix="oai_datacite"))
        headers = list(scythe.list_identifiers(metadata_prefix="oai_dc", ignore_deleted=True))
    assert len(records) == 5 and len({r.header.identifier for r in records}) == 5
    assert sum(r.deleted for r in records) == 1
    assert len(headers) == 4


def test_an_incremental_harvest_sees_a_later_deaccession_as_a_deletion(client, world):
    from lunarshare.catalog.models import Sample
    from lunarshare.catalog.services import sample_change_status

    Sample.objects.update(updated_at="2001-01-01T00:00:00Z")
    sample_change_status(actor=world.people.curator, sample=world.rock, status="deaccessioned", reason="test")
    root = oai(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2002-01-01"}, set="kind:sample")
    headers = root.findall("o:ListIdentifiers/o:header", NS)
    assert [h.findtext("o:identifier", namespaces=NS) for h in headers] == [oai_identifier("sample", world.rock.uid)]
    assert headers[0].get("status") == "deleted"
