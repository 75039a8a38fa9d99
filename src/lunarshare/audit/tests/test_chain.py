import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lunarshare import audit
from lunarshare.audit.models import Event
from lunarshare.audit.services import verify_chain

pytestmark = pytest.mark.django_db


def _three_events():
    for n in range(3):
        audit.record(actor=None, verb="test.happened", data={"n": n})


class TestAuditChain:
    def test_each_event_holds_the_hash_of_the_one_before(self):
        _three_events()
        first, second, third = Event.objects.order_by("seq")
        assert first.prev_hash == "0" * 64
        assert second.prev_hash == first.hash and third.prev_hash == second.hash
        assert verify_chain() is None

    def test_verify_names_a_changed_event(self):
        _three_events()
        Event.objects.filter(seq=2).update(data={"n": 99})
        problem = verify_chain()
        assert problem.seq == 2 and "changed" in problem.reason
        with pytest.raises(CommandError, match="event #2"):
            call_command("verify_audit")

    def test_verify_names_a_removed_event(self):
        _three_events()
        Event.objects.filter(seq=2).delete()
        assert verify_chain().seq == 2

    def test_verify_detects_reordering(self):
        _three_events()
        a, b = Event.objects.get(seq=2), Event.objects.get(seq=3)
        Event.objects.filter(pk=a.pk).update(seq=-1)
        Event.objects.filter(pk=b.pk).update(seq=2)
        Event.objects.filter(pk=a.pk).update(seq=3)
        assert verify_chain().seq == 2

    def test_verify_detects_a_truncated_tail(self):
        _three_events()
        Event.objects.filter(seq=3).delete()
        assert verify_chain().seq == 3

    def test_verify_passes_on_an_intact_chain(self, capsys):
        _three_events()
        call_command("verify_audit")
        assert "3 events verified" in capsys.readouterr().out
