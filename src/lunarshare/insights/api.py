"""``GET /api/v1/statistics/``: the public statistics, served from the cache (see selectors)."""

from __future__ import annotations

from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from lunarshare.permissions import PUBLIC

from . import selectors


class StatisticsOutput(serializers.Serializer):
    class Totals(serializers.Serializer):
        samples = serializers.IntegerField()
        held_ug = serializers.IntegerField()
        lent_ug = serializers.IntegerField()
        loans = serializers.IntegerField()
        countries = serializers.IntegerField()
        institutions = serializers.IntegerField()
        datasets = serializers.IntegerField()
        measurements = serializers.IntegerField()

    class MissionMass(serializers.Serializer):
        mission = serializers.CharField()
        name = serializers.CharField()
        samples = serializers.IntegerField()
        registered_ug = serializers.IntegerField()
        held_ug = serializers.IntegerField()
        on_loan_ug = serializers.IntegerField()
        unannounced_ug = serializers.IntegerField()
        lent_ug = serializers.IntegerField()
        returned_ug = serializers.IntegerField()
        consumed_ug = serializers.IntegerField()
        lost_ug = serializers.IntegerField()
        given_ug = serializers.IntegerField()
        other_ug = serializers.IntegerField()

    class CountryLoans(serializers.Serializer):
        country = serializers.CharField()
        name = serializers.CharField()
        loans = serializers.IntegerField()
        items = serializers.IntegerField()
        mass_ug = serializers.IntegerField()

    class InstitutionLoans(serializers.Serializer):
        institution = serializers.IntegerField()
        name = serializers.CharField()
        country = serializers.CharField()
        loans = serializers.IntegerField()
        items = serializers.IntegerField()
        mass_ug = serializers.IntegerField()

    class RoundApplications(serializers.Serializer):
        round = serializers.IntegerField()
        title = serializers.CharField()
        kind = serializers.CharField()
        published = serializers.DateField()
        submitted = serializers.IntegerField()
        approved = serializers.IntegerField()
        reduced = serializers.IntegerField()
        rejected = serializers.IntegerField()
        withdrawn = serializers.IntegerField()
        approval_rate = serializers.FloatField(allow_null=True)
        institutions = serializers.IntegerField()
        countries = serializers.IntegerField()
        requested_ug = serializers.IntegerField()
        approved_ug = serializers.IntegerField()

    class Reach(serializers.Serializer):
        year = serializers.IntegerField()
        new_institutions = serializers.IntegerField()
        new_countries = serializers.IntegerField()
        institutions = serializers.IntegerField()
        countries = serializers.IntegerField()

    class PublicationsYear(serializers.Serializer):
        year = serializers.IntegerField()
        publications = serializers.IntegerField()

    class Science(serializers.Serializer):
        class MissionMeasurements(serializers.Serializer):
            mission = serializers.CharField()
            measurements = serializers.IntegerField()

        datasets = serializers.IntegerField()
        measurements = serializers.IntegerField()
        measurements_by_mission = MissionMeasurements(many=True)

    generation = serializers.IntegerField(help_text="Audit sequence number the figures were computed at.")
    computed_at = serializers.DateTimeField()
    totals = Totals()
    mass_by_mission = MissionMass(many=True)
    loans_by_country = CountryLoans(many=True)
    loans_by_institution = InstitutionLoans(many=True)
    applications_per_round = RoundApplications(many=True)
    reach_over_time = Reach(many=True)
    publications_per_year = PublicationsYear(many=True)
    science = Science()


class StatisticsView(APIView):
    """Public figures only: published rounds, shipped loans, released data (see ``insights.selectors``)."""

    permission_rules = {"get": PUBLIC}

    @extend_schema(responses={200: StatisticsOutput, 304: None},
                   summary="Public statistics of the collection and the programme")
    def get(self, request):
        generation = selectors.statistics_generation()
        etag = f'"{get_language() or "en"}-{generation}"'
        headers = {"ETag": etag, "Cache-Control": "public, no-cache", "Vary": "Accept-Language, Cookie"}
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        # The cached dict already has the output shape; it is returned as is (serialising it again
        # through the nested serializer would cost more than the cache hit itself).
        return Response(selectors.public_statistics(generation), headers=headers)
