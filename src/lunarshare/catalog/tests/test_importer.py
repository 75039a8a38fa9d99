import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lunarshare.catalog.importer import ImportRejected, samples_import
from lunarshare.catalog.models import LedgerEntry, Sample
from lunarshare.catalog.selectors import ledger_breaks
from lunarshare.catalog.tests.factories import LocationFactory
from lunarshare.testing.factories import MissionFactory, make_sample
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db

HEADER = "identifier,mission,parent,type,category,mass_mg,description,location\n"


def csv_file(*lines: str) -> io.BytesIO:
    return io.BytesIO((HEADER + "".join(line + "\n" for line in lines)).encode())


@pytest.fixture
def missions(db):
    LocationFactory(code="NAOC-N2-01")
    return MissionFactory(code="A11"), MissionFactory(code="CE5")


class TestImport:
    def test_it_imports_roots_and_splits_with_an_exact_ledger(self, people, missions):
        result = samples_import(actor=people.curator, filename="a.csv", source=csv_file(
            "10002,A11,,regolith,permanent,5629000,Bulk soil,NAOC-N2-01",
            "10084,A11,10002,regolith,research,1000.001,Fines <1 mm,",
            '"10084,5",A11,10084,powder,research,0.5,,',
        ))
        assert (result.rows, result.created, result.roots, result.splits) == (3, 3, 1, 2)
        bulk, fines, split = (Sample.objects.get(identifier=i) for i in ("10002", "10084", "10084,5"))
        assert bulk.initial_mass_ug == 5_629_000_000 and bulk.mass_ug == 5_629_000_000 - 1_000_001
        assert fines.parent == bulk and fines.generic == "10002" and fines.mass_ug == 1_000_001 - 500
        assert split.split_number == 5 and split.mass_ug == 500 and split.location is None
        assert bulk.location.code == "NAOC-N2-01"
        assert list(LedgerEntry.objects.filter(sample=bulk).values_list("kind", "delta_ug", "balance_ug")) == [
            ("register", 5_629_000_000, 5_629_000_000), ("split_out", -1_000_001, 5_627_999_999)]
        assert ledger_breaks() == []
        event = last_event("sample.imported")
        assert event.actor == people.curator
        assert event.data["created"] == 3 and event.data["file"] == "a.csv" and len(event.data["sha256"]) == 64

    def test_a_child_of_a_stored_sample_is_split_from_it(self, people, missions):
        make_sample(identifier="CE5C0400", mission=missions[1], mass_ug=10_000_000)
        samples_import(actor=people.curator, source=csv_file("CE5C0400YJFM00901,CE5,CE5C0400,powder,research,500,,"))
        parent = Sample.objects.get(identifier="CE5C0400")
        assert parent.mass_ug == 9_500_000 and parent.children.get().identifier == "CE5C0400YJFM00901"
        assert ledger_breaks() == []

    def test_running_the_same_file_twice_changes_nothing(self, people, missions):
        data = csv_file("10002,A11,,regolith,permanent,100,,", "10084,A11,10002,regolith,research,10,,").getvalue()
        samples_import(actor=people.curator, source=io.BytesIO(data))
        events, ledger = last_event().seq, LedgerEntry.objects.count()
        result = samples_import(actor=people.curator, source=io.BytesIO(data))
        assert (result.created, result.skipped) == (0, 2)
        assert last_event().seq == events and LedgerEntry.objects.count() == ledger
        assert Sample.objects.get(identifier="10002").mass_ug == 90_000

    def test_new_rows_under_an_already_imported_parent_draw_on_its_current_mass(self, people, missions):
        samples_import(actor=people.curator, source=csv_file("10002,A11,,regolith,permanent,100,,"))
        samples_import(actor=people.curator, source=csv_file("10002,A11,,regolith,permanent,100,,",
                                                             '"10002,1",A11,10002,regolith,research,30,,'))
        assert Sample.objects.get(identifier="10002").mass_ug == 70_000
        assert ledger_breaks() == []

    def test_it_reports_every_error_with_its_line_and_imports_nothing(self, people, missions):
        make_sample(identifier="70017", mission=missions[0], mass_ug=1_000)
        source = csv_file(
            "10002,A11,,regolith,permanent,100,,",       # 2 fine
            "bad id!,A11,,regolith,research,1,,",          # 3 identifier
            "10003,A99,,regolith,research,1,,",            # 4 mission
            "10004,A11,,cheese,research,1,,",              # 5 type
            "10005,A11,,rock,gift,1,,",                    # 6 category
            "10006,A11,,rock,research,1.0005,,",           # 7 finer than a µg
            "10007,A11,,rock,research,-3,,",               # 8 negative
            "10008,A11,,rock,research,1,,NOWHERE",         # 9 location
            "10002,A11,,rock,research,1,,",                # 10 duplicate in file
            "10009,A11,99999,rock,research,1,,",           # 11 unknown parent
            "10010,A11,10011,rock,research,1,,",           # 12 parent later in the file
            "10011,A11,,rock,research,1,,",                # 13 fine
            "10012,A11,10002,rock,research,200,,",         # 14 more than the parent has
            "70017,A11,,basalt,research,2,,",              # 15 conflicts with the stored sample
            "10013,A11,70017,basalt,research,5,,",         # 16 more than the stored parent holds
            "10014,CE5,10002,powder,research,1,,",         # 17 other mission than its parent
        )
        with pytest.raises(ImportRejected) as refused:
            samples_import(actor=people.curator, source=source)
        lines = [e.line for e in refused.value.errors]
        assert lines == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 17]
        assert Sample.objects.count() == 1 and last_event("sample.imported") is None
        assert refused.value.as_dict()["extra"]["error_count"] == 14

    def test_zero_mass_is_allowed_for_historical_records(self, people, missions):
        samples_import(actor=people.curator, source=csv_file("10099,A11,,rock,permanent,0,mass not recorded,"))
        assert Sample.objects.get(identifier="10099").mass_ug == 0

    def test_it_refuses_a_wrong_header(self, people, missions):
        with pytest.raises(ImportRejected, match="1 error"):
            samples_import(actor=people.curator, source=io.BytesIO(b"id,mass\n1,2\n"))


