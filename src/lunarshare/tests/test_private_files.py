"""Private files live under unguessable names and are served only through permission-checked
views; generated PDFs leave no file behind when their transaction rolls back."""

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from lunarshare.files import move_to_private
from lunarshare.loans.models import Agreement
from lunarshare.loans.tests.factories import make_loan

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def loan(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_loan(people)


def test_an_agreement_is_stored_under_an_unguessable_name(loan):
    name = loan.agreement.file.name
    assert name.startswith("private/loans/agreements/") and name.endswith(f"/{loan}-agreement-v{loan.agreement.template_version}.pdf")
    assert len(name.split("/")[3]) >= 20  # the random path segment


def test_guessing_the_address_gets_404(client, loan):
    for guess in [f"/media/loans/agreements/{loan}-agreement-v{loan.agreement.template_version}.pdf", "/media/" + loan.agreement.file.name,
                  "/media/private/", "/media/rules/../" + loan.agreement.file.name]:
        assert client.get(guess).status_code == 404, guess


def test_the_borrower_gets_the_file_as_a_download(client, people, loan):
    client.force_login(people.alice)
    response = client.get(f"/en/loans/{loan.pk}/agreement.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_someone_outside_the_loan_does_not_get_the_file(client, people, loan):
    client.force_login(people.bob)
    # 403 today: loans.selectors.loan_get_for_user tells a signed-in outsider the loan exists;
    # making every loan refusal a 404 is the authorization work's (one selector for all loan views).
    response = client.get(f"/en/loans/{loan.pk}/agreement.pdf")
    assert response.status_code in (403, 404) and b"%PDF" not in response.content
    client.logout()
    assert client.get(f"/en/loans/{loan.pk}/agreement.pdf").status_code in (302, 404)


def test_a_rolled_back_loan_leaves_no_pdf(people, settings, django_capture_on_commit_callbacks):
    before = stored_files(settings)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            make_loan(people)
            raise RuntimeError("something after the loan failed")
    assert stored_files(settings) == before and not Agreement.objects.exists()


def test_public_files_keep_their_own_prefix(client):
    default_storage.save("rules/2026/rules.pdf", ContentFile(b"%PDF-1.4 rules"))
    response = client.get("/media/rules/2026/rules.pdf")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 rules"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_data_migration_moves_old_files_to_private_names(loan):
    old = default_storage.save(f"loans/agreements/{loan}-agreement-signed.pdf", ContentFile(b"%PDF old"))
    Agreement.objects.filter(pk=loan.agreement.pk).update(signed_file=old)
    move_to_private(apps, "loans", "Agreement", ["file", "signed_file"], "loans/agreements")
    agreement = Agreement.objects.get(pk=loan.agreement.pk)
    assert agreement.signed_file.name.startswith("private/loans/agreements/")
    assert agreement.signed_file.read() == b"%PDF old" and not default_storage.exists(old)


def test_application_attachments_and_import_uploads_are_private_too():
    from lunarshare.programs.models import attachment_file_path
    from lunarshare.science.models import dataset_file_path

    assert attachment_file_path(None, "plan.pdf").startswith("private/applications/")
    assert dataset_file_path(None, "data.csv").startswith("private/science/datasets/")
