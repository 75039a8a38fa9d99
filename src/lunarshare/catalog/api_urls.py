"""REST endpoints of the catalog app, mounted under /api/v1/.

Sample identifiers may contain commas and dots (``10084,123``), so the converter accepts any
character but a slash.
"""

from django.urls import path, register_converter

from . import api


class IdentifierConverter:
    regex = r"[^/]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(IdentifierConverter, "sample_identifier")

urlpatterns = [
    path("missions/", api.MissionList.as_view(), name="catalog-api-missions"),
    path("missions/<str:code>/", api.MissionDetail.as_view(), name="catalog-api-mission"),
    path("samples/", api.SampleList.as_view(), name="catalog-api-samples"),
    path("samples/<sample_identifier:identifier>/", api.SampleDetail.as_view(), name="catalog-api-sample"),
    path("samples/<sample_identifier:identifier>/genealogy/", api.SampleGenealogy.as_view(), name="catalog-api-genealogy"),
    path("samples/<sample_identifier:identifier>/ledger/", api.SampleLedger.as_view(), name="catalog-api-ledger"),
    path("samples/<sample_identifier:identifier>/custody/", api.SampleCustody.as_view(), name="catalog-api-custody"),
    path("samples/<sample_identifier:identifier>/split/", api.SampleSplit.as_view(), name="catalog-api-split"),
    path("samples/<sample_identifier:identifier>/reweigh/", api.SampleReweigh.as_view(), name="catalog-api-reweigh"),
    path("samples/<sample_identifier:identifier>/consume/", api.SampleConsume.as_view(), name="catalog-api-consume"),
    path("samples/<sample_identifier:identifier>/status/", api.SampleStatusChange.as_view(), name="catalog-api-status"),
    path("samples/<sample_identifier:identifier>/move/", api.SampleMove.as_view(), name="catalog-api-move"),
]
