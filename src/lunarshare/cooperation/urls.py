"""Web pages of the cooperation app (namespace `cooperation`)."""

from django.urls import path

from . import views

app_name = "cooperation"
urlpatterns = [
    path("cooperation/", views.home, name="home"),
    path("cooperation/payloads/", views.payload_list, name="payload-list"),
    path("cooperation/payloads/new/", views.payload_create, name="payload-create"),
    path("cooperation/payloads/<int:pk>/", views.payload_detail, name="payload-detail"),
    path("cooperation/payloads/<int:pk>/edit/", views.payload_edit, name="payload-edit"),
    path("cooperation/payloads/<int:pk>/status/", views.payload_status, name="payload-status"),
    path("cooperation/payloads/<int:pk>/data-products/", views.payload_datasets, name="payload-datasets"),
    path("cooperation/partners/", views.partner_list, name="partner-list"),
    path("cooperation/partners/new/", views.partner_create, name="partner-create"),
    path("cooperation/partners/<int:pk>/", views.partner_detail, name="partner-detail"),
    path("cooperation/partners/<int:pk>/edit/", views.partner_edit, name="partner-edit"),
    path("cooperation/agreements/", views.agreement_list, name="agreement-list"),
    path("cooperation/agreements/new/", views.agreement_create, name="agreement-create"),
    path("cooperation/agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("cooperation/agreements/<int:pk>/edit/", views.agreement_edit, name="agreement-edit"),
    path("cooperation/agreements/<int:pk>/status/", views.agreement_status, name="agreement-status"),
    path("cooperation/agreements/<int:pk>/documents/", views.agreement_document, name="agreement-document"),
    path("cooperation/gifts/", views.gift_list, name="gift-list"),
    path("cooperation/gifts/new/", views.gift_create, name="gift-create"),
    path("cooperation/gifts/<int:pk>/", views.gift_detail, name="gift-detail"),
]
