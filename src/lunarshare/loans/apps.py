from django.apps import AppConfig


class LoansConfig(AppConfig):
    name = "lunarshare.loans"
    label = "loans"
    verbose_name = "Loans"
