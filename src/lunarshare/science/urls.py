"""Web pages of the science app (namespace `science`)."""

from django.urls import path

from . import views

app_name = "science"
urlpatterns = [
    path("data/", views.dataset_list, name="dataset-list"),
    path("data/new/", views.dataset_create, name="dataset-create"),
    path("data/<int:pk>/", views.dataset_detail, name="dataset-detail"),
    path("data/<int:pk>/datacite.json", views.dataset_datacite, name="dataset-datacite"),
    path("data/<int:pk>/measurements.csv", views.dataset_measurements_csv, name="dataset-csv"),
    path("data/<int:pk>/upload/", views.dataset_upload, name="dataset-upload"),
    path("data/<int:pk>/files/", views.dataset_add_file, name="dataset-add-file"),
    path("data/<int:pk>/files/<int:file_pk>/", views.dataset_file, name="dataset-file"),
    path("data/<int:pk>/release/", views.dataset_release, name="dataset-release"),
    path("data/<int:pk>/embargo/", views.dataset_set_embargo, name="dataset-embargo"),
    path("data/<int:pk>/watch/", views.dataset_watch, name="dataset-watch"),
    path("data/missions/<str:code>/watch/", views.mission_watch, name="mission-watch"),
    path("data/samples/<str:identifier>/", views.sample_measurements, name="sample-measurements"),
    path("compare/", views.compare, name="compare"),
    path("compare/data.csv", views.compare_csv, name="compare-csv"),
    path("publications/", views.publication_list, name="publication-list"),
    path("publications/new/", views.publication_create, name="publication-create"),
    path("publications/overdue/", views.reports_overdue, name="reports-overdue"),
]
