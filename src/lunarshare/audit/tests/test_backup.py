"""lunarshare backup / restore: one archive that restores into a fresh database and storage."""

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from lunarshare.audit.backup import retention_keep
from lunarshare.audit.checkpoints import checkpoint_create, generate_key
from lunarshare.audit.models import Event
from lunarshare.catalog.services import ChildSpec, sample_consume, sample_split
from lunarshare.science.services import dataset_attach_file
from lunarshare.science.tests.factories import make_dataset
from lunarshare.testing.factories import make_sample

FILES = {"spectra.txt": b"1,2,3\n", "光谱-CE5.csv": "波长,反射率\n".encode()}

# Runs in a fresh process against the restored database: every stored file must read back
# with the SHA-256 its row recorded at upload.
READ_BACK = """
import hashlib
from lunarshare.science.models import DatasetFile
from lunarshare.catalog.models import Sample
for f in DatasetFile.objects.order_by("name"):
    with f.file.open("rb") as stream:
        ok = hashlib.sha256(stream.read()).hexdigest() == f.sha256
    print("file", f.name, "readable" if ok else "CORRUPT")
print("samples", Sample.objects.count())
"""


@pytest.fixture
def site(settings, tmp_path, people):
    """A collection with a split and a consumption, two uploaded files and a signed checkpoint."""
    key = tmp_path / "keys" / "audit.pem"
    generate_key(key)
    settings.LUNARSHARE_AUDIT_SIGNING_KEY = str(key)
    settings.LUNARSHARE_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.LUNARSHARE_BACKUP_DIR = tmp_path / "backups"
    root = make_sample(identifier="10084", mass_ug=2_000_000)
    [child] = sample_split(actor=people.curator, parent=root, children=[ChildSpec(mass_ug=500_000)])
    sample_consume(actor=people.curator, sample=child, mass_ug=1_000, reason="analysis")
    dataset = make_dataset(people.curator)
    for name, content in FILES.items():
        dataset_attach_file(actor=people.curator, dataset=dataset, upload=SimpleUploadedFile(name, content))
    checkpoint_create(actor=None)
    return key


def _fresh_env(tmp_path, key, **extra):
    fresh = tmp_path / "fresh"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDIA_ROOT")}
    env.update(LUNARSHARE_DATA_DIR=str(fresh), MEDIA_ROOT=str(fresh / "media"),
               LUNARSHARE_AUDIT_CHECKPOINT_DIR=str(fresh / "checkpoints"), LUNARSHARE_AUDIT_PUBLIC_KEY=f"{key}.pub",
               LUNARSHARE_AUDIT_SIGNING_KEY="", DJANGO_SETTINGS_MODULE="lunarshare.settings", **extra)
    return env


