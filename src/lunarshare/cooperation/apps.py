from django.apps import AppConfig


class CooperationConfig(AppConfig):
    name = "lunarshare.cooperation"
    label = "cooperation"
    verbose_name = "Cooperation"
