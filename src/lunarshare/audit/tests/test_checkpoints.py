"""Signed checkpoints anchor the chain outside the database. These run on SQLite and, with
``DATABASE_URL=postgres://...``, on PostgreSQL (the PostgreSQL pass of the suite)."""

import json
import os
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lunarshare import audit
from lunarshare.audit.checkpoints import AuditKeyError, checkpoint_create, generate_key
from lunarshare.audit.models import ChainHead, Event
from lunarshare.audit.services import compute_hash, verify_chain
from lunarshare.audit.tasks import write_checkpoint

pytestmark = pytest.mark.django_db

HASHED = ("seq", "created_at", "actor_id", "actor_name", "verb", "subject_type", "subject_id", "subject_repr", "data",
          "prev_hash")


@pytest.fixture
def keys(settings, tmp_path):
    private = tmp_path / "keys" / "audit-signing.pem"
    generate_key(private)
    settings.LUNARSHARE_AUDIT_SIGNING_KEY = str(private)
    settings.LUNARSHARE_AUDIT_PUBLIC_KEY = ""
    settings.LUNARSHARE_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return private


def _events(n, start=0):
    for i in range(start, start + n):
        audit.record(actor=None, verb="test.happened", data={"n": i})


def rewrite_and_recompute(seq: int, data: dict) -> None:
    """What a database administrator can do: change one event and recompute every later hash."""
    prev = Event.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for event in Event.objects.filter(seq__gte=seq).order_by("seq"):
        if event.seq == seq:
            event.data = data
        event.prev_hash = prev
        event.hash = compute_hash(**{f: getattr(event, f) for f in HASHED})
        Event.objects.filter(pk=event.pk).update(data=event.data, prev_hash=event.prev_hash, hash=event.hash)
        prev = event.hash
    ChainHead.objects.filter(id=1).update(hash=prev)


def verify(*args):
    call_command("verify_audit", *args)


class TestAuditKeygen:
    def test_it_writes_a_private_key_only_its_owner_can_read_and_prints_the_public_key(self, tmp_path, capsys):
        private = tmp_path / "k.pem"
        call_command("audit_keygen", "--output", str(private))
        assert stat.S_IMODE(os.stat(private).st_mode) == 0o600
        assert b"PRIVATE KEY" in private.read_bytes()
        out = capsys.readouterr().out
        assert "BEGIN PUBLIC KEY" in out and (tmp_path / "k.pem.pub").read_text() in out

    def test_it_never_overwrites_a_key(self, tmp_path):
        private = tmp_path / "k.pem"
        call_command("audit_keygen", "--output", str(private))
        before = private.read_bytes()
        with pytest.raises(CommandError, match="already exists"):
            call_command("audit_keygen", "--output", str(private))
        assert private.read_bytes() == before

    def test_it_asks_where_to_write_when_nothing_is_configured(self, settings):
        settings.LUNARSHARE_AUDIT_SIGNING_KEY = ""
        with pytest.raises(CommandError, match="--output FILE"):
            call_command("audit_keygen")


class TestAuditCheckpoint:
    def test_it_signs_the_head_into_a_new_file_and_records_an_event(self, keys, settings, capsys):
        _events(3)
        call_command("audit_checkpoint")
        [path] = list(settings.LUNARSHARE_AUDIT_CHECKPOINT_DIR.glob("checkpoint-*.json"))
        document = json.loads(path.read_text())
        head = Event.objects.get(seq=3)
        assert document["checkpoint"]["seq"] == 3 and document["checkpoint"]["hash"] == head.hash
        assert document["checkpoint"]["events"] == 3 and document["signature"]
        assert str(path) in capsys.readouterr().out
        event = Event.objects.get(seq=4)
        assert event.verb == "lunarshare.audit.checkpoint_written" and event.data["file"] == path.name
        assert event.actor is None and event.actor_name == "system"

    def test_each_checkpoint_is_a_new_file(self, keys, settings):
        _events(2)
        first = checkpoint_create(actor=None)
        text = first.read_text()
        second = checkpoint_create(actor=None)
        assert first != second and first.read_text() == text
        assert len(list(settings.LUNARSHARE_AUDIT_CHECKPOINT_DIR.iterdir())) == 2

    def test_a_missing_key_is_a_clear_message_and_writes_nothing(self, settings, tmp_path):
        settings.LUNARSHARE_AUDIT_SIGNING_KEY = str(tmp_path / "nowhere.pem")
        settings.LUNARSHARE_AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
        _events(1)
        with pytest.raises(CommandError, match="nowhere.pem does not exist"):
            call_command("audit_checkpoint")
        settings.LUNARSHARE_AUDIT_SIGNING_KEY = ""
        with pytest.raises(CommandError, match="set LUNARSHARE_AUDIT_SIGNING_KEY"):
            call_command("audit_checkpoint")
        assert not (tmp_path / "checkpoints").exists() and Event.objects.count() == 1

    def test_it_refuses_to_bless_a_rewritten_chain(self, keys, settings):
        _events(3)
        checkpoint_create(actor=None)
        rewrite_and_recompute(2, {"n": 99})
        with pytest.raises(CommandError, match="event #3"):
            call_command("audit_checkpoint")
        assert len(list(settings.LUNARSHARE_AUDIT_CHECKPOINT_DIR.iterdir())) == 1

    def test_the_daily_task_writes_one_and_is_scheduled(self, keys, settings):
        _events(1)
        assert write_checkpoint.delay().get().endswith(".json")
        assert settings.CELERY_BEAT_SCHEDULE["audit-write-checkpoint"]["task"] == "lunarshare.audit.tasks.write_checkpoint"

    def test_the_daily_task_without_a_key_logs_and_writes_nothing(self, settings, caplog):
        settings.LUNARSHARE_AUDIT_SIGNING_KEY = ""
        assert write_checkpoint() is None
        assert "audit checkpoint not written" in caplog.text


