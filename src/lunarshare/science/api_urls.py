"""REST endpoints of the science app, mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("datasets/", api.DatasetListCreateApi.as_view(), name="science-api-datasets"),
    path("datasets/<int:pk>/", api.DatasetDetailApi.as_view(), name="science-api-dataset"),
    path("datasets/<int:pk>/datacite/", api.DatasetDataciteApi.as_view(), name="science-api-dataset-datacite"),
    path("datasets/<int:pk>/measurements/upload/", api.MeasurementUploadApi.as_view(),
         name="science-api-dataset-upload"),
    path("measurements/", api.MeasurementListApi.as_view(), name="science-api-measurements"),
    path("compare/", api.CompareApi.as_view(), name="science-api-compare"),
    path("publications/", api.PublicationListCreateApi.as_view(), name="science-api-publications"),
    path("science/properties/", api.PropertyListApi.as_view(), name="science-api-properties"),
]
