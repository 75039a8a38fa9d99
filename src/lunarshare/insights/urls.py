"""Web pages of the insights app (namespace `insights`)."""

app_name = "insights"
urlpatterns: list = []
