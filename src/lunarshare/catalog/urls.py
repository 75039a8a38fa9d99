"""Web pages of the catalog app (namespace `catalog`). Sample identifiers may contain commas."""

from django.urls import path, register_converter

from . import views
from .api_urls import IdentifierConverter

register_converter(IdentifierConverter, "sample_id")

app_name = "catalog"
urlpatterns = [
    path("samples/", views.sample_list, name="sample-list"),
    path("samples/<sample_id:identifier>/", views.sample_detail, name="sample-detail"),
    path("samples/<sample_id:identifier>/split/", views.sample_split, name="sample-split"),
    path("samples/<sample_id:identifier>/reweigh/", views.sample_reweigh, name="sample-reweigh"),
    path("samples/<sample_id:identifier>/move/", views.sample_move, name="sample-move"),
    path("missions/", views.mission_list, name="mission-list"),
    path("missions/<str:code>/", views.mission_detail, name="mission-detail"),
    path("curation/", views.curator_home, name="curator-home"),
    path("curation/register/", views.sample_register, name="sample-register"),
    path("curation/import/", views.sample_import, name="sample-import"),
]