def _lunarshare(env, *args):
    return subprocess.run([sys.executable, "-m", "lunarshare.manage", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def _restore_and_read_back(tmp_path, key, archive, **extra_env):
    env = _fresh_env(tmp_path, key, **extra_env)
    restored = _lunarshare(env, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "2 file(s), 1 audit checkpoint(s)" in restored.stdout
    assert "Mass conserved for all 2 samples" in restored.stdout
    assert "verified against 1 signed checkpoint(s)" in restored.stdout
    read = _lunarshare(env, "shell", "-c", READ_BACK)
    assert read.returncode == 0, read.stderr
    assert [line for line in read.stdout.splitlines() if line.startswith(("file ", "samples "))] == ["file spectra.txt readable", "file 光谱-CE5.csv readable", "samples 2"]
    again = _lunarshare(env, "restore", str(archive))
    assert again.returncode != 0 and "Refusing to restore over live data" in again.stderr
    return env


@pytest.mark.django_db(transaction=True)
class TestBackupAndRestore:
    def test_it_restores_into_a_fresh_database_and_storage_with_ledger_audit_and_files_green(self, site, settings, tmp_path, capsys):
        if connection.vendor != "sqlite":
            pytest.skip("on PostgreSQL: test_a_postgresql_backup_restores_into_a_fresh_database")
        call_command("backup")
        [archive] = list((tmp_path / "backups").glob("lunarshare-*.tar.gz"))
        assert f"Backup written: {archive}" in capsys.readouterr().out
        with tarfile.open(archive) as tar:
            names = set(tar.getnames())
            manifest = json.load(tar.extractfile("manifest.json"))
        assert {"manifest.json", "database.sqlite3"} <= names
        assert {f"storage/default/{f.file.name}" for f in default_storage_files()} <= names
        assert any(n.startswith("audit-checkpoints/checkpoint-") for n in names)
        assert manifest["database"]["vendor"] == "sqlite" and all(len(m["sha256"]) == 64 for m in manifest["members"].values())
        assert Event.objects.order_by("-seq").first().verb == "lunarshare.backup.created"
        _restore_and_read_back(tmp_path, site, archive)

    def test_it_refuses_to_restore_over_live_data_and_changes_nothing(self, site, tmp_path):
        archive = call_backup(tmp_path)
        before = Event.objects.count()
        with pytest.raises(CommandError, match="Refusing to restore over live data: the database holds audit events"):
            call_command("restore", str(archive))
        assert Event.objects.count() == before

    def test_a_damaged_archive_is_refused_before_anything_changes(self, site, tmp_path):
        archive = call_backup(tmp_path)
        damaged = tmp_path / "damaged.tar.gz"
        with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as out:
            for member in source.getmembers():
                data = source.extractfile(member).read()
                if member.name.startswith("storage/"):
                    data = data + b"tampered"
                    member.size = len(data)
                out.addfile(member, io.BytesIO(data))
        with pytest.raises(CommandError, match="does not match its checksum"):
            call_command("restore", str(damaged), "--force")
        unknown = tmp_path / "unknown-storage.tar.gz"
        with tarfile.open(archive) as source, tarfile.open(unknown, "w:gz") as out:
            manifest = json.load(source.extractfile("manifest.json"))
            manifest["members"]["storage/nowhere/x.txt"] = {"sha256": hashlib.sha256(b"x").hexdigest(), "size": 1}
            for member in source.getmembers():
                if member.name != "manifest.json":
                    out.addfile(member, source.extractfile(member))
            for name, data in (("manifest.json", json.dumps(manifest).encode()), ("storage/nowhere/x.txt", b"x")):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                out.addfile(info, io.BytesIO(data))
        events = Event.objects.count()
        with pytest.raises(CommandError, match="files for storage nowhere, which this site does not configure"):
            call_command("restore", str(unknown), "--force")
        assert Event.objects.count() == events
        not_an_archive = tmp_path / "x.tar.gz"
        not_an_archive.write_text("hello")
        with pytest.raises(CommandError, match="is not a readable backup archive"):
            call_command("restore", str(not_an_archive))
        with pytest.raises(CommandError, match="There is no backup archive"):
            call_command("restore", str(tmp_path / "missing.tar.gz"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_into_a_fresh_database(postgres_only, site, tmp_path):
    import psycopg

    archive = call_backup(tmp_path)
    with tarfile.open(archive) as tar:
        assert "database.pgdump" in tar.getnames()
    db = connection.settings_dict
    fresh = f"{db['NAME']}_restore"
    admin = psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"] or None,
                            dbname="postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
    admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{fresh}"
        _restore_and_read_back(tmp_path, site, archive, DATABASE_URL=url)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()


def default_storage_files():
    from lunarshare.science.models import DatasetFile

    return DatasetFile.objects.all()


def call_backup(tmp_path):
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=io.StringIO())
    [archive] = list((tmp_path / "backups").glob("lunarshare-*.tar.gz"))
    return archive


class TestRetention:
    def test_it_keeps_7_daily_4_weekly_and_12_monthly(self):
        days = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(365)]
        names = [f"lunarshare-{d:%Y%m%d}T{h:02d}0000Z.tar.gz" for d in days for h in (3, 15)] + ["lunarshare-notes.txt"]
        keep = retention_keep(names)
        last_of_month = ["0131", "0228", "0331", "0430", "0531", "0630", "0731", "0831", "0930", "1031", "1130"]
        expected = (["1225", "1226", "1227", "1228", "1229", "1230", "1231"]  # the last 7 days
                    + ["1214", "1221"]  # ISO weeks 50 and 51 (weeks 52 and 1 end on Dec 28 and 31, already kept)
                    + last_of_month)  # and each month's newest (December's is Dec 31)
        assert keep == {f"lunarshare-2025{md}T150000Z.tar.gz" for md in expected}

    @pytest.mark.django_db(transaction=True)
    def test_prune_deletes_only_what_the_rule_drops_and_never_other_files(self, settings, tmp_path):
        folder = tmp_path / "backups"
        folder.mkdir()
        names = [f"lunarshare-202601{d:02d}T030000Z.tar.gz" for d in range(1, 11)]
        for name in names + ["notes.txt"]:
            (folder / name).write_text("x")
        settings.LUNARSHARE_BACKUP_DIR = folder
        with time_machine.travel(dt.datetime(2026, 3, 1, 4, 0, tzinfo=dt.UTC), tick=False):
            call_command("backup", "--prune", stdout=io.StringIO())
        left = sorted(p.name for p in folder.iterdir())
        assert "notes.txt" in left and "lunarshare-20260301T040000Z.tar.gz" in left
        # kept: Mar 1 and Jan 5-10 (the last 7 days with a backup), Jan 4 (ISO week 1); Jan 1-3 go
        assert [n for n in names if n not in left] == names[:3]
        assert Event.objects.filter(verb="lunarshare.backup.pruned").get().data["removed"] == names[:3]

    def test_a_backup_inside_a_transaction_is_refused(self, db, tmp_path):
        with pytest.raises(CommandError, match="cannot be taken inside a transaction"):
            call_command("backup", "--output", str(tmp_path))
