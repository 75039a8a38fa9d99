"""The Frictionless open-data package: valid, versioned, checksummed, without embargoed rows."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from lunarshare.opendata.package import open_data_package_publish


def _publish(world):
    return open_data_package_publish(actor=None)


def _folder(settings, descriptor) -> Path:
    return Path(settings.MEDIA_ROOT) / "open-data" / descriptor["version"]


def test_the_package_validates_with_frictionless(world, settings):
    from frictionless import validate

    descriptor = _publish(world)
    report = validate(str(_folder(settings, descriptor) / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    assert [r["name"] for r in descriptor["resources"]] == ["missions", "samples", "datasets", "measurements"]
    assert all(r["hash"].startswith("sha256:") and r["bytes"] > 0 for r in descriptor["resources"])


def test_a_tampered_file_fails_validation(world, settings):
    from frictionless import validate

    folder = _folder(settings, _publish(world))
    path = folder / "measurements.csv"
    path.write_text(path.read_text().replace("9.3", "9.4"))
    report = validate(str(folder / "datapackage.json"))
    assert not report.valid
    assert ["hash-count"] in report.flatten(["type"])


def test_embargoed_rows_are_never_in_it(world, settings):
    folder = _folder(settings, _publish(world))
    measurements = list(csv.DictReader(io.StringIO((folder / "measurements.csv").read_text())))
    datasets = list(csv.DictReader(io.StringIO((folder / "datasets.csv").read_text())))
    assert {m["dataset"] for m in measurements} == {str(world.released.pk)}
    assert {m["value"] for m in measurements} == {"5.1", "9.3"}
    assert [d["title"] for d in datasets] == [world.released.title]
    assert "22.75" not in (folder / "measurements.csv").read_text()


def test_the_public_catalogue_is_in_it_with_mission_codes_and_dois(world, settings):
    folder = _folder(settings, _publish(world))
    samples = {row["identifier"]: row for row in csv.DictReader(io.StringIO((folder / "samples.csv").read_text()))}
    assert samples["CE5C0400YJFM00901"]["doi"] == f"10.80000/ls.s.{world.scoop.uid}"
    assert samples[world.child.identifier]["parent"] == "CE5C0400YJFM00901"


def test_publishing_is_audited(world, audit_event):
    descriptor = _publish(world)
    event = audit_event("lunarshare.opendata.package_published")
    assert event.data["version"] == descriptor["version"] and event.data["rows"]["measurements"] == 2
    assert event.actor_id is None


def test_the_command_publishes_and_the_page_lists_the_version_in_both_languages(client, world, capsys):
    call_command("export_open_data")
    out = capsys.readouterr().out
    assert "Published open-data version" in out and "measurements.csv: 2 rows" in out
    version = out.split("version ", 1)[1].split()[0]
    english = client.get("/en/open-data/").content.decode()
    assert f"Version {version}" in english and "measurements.csv" in english
    chinese = client.get("/zh-hans/open-data/").content.decode()
    assert "开放数据" in chinese and version in chinese
    response = client.get(f"/open-data/{version}/measurements.csv")
    assert response.status_code == 200 and b"CE5C0400YJFM00901" in b"".join(response.streaming_content)
    descriptor = json.loads(b"".join(client.get(f"/open-data/{version}/datapackage.json").streaming_content))
    assert descriptor["version"] == version


@pytest.mark.parametrize("path", ["/open-data/20990101T000000Z/samples.csv", "/open-data/..%2F..%2Fetc/passwd",
                                  "/open-data/notaversion/datapackage.json"])
def test_only_files_of_a_published_package_are_served(client, world, path):
    _publish(world)
    assert client.get(path).status_code == 404


def test_the_page_says_so_when_nothing_is_published(client, db):
    assert "No version has been published yet." in client.get("/en/open-data/").content.decode()


def test_the_nightly_beat_entry_exists():
    entry = django_settings.CELERY_BEAT_SCHEDULE["opendata-export-package"]
    assert entry["task"] == "opendata.export_open_data"


def test_the_task_publishes(world, settings):
    from lunarshare.opendata.tasks import export_open_data

    version = export_open_data.delay().get()
    assert (Path(settings.MEDIA_ROOT) / "open-data" / version / "datapackage.json").exists()
