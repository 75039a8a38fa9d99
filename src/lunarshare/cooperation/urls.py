"""Web pages of the cooperation app (namespace `cooperation`)."""

app_name = "cooperation"
urlpatterns: list = []
