"""Web pages of the insights app (namespace `insights`)."""

from django.urls import path

from . import views

app_name = "insights"
urlpatterns = [
    path("statistics/", views.dashboard, name="dashboard"),
    path("statistics/<slug:slug>.csv", views.csv_export, name="csv"),
]
