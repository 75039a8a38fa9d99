from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lunarshare.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import (
            checks,  # noqa: F401  (registers the deployment checks)
            receivers,  # noqa: F401  (API tokens die when a password changes)
        )
