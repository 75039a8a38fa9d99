"""Issue 10, hostile input: every CSV reader answers a bad file with a clear message naming the
line (never a 500), uploads are limited while they stream, exports neutralise formulas, a
locked SQLite database answers 503, and error pages are the site's own in both languages."""

import csv
import io
import sqlite3

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.utils import OperationalError

from lunarshare.catalog.importer import ImportRejected, samples_import
from lunarshare.catalog.models import Sample
from lunarshare.science.models import Measurement
from lunarshare.science.tests.factories import HEADER as MEASUREMENT_HEADER
from lunarshare.science.tests.factories import basalts, make_dataset, make_loan
from lunarshare.testing.factories import MissionFactory, make_sample

pytestmark = pytest.mark.django_db

SAMPLE_HEADER = b"identifier,mission,parent,type,category,mass_mg,description,location\n"

HOSTILE = {
    "invalid_utf8": (SAMPLE_HEADER + b"X1,A11,,basalt,research,1,caf\xe9,\n", "0xE9"),
    "nul_byte": (SAMPLE_HEADER + b"X1,A11,,basalt,research,1,a\x00b,\n", "NUL"),
    "oversized_field": (SAMPLE_HEADER + b"X1,A11,,basalt,research,1," + b"d" * 200_000 + b",\n", "characters"),
    "too_many_columns": (b",".join([b"c"] * 300_000) + b"\n", "fields"),
}


@pytest.fixture
def a11(db):
    return MissionFactory(code="A11")


class TestCatalogueImport:
    @pytest.mark.parametrize("name", HOSTILE)
    def test_the_service_refuses_a_hostile_file_naming_the_line(self, people, a11, name):
        data, words = HOSTILE[name]
        with pytest.raises(ImportRejected) as refused:
            samples_import(actor=people.curator, source=io.BytesIO(data))
        error = refused.value.errors[0]
        assert error.line == (1 if name == "too_many_columns" else 2) and words in error.message
        assert len(error.message) < 200 and not Sample.objects.exists()

    @pytest.mark.parametrize("name", HOSTILE)
    def test_the_command_line_answers_with_the_line_not_a_traceback(self, people, a11, name, tmp_path, capsys):
        data, words = HOSTILE[name]
        path = tmp_path / "hostile.csv"
        path.write_bytes(data)
        with pytest.raises(CommandError):
            call_command("import_samples", str(path), "--no-progress")
        err = capsys.readouterr().err
        assert "line " in err and words in err and len(err) < 400

    @pytest.mark.parametrize("name", HOSTILE)
    def test_the_upload_page_lists_the_error_in_both_languages(self, client, people, a11, name):
        data, words = HOSTILE[name]
        client.force_login(people.curator)
        page = client.post("/en/curation/import/", {"file": SimpleUploadedFile("h.csv", data)})
        assert page.status_code == 200 and words in page.content.decode()
        zh = client.post("/zh-hans/curation/import/", {"file": SimpleUploadedFile("h.csv", data)}).content.decode()
        assert "导入" in zh and not Sample.objects.exists()

    def test_validation_runs_outside_the_write_transaction(self, people, a11, monkeypatch):
        """A row-by-row check of a long file must not hold SQLite's write lock."""
        from django.db import connection

        from lunarshare.catalog import importer

        seen = []
        original = importer._Validator.row

        def row(self, line, values):
            seen.append(len(connection.atomic_blocks))
            return original(self, line, values)

        monkeypatch.setattr(importer._Validator, "row", row)
        outside = len(connection.atomic_blocks)  # the test's own transaction
        samples_import(actor=people.curator, source=io.BytesIO(SAMPLE_HEADER + b"X1,A11,,basalt,research,1,,\n"))
        assert seen == [outside] and Sample.objects.filter(identifier="X1").exists()


