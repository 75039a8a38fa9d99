"""Web pages of the opendata app, under a language prefix (namespace ``opendata_pages``)."""

from django.urls import path

from . import views

app_name = "opendata_pages"
urlpatterns = [path("open-data/", views.package_list, name="package-list")]
