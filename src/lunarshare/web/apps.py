from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lunarshare.web"
    label = "web"
    verbose_name = "Web"
