from django.apps import AppConfig


class ScienceConfig(AppConfig):
    name = "lunarshare.science"
    label = "science"
    verbose_name = "Science data"
