"""Web pages of the programs app (namespace `programs`)."""

from django.urls import path

from lunarshare.permissions import public

from . import feeds, views

app_name = "programs"
urlpatterns = [
    path("rules/", views.rule_list, name="rule-list"),
    path("rules/<slug:slug>/", views.rule_detail, name="rule-detail"),
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("results/", views.results_list, name="results-list"),
    path("results/feed/", public(feeds.ResultsFeed()), name="results-feed"),
    path("results/<int:pk>/", views.results_detail, name="results-detail"),
    path("applications/", views.my_applications, name="my-applications"),
    path("applications/new/<int:round_pk>/", views.application_new, name="application-new"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("applications/<int:pk>/action/", views.application_action, name="application-action"),
    path("applications/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment-download"),
    path("reviews/", views.my_reviews, name="my-reviews"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("desk/programme/", views.officer_home, name="officer-home"),
    path("desk/rounds/new/", views.round_new, name="round-new"),
    path("desk/rounds/<int:pk>/", views.round_desk, name="round-desk"),
    path("desk/rounds/<int:pk>/action/", views.round_action, name="round-action"),
    path("desk/rules/new/", views.rule_new, name="rule-new"),
]
