"""``lunarshare datacite_export``: a registration batch, validated, no network."""

import base64
import json

import pytest
from django.core.management import CommandError, call_command

from lunarshare.opendata.schemas import datacite_errors


def test_it_writes_a_batch_of_released_datasets(world, tmp_path, capsys):
    call_command("datacite_export", "--kind", "datasets", "--output", str(tmp_path / "batch"))
    assert "Wrote 1 datasets" in capsys.readouterr().out
    lines = (tmp_path / "batch" / "batch.jsonl").read_text().splitlines()
    assert len(lines) == 1
    payload = json.loads(lines[0])["data"]
    assert payload["type"] == "dois" and payload["attributes"]["event"] == "publish"
    assert payload["attributes"]["doi"] == f"10.80000/ls.d.{world.released.pk}"
    xml = base64.b64decode(payload["attributes"]["xml"])
    assert datacite_errors(xml) == [] and xml == (tmp_path / "batch" / f"dataset-{world.released.pk}.xml").read_bytes()


def test_samples_since_a_date(world, tmp_path):
    from lunarshare.catalog.models import Sample

    Sample.objects.exclude(pk=world.rock.pk).update(updated_at="2001-01-01T00:00:00Z")
    call_command("datacite_export", "--kind", "samples", "--since", "2020-01-01", "--output", str(tmp_path))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["count"] == 1 and list(manifest["sha256"]) == [f"sample-{world.rock.uid}.xml"]


def test_a_bad_date_is_refused_and_nothing_is_written(world, tmp_path):
    with pytest.raises(CommandError, match="--since must be a date"):
        call_command("datacite_export", "--kind", "samples", "--since", "yesterday", "--output", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


def test_the_kind_is_required(db):
    with pytest.raises(CommandError):
        call_command("datacite_export")
