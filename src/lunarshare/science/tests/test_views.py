"""The science pages: record a dataset, upload (errors listed by line), release, follow, report a publication."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lunarshare.science.models import Dataset, DatasetStatus, Measurement, Publication, Watch

from .factories import basalts, csv_text, make_dataset, make_loan

pytestmark = pytest.mark.django_db


def test_a_borrower_records_a_dataset_for_their_loan_through_the_form(client, people):
    basalts()
    loan = make_loan(people)
    client.force_login(people.alice)
    response = client.post(reverse("science:dataset-create"), {
        "title": "Space weathering of CE-5 grains", "loan": loan.pk, "samples": "12022, 15016",
        "authors": "Demo Applicant One; 0000-0002-1825-0097; University of Cologne", "licence": "CC-BY-4.0",
        "keywords": "space weathering, TEM", "doi": "", "embargo_until": "",
    })
    dataset = Dataset.objects.get()
    assert response.status_code == 302 and response.url == dataset.get_absolute_url()
    assert dataset.loan == loan and dataset.keywords == ["space weathering", "TEM"]
    assert dataset.authors == [{"name": "Demo Applicant One", "orcid": "0000-0002-1825-0097",
                                "affiliation": "University of Cologne"}]


def test_the_form_shows_the_services_refusal(client, people):
    client.force_login(people.alice)
    response = client.post(reverse("science:dataset-create"), {"title": "x", "licence": "CC-BY-4.0"})
    assert response.status_code == 400 and "curators" in response.content.decode()
    assert not Dataset.objects.exists()


def test_a_bad_upload_lists_every_error_with_its_line_and_imports_nothing(client, people):
    basalts()
    dataset = make_dataset(people.curator)
    client.force_login(people.curator)
    bad = csv_text("12022,TiO2,4.5,wt%,,,", "NOPE,TiO2,1,wt%,,,", "12022,FeO,abc,wt%,,,")
    response = client.post(reverse("science:dataset-upload", args=[dataset.pk]),
                           {"file": SimpleUploadedFile("m.csv", bad.encode())})
    page = response.content.decode()
    assert response.status_code == 400 and "2 errors; nothing was imported." in page
    assert "<td>3</td>" in page and "<td>4</td>" in page and "NOPE" in page
    assert not Measurement.objects.exists()
    good = client.post(reverse("science:dataset-upload", args=[dataset.pk]),
                       {"file": SimpleUploadedFile("m.csv", csv_text("12022,TiO2,4.5,wt%,,,").encode())}, follow=True)
    assert "1 new, 0 updated, 0 unchanged" in good.content.decode() and Measurement.objects.count() == 1


def test_the_team_releases_early_and_others_do_not_see_the_button(client, people):
    dataset = make_dataset(people.alice, loan=make_loan(people))
    client.force_login(people.alice)
    assert "Release now" in client.get(dataset.get_absolute_url()).content.decode()
    client.post(reverse("science:dataset-release", args=[dataset.pk]))
    dataset.refresh_from_db()
    assert dataset.status == DatasetStatus.RELEASED
    client.force_login(people.bob)
    assert "Release now" not in client.get(dataset.get_absolute_url()).content.decode()


def test_an_outsider_cannot_post_to_an_embargoed_dataset(client, people):
    dataset = make_dataset(people.alice, loan=make_loan(people))
    client.force_login(people.bob)
    for name in ("dataset-release", "dataset-upload", "dataset-watch", "dataset-embargo", "dataset-add-file"):
        assert client.post(reverse(f"science:{name}", args=[dataset.pk])).status_code == 404, name
    assert Dataset.objects.get().status == DatasetStatus.EMBARGOED and not Watch.objects.exists()


def test_a_visitor_follows_a_released_dataset_and_stops(client, people):
    from lunarshare.science.services import dataset_release

    dataset = make_dataset(people.curator)
    assert client.post(reverse("science:dataset-release", args=[dataset.pk])).status_code == 302  # to log in
    assert Dataset.objects.get().status == DatasetStatus.EMBARGOED
    dataset_release(actor=people.curator, dataset=dataset)
    client.force_login(people.bob)
    client.post(reverse("science:dataset-watch", args=[dataset.pk]))
    assert Watch.objects.filter(user=people.bob, dataset=dataset).exists()
    client.post(reverse("science:dataset-watch", args=[dataset.pk]))
    assert not Watch.objects.exists()


def test_a_file_is_attached_and_downloaded_through_the_page(client, people):
    dataset = make_dataset(people.curator)
    client.force_login(people.curator)
    client.post(reverse("science:dataset-add-file", args=[dataset.pk]),
                {"file": SimpleUploadedFile("notes.txt", b"hello")})
    stored = dataset.files.get()
    response = client.get(reverse("science:dataset-file", args=[dataset.pk, stored.pk]))
    assert b"".join(response.streaming_content) == b"hello"


def test_a_borrower_reports_a_publication_through_the_form(client, people):
    loan = make_loan(people)
    client.force_login(people.alice)
    response = client.post(reverse("science:publication-create"), {
        "doi": "10.1126/science.abl7957", "title": "A paper", "year": 2021, "loans": [loan.pk], "journal": "Science",
    })
    assert response.status_code == 302
    assert Publication.objects.get().loans.get() == loan
    listing = client.get(reverse("science:publication-list")).content.decode()
    assert "doi:10.1126/science.abl7957" in listing
