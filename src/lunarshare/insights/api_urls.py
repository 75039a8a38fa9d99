"""REST endpoints of the insights app, mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [path("statistics/", api.StatisticsView.as_view(), name="statistics")]
