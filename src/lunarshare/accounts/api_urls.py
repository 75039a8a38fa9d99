"""REST endpoints of the accounts app, mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("auth/token/", api.TokenLogin.as_view(), name="accounts-api-token"),
    path("institutions/", api.InstitutionList.as_view(), name="accounts-api-institutions"),
    path("institutions/<int:pk>/", api.InstitutionDetail.as_view(), name="accounts-api-institution"),
    path("me/", api.Me.as_view(), name="accounts-api-me"),
]
