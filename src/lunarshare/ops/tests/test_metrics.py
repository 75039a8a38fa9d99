"""/metrics exists only for a scraper holding the token."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def metrics_on(settings):
    settings.LUNARSHARE_METRICS = True
    settings.LUNARSHARE_METRICS_TOKEN = "s3cret-token"


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_without_the_token_the_endpoint_does_not_exist(client, metrics_on):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


def test_the_scraper_reads_task_counts_and_queue_length(client, metrics_on):
    from lunarshare.mail.tasks import send_email

    send_email.apply(args=[999999])  # an unknown id: nothing to send, counted as a success
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'lunarshare_celery_tasks_total{outcome="success",task="mail.send_email"}' in text
    assert "# TYPE lunarshare_celery_queue_length gauge" in text
