import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lunarshare.catalog.models import Sample
from lunarshare.catalog.services import ChildSpec, sample_split
from lunarshare.catalog.tests.factories import LocationFactory
from lunarshare.testing.factories import MissionFactory, make_sample
from lunarshare.testing.helpers import last_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def collection(people):
    cabinet = LocationFactory(code="NAOC-N2-01", name_en="Nitrogen cabinet 1")
    ce5 = MissionFactory(code="CE5")
    lot = make_sample(identifier="CE5C0400", mission=ce5, type="regolith", mass_ug=10_000_000, location=cabinet)
    sample_split(actor=people.curator, parent=lot, children=[ChildSpec(mass_ug=500_000, type="powder")])
    make_sample(identifier="10084", mission=MissionFactory(code="A11"), type="regolith", mass_ug=3_830_000_000)
    return lot


def login(client, user):
    client.force_login(user)
    return client


class TestPublicPages:
    def test_the_catalogue_filters_by_mission_and_mass(self, client, collection):
        page = client.get("/en/samples/", {"mission": "CE5", "max_mass": "600"}).content.decode()
        assert "CE5C040001" in page and "1 sample\n" in page and "10084" not in page

    def test_a_bad_filter_shows_an_error_not_a_crash(self, client, collection):
        response = client.get("/en/samples/", {"min_mass": "lots", "page": "x"})
        assert response.status_code == 200 and "not a number" in response.content.decode()

    def test_the_sample_page_shows_genealogy_mass_and_ledger_but_not_storage_to_the_public(self, client, collection):
        page = client.get("/en/samples/CE5C0400/").content.decode()
        assert "CE5C040001" in page and "9.5 g" in page and "Split off to a child" in page
        assert "Nitrogen cabinet 1" not in page

    def test_staff_readers_see_the_storage_location_and_the_audit_trail(self, client, people, collection):
        page = login(client, people.auditor).get("/en/samples/CE5C0400/").content.decode()
        assert "Nitrogen cabinet 1" in page and "Sample split into pieces" in page and "lunarshare.sample.split" not in page

    def test_the_public_does_not_see_the_audit_trail(self, client, collection):
        page = client.get("/en/samples/CE5C0400/").content.decode()
        assert "Audit trail" not in page and "Sample split into pieces" not in page

    def test_identifiers_with_commas_have_pages(self, client, people, collection):
        soil = Sample.objects.get(identifier="10084")
        sample_split(actor=people.curator, parent=soil, children=[ChildSpec(mass_ug=5, identifier="10084,123")])
        response = client.get("/en/samples/10084,123/")
        assert response.status_code == 200 and "10084" in response.content.decode()
        assert client.get("/en/samples/nope/").status_code == 404

    def test_mission_pages(self, client, collection):
        assert "CE5" in client.get("/en/missions/").content.decode()
        assert "CE5C0400" in client.get("/en/missions/CE5/").content.decode()
        assert client.get("/en/missions/XX/").status_code == 404


