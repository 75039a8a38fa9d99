"""Web pages of the loans app (namespace `loans`)."""

app_name = "loans"
urlpatterns: list = []
