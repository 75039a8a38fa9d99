"""Web pages of the programs app (namespace `programs`)."""

app_name = "programs"
urlpatterns: list = []
