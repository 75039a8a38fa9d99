"""Done-when of the open-science issue: the demo's public samples and released datasets are
fully harvestable over OAI-PMH by a real client, every DataCite record valid."""

import pytest
from django.core.management import call_command

from lunarshare.catalog.models import Sample
from lunarshare.opendata.oai import oai_identifier
from lunarshare.opendata.schemas import datacite_errors
from lunarshare.science.selectors import datasets_visible_to


@pytest.mark.django_db(transaction=True)
def test_a_harvester_collects_the_whole_demo_and_every_record_validates(live_server, settings):
    from oaipmh_scythe import Scythe
    from oaipmh_scythe.config import HTTPConfig

    call_command("demo", stdout=open("/dev/null", "w"))
    expected = {oai_identifier("sample", uid) for uid in Sample.objects.values_list("uid", flat=True)}
    expected |= {oai_identifier("dataset", pk) for pk in datasets_visible_to(None).values_list("pk", flat=True)}
    assert len(expected) > 2000 and any(i.startswith(oai_identifier("dataset", "")) for i in expected)
    settings.LUNARSHARE_OAI_PAGE_SIZE = 500
    with Scythe(f"{live_server.url}/oai", http_config=HTTPConfig(timeout=120)) as scythe:
        records = list(scythe.list_records(metadata_prefix="oai_datacite"))
    harvested = [r.header.identifier for r in records]
    assert len(harvested) == len(set(harvested)) and set(harvested) == expected
    for record in records:
        if not record.deleted:
            resource = record.xml.find(".//{http://datacite.org/schema/kernel-4}resource")
            assert datacite_errors(resource) == [], record.header.identifier
