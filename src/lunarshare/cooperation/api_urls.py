"""REST endpoints of the cooperation app, mounted under /api/v1/."""

urlpatterns: list = []
