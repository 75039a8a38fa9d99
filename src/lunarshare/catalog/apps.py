from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "lunarshare.catalog"
    label = "catalog"
    verbose_name = "Catalogue"
