"""REST endpoints of the science app, mounted under /api/v1/."""

urlpatterns: list = []
