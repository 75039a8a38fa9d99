from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "lunarshare.programs"
    label = "programs"
    verbose_name = "Programmes"
