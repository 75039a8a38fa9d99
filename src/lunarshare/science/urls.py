"""Web pages of the science app (namespace `science`)."""

app_name = "science"
urlpatterns: list = []
