"""Stable landing URLs with content negotiation; embargoed datasets are 404 in every format."""

import json
import re

import pytest
from lxml import etree

from lunarshare.opendata.schemas import datacite_errors

FORMATS = {"jsonld": "application/ld+json", "datacite-json": "application/vnd.datacite.datacite+json",
           "datacite-xml": "application/vnd.datacite.datacite+xml"}


def test_the_sample_url_redirects_to_the_page_in_the_readers_language(client, world):
    response = client.get(f"/s/{world.scoop.uid}")
    assert response.status_code == 302 and response["Location"] == f"/en/samples/{world.scoop.identifier}/"
    response = client.get(f"/s/{world.scoop.uid}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response["Location"] == f"/zh-hans/samples/{world.scoop.identifier}/"
    assert "Accept" in response["Vary"]


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_by_accept_header_and_by_query(client, world, name):
    for response in (client.get(f"/s/{world.child.uid}", HTTP_ACCEPT=FORMATS[name]),
                     client.get(f"/s/{world.child.uid}?format={name}")):
        assert response.status_code == 200
        assert response["Content-Type"].startswith(FORMATS[name])
    if name == "datacite-xml":
        assert datacite_errors(response.content) == []
        assert etree.fromstring(response.content).find("{*}identifier").text.endswith(world.child.uid)
    else:
        data = json.loads(response.content)
        assert world.child.uid in json.dumps(data)


def test_an_unknown_format_is_refused_with_the_choices(client, world):
    response = client.get(f"/s/{world.rock.uid}?format=pdf")
    assert response.status_code == 400
    assert "datacite-xml" in response.content.decode()


def test_an_unknown_sample_is_404(client, db):
    assert client.get("/s/nosuchuid").status_code == 404


def test_a_released_dataset_answers_everyone(client, world):
    assert client.get(f"/d/{world.released.pk}")["Location"] == f"/en/data/{world.released.pk}/"
    response = client.get(f"/d/{world.released.pk}", HTTP_ACCEPT=FORMATS["datacite-xml"])
    assert response.status_code == 200 and datacite_errors(response.content) == []


@pytest.mark.parametrize("fmt", ["html", *FORMATS])
def test_an_embargoed_dataset_is_404_to_the_public_and_other_applicants_in_every_format(client, world, fmt):
    url = f"/d/{world.secret.pk}?format={fmt}"
    assert client.get(url).status_code == 404
    client.force_login(world.people.bob)
    assert client.get(url).status_code == 404


def test_an_embargoed_dataset_answers_its_team_and_the_curator(client, world):
    for user in (world.people.alice, world.people.curator):
        client.force_login(user)
        assert client.get(f"/d/{world.secret.pk}?format=datacite-json").status_code == 200


def _jsonld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_dataset_page_carries_dataset_json_ld_with_googles_required_properties(client, world, language):
    response = client.get(f"/{language}/data/{world.released.pk}/")
    assert response.status_code == 200
    data = _jsonld(response.content.decode())
    assert data["@type"] == "Dataset" and data["name"] == world.released.title
    assert 50 <= len(data["description"]) <= 5000
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert data["creator"][0]["sameAs"] == "https://orcid.org/0000-0002-1825-0097"
    assert data["creator"][0]["affiliation"]["sameAs"] == "https://ror.org/00rcxh774"
    assert {"contentUrl", "encodingFormat"} <= set(data["distribution"][0])
    assert data["distribution"][0]["contentUrl"].endswith(f"/data/{world.released.pk}/measurements.csv")
    assert data["temporalCoverage"] == "1972-12-11/2020-12-01"
    assert {p["name"] for p in data["spatialCoverage"]} == {"Taurus-Littrow (Moon)", "Mons Rümker (Moon)"}
    assert data["identifier"][0] == f"https://doi.org/10.80000/ls.d.{world.released.pk}"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_sample_page_carries_sample_json_ld(client, world, language):
    response = client.get(f"/{language}/samples/{world.child.identifier}/")
    data = _jsonld(response.content.decode())
    assert data["@type"] == "Sample"
    assert {"identifier", "name", "url", "additionalProperty"} <= set(data)
    assert data["url"].endswith(f"/s/{world.child.uid}")
    properties = {p["name"]: p["value"] for p in data["additionalProperty"]}
    assert properties["mission code"] == "CE5" and properties["parent sample"] == world.scoop.identifier
    assert data["isPartOf"] == f"https://doi.org/10.80000/ls.s.{world.scoop.uid}"


def test_json_ld_cannot_break_out_of_its_block(client, world):
    from lunarshare.science.models import Dataset

    Dataset.objects.filter(pk=world.released.pk).update(title="</script><script>alert(1)</script> & more")
    html = client.get(f"/en/data/{world.released.pk}/").content.decode()
    assert _jsonld(html)["name"] == "</script><script>alert(1)</script> & more"
    assert "<script>alert(1)" not in html.split('application/ld+json">', 1)[1].split("</script>", 1)[0]
