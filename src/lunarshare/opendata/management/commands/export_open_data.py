"""``lunarshare export_open_data``: publish a new version of the open-data package now."""

from django.core.management.base import BaseCommand, CommandError

from lunarshare.errors import DomainError

from ...package import ROOT, open_data_package_publish


class Command(BaseCommand):
    help = "Publish the public catalogue and every released measurement as a Frictionless Data Package."

    def handle(self, *args, **options):
        try:
            descriptor = open_data_package_publish(actor=None)
        except DomainError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Published open-data version {descriptor['version']} to {ROOT}/{descriptor['version']}/")
        for resource in descriptor["resources"]:
            self.stdout.write(f"  {resource['path']}: {resource['rows']} rows, {resource['bytes']} bytes, {resource['hash']}")
