"""Stable, language-neutral URLs (namespace ``opendata``): they never change, so they can be cited."""

from django.urls import path

from . import oai, views

app_name = "opendata"
urlpatterns = [
    path("s/<str:uid>", views.sample_landing, name="sample-landing"),
    path("d/<int:pk>", views.dataset_landing, name="dataset-landing"),
    path("oai", oai.endpoint, name="oai"),
    path("open-data/<str:version>/<str:name>", views.package_file, name="package-file"),
]
