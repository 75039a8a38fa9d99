"""Web pages of the accounts app (namespace `accounts`)."""

app_name = "accounts"
urlpatterns: list = []
