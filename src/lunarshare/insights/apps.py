from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "lunarshare.insights"
    label = "insights"
    verbose_name = "Statistics"
