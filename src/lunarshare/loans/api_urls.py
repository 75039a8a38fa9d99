"""REST endpoints of the loans app, mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("applications/<int:pk>/create-loan/", api.CreateLoanApi.as_view(), name="loan-create"),
    path("loans/", api.LoanListApi.as_view(), name="loan-list"),
    path("loans/report/", api.LoanReportApi.as_view(), name="loan-report"),
    path("loans/<int:pk>/", api.LoanDetailApi.as_view(), name="loan-detail"),
    path("loans/<int:pk>/sign/", api.SignApi.as_view(), name="loan-sign"),
    path("loans/<int:pk>/agreement.pdf", api.AgreementPdfApi.as_view(), name="loan-agreement-pdf"),
    path("loans/<int:pk>/certificate.pdf", api.CertificatePdfApi.as_view(), name="loan-certificate-pdf"),
    path("loans/<int:pk>/allocate/", api.AllocateApi.as_view(), name="loan-allocate"),
    path("loans/<int:pk>/ship/", api.ShipApi.as_view(), name="loan-ship"),
    path("loans/<int:pk>/receive/", api.ReceiveApi.as_view(), name="loan-receive"),
    path("loans/<int:pk>/consume/", api.ConsumeApi.as_view(), name="loan-consume"),
    path("loans/<int:pk>/use/", api.UseApi.as_view(), name="loan-use"),
    path("loans/<int:pk>/return/", api.ReturnApi.as_view(), name="loan-return"),
    path("loans/<int:pk>/return-shipments/", api.DeclareReturnApi.as_view(), name="loan-declare-return"),
    path("loans/<int:pk>/extend/", api.ExtendApi.as_view(), name="loan-extend"),
    path("loans/<int:pk>/recall/", api.RecallApi.as_view(), name="loan-recall"),
    path("loans/<int:pk>/transfer/", api.TransferApi.as_view(), name="loan-transfer"),
    path("loans/<int:pk>/close/", api.CloseApi.as_view(), name="loan-close"),
    path("loans/<int:pk>/cancel/", api.CancelApi.as_view(), name="loan-cancel"),
    path("loans/<int:pk>/inventory/", api.InventoryApi.as_view(), name="loan-inventory"),
    path("loans/<int:pk>/incidents/", api.LoanIncidentApi.as_view(), name="loan-incident-report"),
    path("incidents/", api.IncidentListApi.as_view(), name="incident-list"),
    path("incidents/<int:pk>/", api.IncidentDetailApi.as_view(), name="incident-detail"),
    path("incidents/<int:pk>/investigate/", api.IncidentInvestigateApi.as_view(), name="incident-investigate"),
    path("incidents/<int:pk>/resolve/", api.IncidentResolveApi.as_view(), name="incident-resolve"),
]
