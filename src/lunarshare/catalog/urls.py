"""Web pages of the catalog app (namespace `catalog`)."""

app_name = "catalog"
urlpatterns: list = []
