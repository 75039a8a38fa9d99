from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lunarshare.accounts"
    label = "accounts"
    verbose_name = "Accounts"
