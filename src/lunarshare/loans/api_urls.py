"""REST endpoints of the loans app, mounted under /api/v1/."""

urlpatterns: list = []