class TestMeasurementUpload:
    @pytest.fixture
    def dataset(self, people):
        basalts()
        return make_dataset(people.curator)

    def test_the_page_names_the_line_of_a_bad_byte(self, client, people, dataset):
        client.force_login(people.curator)
        data = (MEASUREMENT_HEADER + "12022,TiO2,4.5,wt%,,,\n").encode() + b"12063,TiO2,\xff,wt%,,,\n"
        response = client.post(f"/en/data/{dataset.pk}/upload/", {"file": SimpleUploadedFile("m.csv", data)})
        page = response.content.decode()
        assert response.status_code == 400 and "0xFF" in page and not Measurement.objects.exists()

    def test_the_api_refuses_a_nul_byte_in_a_text_csv_body(self, api_as, people, dataset):
        body = (MEASUREMENT_HEADER + "12022,TiO2,4\x005,wt%,,,\n").encode()
        response = api_as(people.curator).post(f"/api/v1/datasets/{dataset.pk}/measurements/upload/", body,
                                               content_type="text/csv")
        assert response.status_code == 400 and "NUL" in response.json()["extra"]["errors"][0]["message"]
        assert response.json()["extra"]["errors"][0]["line"] == 2

    def test_a_header_of_a_million_columns_gets_a_short_answer(self, api_as, people, dataset):
        body = b",".join([b"c"] * 1_000_000) + b"\n"
        response = api_as(people.curator).post(f"/api/v1/datasets/{dataset.pk}/measurements/upload/",
                                               {"file": SimpleUploadedFile("m.csv", body)}, format="multipart")
        assert response.status_code == 400 and len(response.content) < 2_000

    def test_a_text_csv_body_over_the_limit_is_refused_while_it_streams(self, api_as, people, dataset, monkeypatch):
        from lunarshare.science import csv_format

        monkeypatch.setattr(csv_format, "MAX_BYTES", 1_000)
        body = (MEASUREMENT_HEADER + "12022,TiO2,4.5,wt%,,,\n" * 200).encode()
        response = api_as(people.curator).post(f"/api/v1/datasets/{dataset.pk}/measurements/upload/", body,
                                               content_type="text/csv")
        assert response.status_code == 413 and "larger than" in response.json()["message"]

    def test_the_uploaded_file_is_streamed_not_read_whole(self, client, people, dataset, monkeypatch):
        from lunarshare.science import services

        handed_over = []
        original = services.measurements_upload

        def spy(*, content, **kwargs):
            handed_over.append(content)
            return original(content=content, **kwargs)

        monkeypatch.setattr(services, "measurements_upload", spy)
        client.force_login(people.curator)
        data = (MEASUREMENT_HEADER + "12022,TiO2,4.5,wt%,,,\n").encode()
        response = client.post(f"/en/data/{dataset.pk}/upload/", {"file": SimpleUploadedFile("m.csv", data)})
        assert response.status_code == 302 and Measurement.objects.count() == 1
        assert not isinstance(handed_over[0], bytes | str) and hasattr(handed_over[0], "readline")


class TestUploadLimit:
    def test_a_declared_oversize_body_is_refused_before_it_is_read(self, client, people, a11, settings):
        settings.LUNARSHARE_MAX_UPLOAD_BYTES = 1_000
        client.force_login(people.curator)
        response = client.post("/en/curation/import/", {"file": SimpleUploadedFile("big.csv", b"x" * 200_000)})
        assert response.status_code == 413 and "larger than" in response.content.decode()

    def test_a_file_is_stopped_as_its_chunks_pass_the_limit(self, client, people, a11, settings):
        settings.LUNARSHARE_MAX_UPLOAD_BYTES = 20_000  # the body (30 kB) is under limit + form allowance
        client.force_login(people.curator)
        response = client.post("/zh-hans/curation/import/", {"file": SimpleUploadedFile("big.csv", b"x" * 30_000)})
        assert response.status_code == 413 and "上传" in response.content.decode()
        assert not Sample.objects.exists()

    def test_the_api_answers_413_in_json(self, api_as, people, settings):
        settings.LUNARSHARE_MAX_UPLOAD_BYTES = 1_000
        basalts()
        dataset = make_dataset(people.curator)
        response = api_as(people.curator).post(f"/api/v1/datasets/{dataset.pk}/measurements/upload/",
                                               {"file": SimpleUploadedFile("m.csv", b"x" * 5_000)}, format="multipart")
        assert response.status_code == 413 and response.json()["code"] == "too_large"


