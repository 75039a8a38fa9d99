"""REST endpoints of the accounts app, mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("auth/token/", api.TokenLogin.as_view(), name="accounts-api-token"),
    path("auth/tokens/", api.TokenList.as_view(), name="accounts-api-tokens"),
    path("auth/tokens/<int:pk>/", api.TokenDetail.as_view(), name="accounts-api-token-detail"),
    path("role-requests/", api.RoleRequestList.as_view(), name="accounts-api-role-requests"),
    path("role-requests/<int:pk>/<str:decision>/", api.RoleRequestDecision.as_view(),
         name="accounts-api-role-request-decide"),
    path("people/<int:pk>/roles/<str:role>/", api.PersonRole.as_view(), name="accounts-api-person-role"),
    path("institutions/", api.InstitutionList.as_view(), name="accounts-api-institutions"),
    path("institutions/<int:pk>/", api.InstitutionDetail.as_view(), name="accounts-api-institution"),
    path("me/", api.Me.as_view(), name="accounts-api-me"),
]
