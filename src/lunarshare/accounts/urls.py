"""Web pages of the accounts app (namespace `accounts`)."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/affiliation/", views.affiliation, name="affiliation"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_mark_read, name="notifications-read"),
    path("people/", views.officer_people, name="officer-people"),
    path("people/affiliations/<int:pk>/confirm/", views.affiliation_confirm, name="affiliation-confirm"),
    path("people/affiliations/<int:pk>/reject/", views.affiliation_reject, name="affiliation-reject"),
    path("people/<int:pk>/roles/", views.person_roles, name="person-roles"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/role-requests/", views.role_requests, name="role-requests"),
    path("people/role-requests/<int:pk>/<str:decision>/", views.role_request_decide, name="role-request-decide"),
    path("profile/tokens/", views.token_create, name="token-create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
