"""Web pages of the loans app (namespace `loans`)."""

from django.urls import path

from . import views

app_name = "loans"
urlpatterns = [
    path("loans/", views.my_loans, name="my-loans"),
    path("loans/all/", views.loan_list, name="loan-list"),
    path("loans/new/", views.new_loan, name="new"),
    path("loans/report/", views.report, name="report"),
    path("loans/report.csv", views.report_csv, name="report-csv"),
    path("loans/incidents/", views.incident_list, name="incident-list"),
    path("loans/incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("loans/<int:pk>/", views.loan_detail, name="loan-detail"),
    path("loans/<int:pk>/sign/", views.sign, name="sign"),
    path("loans/<int:pk>/agreement.pdf", views.agreement_pdf, name="agreement-pdf"),
    path("loans/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate-pdf"),
    path("loans/<int:pk>/allocate/", views.allocate, name="allocate"),
    path("loans/<int:pk>/ship/", views.ship, name="ship"),
    path("loans/<int:pk>/labels/", views.labels, name="labels"),
    path("loans/<int:pk>/receive/", views.receive, name="receive"),
    path("loans/<int:pk>/use/", views.use, name="use"),
    path("loans/<int:pk>/return/", views.bulk_return, name="return"),
    path("loans/<int:pk>/send-back/", views.declare_return, name="declare-return"),
    path("loans/<int:pk>/extend/", views.extend, name="extend"),
    path("loans/<int:pk>/recall/", views.recall, name="recall"),
    path("loans/<int:pk>/<slug:action>/", views.simple_action, name="action"),
]
