"""Celery tasks of the opendata app: thin wrappers around the services."""

from celery import shared_task


@shared_task(name="opendata.export_open_data")
def export_open_data() -> str:
    from .package import open_data_package_publish

    # A system task: no person acts, so actor=None (recorded as such in the audit event).
    return open_data_package_publish(actor=None)["version"]
