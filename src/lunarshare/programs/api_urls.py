"""REST endpoints of the programs app, mounted under /api/v1/."""

urlpatterns: list = []