class TestCuratorPages:
    def test_only_curators_reach_the_curation_desk(self, client, people, collection):
        assert client.get("/en/curation/").status_code == 302  # to the login page
        assert login(client, people.alice).get("/en/curation/").status_code == 403
        assert login(client, people.curator).get("/en/curation/").status_code == 200

    def test_a_curator_splits_with_several_rows(self, client, people, collection):
        login(client, people.curator)
        assert client.get("/en/samples/CE5C0400/split/").status_code == 200
        response = client.post("/en/samples/CE5C0400/split/", {
            "child-TOTAL_FORMS": "3", "child-INITIAL_FORMS": "0", "child-MIN_NUM_FORMS": "1", "child-MAX_NUM_FORMS": "200",
            "child-0-mass": "100.5", "child-0-type": "powder", "child-1-mass": "20", "child-1-identifier": "CE5C0400X1",
            "child-2-mass": "", "reason": "round 1"})
        assert response.status_code == 302
        children = {s.identifier: s.initial_mass_ug for s in Sample.objects.filter(parent=collection)}
        assert children == {"CE5C040001": 500_000, "CE5C040002": 100_500, "CE5C0400X1": 20_000}
        assert last_event("sample.split").actor == people.curator

    def test_a_refused_split_shows_the_message_and_changes_nothing(self, client, people, collection):
        login(client, people.curator)
        response = client.post("/en/samples/CE5C0400/split/", {
            "child-TOTAL_FORMS": "1", "child-INITIAL_FORMS": "0", "child-0-mass": "99999", "reason": ""})
        assert response.status_code == 200 and "holds only" in response.content.decode()
        assert Sample.objects.filter(parent=collection).count() == 1

    def test_a_curator_registers_reweighs_and_moves(self, client, people, collection):
        login(client, people.curator)
        response = client.post("/en/curation/register/", {"identifier": "CE5Z0400", "mission": "CE5", "type": "core",
                                                          "category": "research", "mass": "1000", "description": ""})
        assert response.status_code == 302 and Sample.objects.get(identifier="CE5Z0400").mass_ug == 1_000_000
        response = client.post("/en/samples/CE5Z0400/reweigh/", {"mass": "999.5", "kind": "reweigh", "reason": "dried"})
        assert response.status_code == 302 and Sample.objects.get(identifier="CE5Z0400").mass_ug == 999_500
        LocationFactory(code="NAOC-N2-02")
        response = client.post("/en/samples/CE5Z0400/move/", {"location": "NAOC-N2-02", "note": ""})
        assert response.status_code == 302 and Sample.objects.get(identifier="CE5Z0400").location.code == "NAOC-N2-02"

    def test_the_upload_uses_the_importer_and_lists_every_error(self, client, people, collection):
        login(client, people.curator)
        bad = b"identifier,mission,parent,type,category,mass_mg,description,location\nX1,CE5,,lava,research,1,,\nX2,ZZ,,powder,research,1,,\n"
        response = client.post("/en/curation/import/", {"file": SimpleUploadedFile("bad.csv", bad)})
        page = response.content.decode()
        assert response.status_code == 200 and "Unknown sample type" in page and "Unknown mission" in page
        assert not Sample.objects.filter(identifier__in=["X1", "X2"]).exists()
        good = b"identifier,mission,parent,type,category,mass_mg,description,location\nCE5C0400Y1,CE5,CE5C0400,powder,research,10,,\n"
        response = client.post("/en/curation/import/", {"file": SimpleUploadedFile("good.csv", good)})
        assert response.status_code == 302 and Sample.objects.get(identifier="CE5C0400Y1").parent == collection
        assert last_event("sample.imported").data["file"] == "good.csv"


class TestBackgroundImport:
    HEADER = b"identifier,mission,parent,type,category,mass_mg,description,location\n"

    def test_a_large_upload_is_imported_by_a_task_that_notifies_the_curator(self, client, people, collection, monkeypatch,
                                                                           django_capture_on_commit_callbacks):
        from lunarshare.accounts.models import Notification
        from lunarshare.catalog import views

        monkeypatch.setattr(views, "SYNC_IMPORT_MAX_BYTES", 10)
        login(client, people.curator)
        good = self.HEADER + b"CE5C0400Y2,CE5,CE5C0400,powder,research,10,,\n"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/en/curation/import/", {"file": SimpleUploadedFile("big.csv", good)})
        assert response.status_code == 302
        assert Sample.objects.get(identifier="CE5C0400Y2").mass_ug == 10_000
        notice = Notification.objects.get(user=people.curator, verb="catalog.import_done")
        assert "big.csv" in notice.title and "1 samples created" in notice.body

    def test_a_refused_background_import_lists_the_errors_in_the_notice(self, client, people, collection, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
        from lunarshare.accounts.models import Notification
        from lunarshare.catalog import views

        monkeypatch.setattr(views, "SYNC_IMPORT_MAX_BYTES", 10)
        login(client, people.curator)
        bad = self.HEADER + b"CE5C0400Y3,CE5,CE5C0400,lava,research,10,,\n"
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/en/curation/import/", {"file": SimpleUploadedFile("bad.csv", bad)})
        notice = Notification.objects.get(user=people.curator, verb="catalog.import_rejected")
        assert "line 2" in notice.body and "Unknown sample type" in notice.body
        assert not Sample.objects.filter(identifier="CE5C0400Y3").exists()