class TestVerifyAgainstCheckpoints:
    def test_an_untouched_chain_is_green(self, keys, capsys):
        _events(3)
        checkpoint_create(actor=None)
        _events(2, start=3)
        verify()
        assert "6 events verified against 1 signed checkpoint(s); the latest fixes event #3" in capsys.readouterr().out

    def test_a_rewritten_and_recomputed_chain_is_detected(self, keys):
        _events(5)
        checkpoint_create(actor=None)
        rewrite_and_recompute(2, {"n": 99})
        assert verify_chain() is None  # the chain alone is fooled
        with pytest.raises(CommandError, match="at event #5: event #5 no longer has the hash signed in checkpoint "
                                               r"checkpoint-000000000005-.*rewritten within events #1–#5"):
            verify()

    def test_the_window_narrows_to_the_last_checkpoint_that_still_matches(self, keys):
        _events(3)
        checkpoint_create(actor=None)  # fixes #3, becomes event #4
        _events(3, start=10)
        checkpoint_create(actor=None)  # fixes #7
        rewrite_and_recompute(6, {"n": 99})
        with pytest.raises(CommandError, match="event #7 no longer has the hash.*rewritten within events #4–#7"):
            verify()

    def test_truncation_after_a_checkpoint_is_detected(self, keys):
        _events(5)
        checkpoint_create(actor=None)
        Event.objects.filter(seq__gte=4).delete()
        ChainHead.objects.filter(id=1).update(seq=3, hash=Event.objects.get(seq=3).hash)
        assert verify_chain() is None
        with pytest.raises(CommandError, match="event #5, signed in checkpoint .* is missing: the chain was truncated"):
            verify()

    def test_a_forged_checkpoint_signature_is_detected(self, keys, settings):
        _events(2)
        path = checkpoint_create(actor=None)
        document = json.loads(path.read_text())
        document["checkpoint"]["hash"] = "f" * 64  # a checkpoint made to fit a rewritten chain
        path.write_text(json.dumps(document))
        with pytest.raises(CommandError, match=f"checkpoint {path.name} has a signature that does not verify"):
            verify()

    def test_a_checkpoint_signed_with_another_key_is_detected(self, keys, settings, tmp_path):
        _events(2)
        checkpoint_create(actor=None)
        other = tmp_path / "other.pem"
        generate_key(other)
        with pytest.raises(CommandError, match="does not verify: forged, altered or signed by another key"):
            verify("--public-key", f"{other}.pub")

    def test_an_auditor_verifies_with_the_public_key_and_the_files_alone(self, keys, settings, tmp_path, capsys):
        _events(2)
        checkpoint_create(actor=None)
        offline = tmp_path / "write-once"
        offline.mkdir()
        for path in settings.LUNARSHARE_AUDIT_CHECKPOINT_DIR.iterdir():
            (offline / path.name).write_bytes(path.read_bytes())
        settings.LUNARSHARE_AUDIT_SIGNING_KEY = ""  # the auditor has no private key
        settings.LUNARSHARE_AUDIT_CHECKPOINT_DIR = tmp_path / "empty"
        verify("--public-key", f"{keys}.pub", "--checkpoints", str(offline))
        assert "against 1 signed checkpoint(s)" in capsys.readouterr().out

    def test_checkpoints_without_a_public_key_are_a_clear_message(self, keys, settings):
        _events(1)
        checkpoint_create(actor=None)
        settings.LUNARSHARE_AUDIT_SIGNING_KEY = ""
        with pytest.raises(CommandError, match=r"1 checkpoint\(s\) found .* cannot be checked: No public key"):
            verify()

    def test_a_missing_public_key_file_is_a_clear_message(self, keys, tmp_path):
        _events(1)
        checkpoint_create(actor=None)
        with pytest.raises(CommandError, match="The public key file .*none.pub does not exist"):
            verify("--public-key", str(tmp_path / "none.pub"))

    def test_no_checkpoint_warns_and_can_be_required(self, keys, capsys):
        _events(1)
        verify()
        assert "No checkpoint in" in capsys.readouterr().out
        with pytest.raises(CommandError, match="not anchored"):
            verify("--require-checkpoint")

    def test_an_unreadable_key_file_is_a_clear_message(self, settings, tmp_path):
        bad = tmp_path / "bad.pem"
        bad.write_text("not a key")
        settings.LUNARSHARE_AUDIT_SIGNING_KEY = str(bad)
        with pytest.raises(AuditKeyError, match="bad.pem cannot be read as a PEM key"):
            checkpoint_create(actor=None)