class TestImportCommand:
    def test_it_imports_a_file(self, people, missions, tmp_path, capsys):
        path = tmp_path / "samples.csv"
        path.write_bytes(csv_file("10002,A11,,regolith,permanent,100,,").getvalue())
        call_command("import_samples", str(path), "--user", "cura", "--no-progress")
        assert "1 samples created" in capsys.readouterr().out
        assert last_event("sample.imported").actor == people.curator

    def test_it_exits_non_zero_naming_every_bad_line(self, missions, tmp_path, capsys):
        path = tmp_path / "samples.csv"
        path.write_bytes(csv_file("10002,A11,,regolith,permanent,abc,,", "10003,A11,,lava,permanent,1,,").getvalue())
        with pytest.raises(CommandError, match="2 errors"):
            call_command("import_samples", str(path), "--no-progress")
        err = capsys.readouterr().err
        assert "line 2: mass_mg" in err and "line 3: Unknown sample type" in err
        assert not Sample.objects.exists()


class TestImportRace:
    def test_an_identifier_registered_during_the_import_refuses_it_cleanly(self, people, missions, monkeypatch):
        from lunarshare.catalog import importer
        from lunarshare.errors import ConflictError

        make_sample(identifier="10002", mission=missions[0], mass_ug=5)
        # As if 10002 had been registered after the file was checked: the check does not see it.
        monkeypatch.setattr(importer._Validator, "flush", lambda self: self._buffer.clear())
        with pytest.raises(ConflictError, match="someone else"):
            samples_import(actor=people.curator, source=csv_file("10003,A11,,rock,research,1,,", "10002,A11,,rock,research,1,,"))
        assert list(Sample.objects.values_list("identifier", flat=True)) == ["10002"]

    def test_a_parent_split_while_the_file_is_checked_is_drawn_on_at_its_new_mass(self, people, missions, monkeypatch):
        from lunarshare.catalog import importer
        from lunarshare.catalog.services import ChildSpec, sample_split

        samples_import(actor=people.curator, source=csv_file("10002,A11,,regolith,permanent,100,,"))
        original = importer._Validator.check_parents

        def split_meanwhile(self):
            # Another curator splits 10002 after the file's rows were compared with it.
            sample_split(actor=people.curator, parent=Sample.objects.get(identifier="10002"),
                         children=[ChildSpec(mass_ug=40_000)])
            return original(self)

        monkeypatch.setattr(importer._Validator, "check_parents", split_meanwhile)
        samples_import(actor=people.curator, source=csv_file("10002,A11,,regolith,permanent,100,,",
                                                             '"10002,7",A11,10002,regolith,research,50,,'))
        assert Sample.objects.get(identifier="10002").mass_ug == 10_000
        assert ledger_breaks() == []
        split_out = LedgerEntry.objects.filter(sample__identifier="10002", kind="split_out").order_by("id").last()
        assert split_out.balance_ug == 10_000