def cells(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


FORMULA = '=HYPERLINK("http://evil.example","x")'


class TestExportsNeutraliseFormulas:
    def test_the_measurements_export(self, client, people):
        from lunarshare.science.services import measurements_upload

        basalts()
        dataset = make_dataset(people.curator)
        measurements_upload(actor=people.curator, dataset=dataset,
                            content=MEASUREMENT_HEADER + f'12022,TiO2,-4.5,wt%,,,"{FORMULA.replace(chr(34), chr(34) * 2)}"\n')
        client.force_login(people.curator)
        rows = cells(client.get(f"/en/data/{dataset.pk}/measurements.csv"))
        assert rows[1][6] == "'" + FORMULA and rows[1][2].startswith("-4.5")

    def test_the_comparison_export(self):
        from types import SimpleNamespace

        from lunarshare.science.api import comparison_csv

        point = {"sample": "-1+cmd", "property": "@TiO2", "value": -4.5, "uncertainty": None,
                 "uncertainty_type": "", "dataset": 7}
        result = SimpleNamespace(unit="wt%", series=[SimpleNamespace(code="=A12", points=[point])])
        rows = list(csv.reader(io.StringIO(comparison_csv("compare", result))))
        assert rows[1] == ["'=A12", "'-1+cmd", "'@TiO2", "-4.5", "", "", "7"]

    def test_the_statistics_export(self, client):
        cache.clear()
        make_sample(identifier="70017", mission=MissionFactory(code="A17", name_en="-2+3+cmd|' /C calc'!A0"))
        rows = cells(client.get("/en/statistics/mass-by-mission.csv"))
        assert rows[1][:2] == ["'-2+3+cmd|' /C calc'!A0", "1"]  # the mission's name, then its sample count

    def test_the_loans_report(self, client, people):
        people.alice.institution.name_en = "+1+cmd"
        people.alice.institution.save()
        make_loan(people)
        client.force_login(people.officer)
        rows = cells(client.get("/en/loans/report.csv"))
        assert any(row[0] == "open_loan" and row[2] == "'+1+cmd" for row in rows)


def locked_error(tmp_path) -> OperationalError:
    """The error SQLite really gives a second writer while the first holds the write lock."""
    path = tmp_path / "busy.sqlite3"
    first = sqlite3.connect(path, isolation_level=None)
    first.execute("CREATE TABLE t (x)")
    first.execute("BEGIN IMMEDIATE")
    first.execute("INSERT INTO t VALUES (1)")
    second = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    try:
        second.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return OperationalError(*exc.args)
    finally:
        first.close()
        second.close()
    raise AssertionError("the second connection got the write lock")


class TestLockedDatabase:
    def test_a_page_answers_503_with_retry_after(self, client, people, a11, tmp_path, monkeypatch):
        from lunarshare.catalog import views

        error = locked_error(tmp_path)

        def busy(**kwargs):
            raise error

        monkeypatch.setattr(views, "samples_import", busy)
        client.force_login(people.curator)
        response = client.post("/en/curation/import/", {"file": SimpleUploadedFile("a.csv", SAMPLE_HEADER)})
        assert response.status_code == 503 and response["Retry-After"] == "5"
        assert "try again" in response.content.decode()

    def test_the_api_answers_503_in_json(self, api_as, people, tmp_path, monkeypatch):
        from lunarshare.science import services

        error = locked_error(tmp_path)

        def busy(**kwargs):
            raise error

        basalts()
        dataset = make_dataset(people.curator)
        monkeypatch.setattr(services, "measurements_upload", busy)
        response = api_as(people.curator).post(f"/api/v1/datasets/{dataset.pk}/measurements/upload/", b"a\n",
                                               content_type="text/csv")
        assert response.status_code == 503 and response["Retry-After"] == "5"
        assert response.json()["code"] == "database_busy"


class TestErrorPages:
    def test_an_unknown_page_gets_the_styled_404(self, client):
        response = client.get("/en/no-such-page/")
        page = response.content.decode()
        assert response.status_code == 404 and "Page not found" in page and "site.css" in page

    def test_the_404_is_chinese_under_the_chinese_prefix(self, client):
        response = client.get("/zh-hans/no-such-page/")
        assert response.status_code == 404 and "找不到" in response.content.decode()

    def test_the_500_page_renders_without_the_database(self, rf):
        from lunarshare.web.errors import server_error

        response = server_error(rf.get("/en/"))
        assert response.status_code == 500 and "Something went wrong" in response.content.decode()

    def test_an_unknown_api_address_answers_json(self, client):
        response = client.get("/api/v1/loans/not-a-number/")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
