"""Factories for catalogue tests (storage locations); samples go through ``make_sample``."""

import factory

from lunarshare.catalog.models import StorageLocation


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StorageLocation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"LOC-{n:03d}")
    name_en = factory.LazyAttribute(lambda loc: f"Cabinet {loc.code}")
    name_zh = factory.LazyAttribute(lambda loc: f"柜 {loc.code}")
    kind = StorageLocation.Kind.CABINET
    environment = StorageLocation.Environment.NITROGEN
