"""REST API of the loans app: parse, authorize, call one service, answer.

Every endpoint requires a signed-in user; who may do what is decided by the services (through
``loans.rules``) and by the one fetch-and-authorize selector ``loan_get_for_user``. Domain
errors are rendered by the project's exception handler.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from lunarshare import files
from lunarshare.api import paginated, paginated_response
from lunarshare.errors import NotFoundError
from lunarshare.mass import MAX_MASS_UG

from . import services
from .models import ExtensionRequest, Incident, Loan, LoanItem, Shipment, UseReport
from .rules import can_decide_extension
from .selectors import (
    incident_get_for_user,
    incidents_visible_to,
    loan_get_for_user,
    loan_report,
    loans_visible_to,
)


def mass_field(**kwargs):
    return serializers.IntegerField(min_value=0, max_value=MAX_MASS_UG, **kwargs)


# --- Output shapes ----------------------------------------------------------------------------

class LoanItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    sample = serializers.CharField(source="sample.identifier", allow_null=True, default=None)
    form = serializers.CharField()
    description = serializers.CharField()
    approved_mass_ug = serializers.IntegerField()
    mass_ug = serializers.IntegerField()
    destructive_allowance_ug = serializers.IntegerField()
    consumed_ug = serializers.IntegerField()
    returned_mass_ug = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)


class SignatureOut(serializers.Serializer):
    party = serializers.CharField()
    typed_name = serializers.CharField()
    signer = serializers.CharField(source="signer.username")
    signed_at = serializers.DateTimeField()
    document_sha256 = serializers.CharField()


class LoanOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    application = serializers.CharField(source="application.reference", allow_null=True, default=None)
    borrower_institution = serializers.CharField(source="borrower_institution.name_en")
    country = serializers.CharField(source="borrower_institution.country.code")
    responsible = serializers.CharField(source="responsible.username")
    team = serializers.SerializerMethodField()
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField()
    is_overdue = serializers.BooleanField()
    received_at = serializers.DateTimeField(allow_null=True)
    recalled_at = serializers.DateTimeField(allow_null=True)
    recall_reason = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_team(self, loan) -> list[str]:
        return sorted(loan.team.values_list("username", flat=True))


class LoanDetailOut(LoanOut):
    items = serializers.SerializerMethodField()
    signatures = SignatureOut(many=True)
    agreement = serializers.SerializerMethodField()

    @extend_schema_field(LoanItemOut(many=True))
    def get_items(self, loan) -> list[dict]:
        return LoanItemOut(loan.items.select_related("sample").order_by("id"), many=True).data

    def get_agreement(self, loan) -> dict | None:
        agreement = getattr(loan, "agreement", None)
        if agreement is None:
            return None
        return {"template_version": agreement.template_version, "sha256": agreement.sha256,
                "signed_sha256": agreement.signed_sha256 or None}


class IncidentOut(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(source="__str__")
    loan = serializers.CharField(source="loan.__str__", allow_null=True, default=None)
    loan_id = serializers.IntegerField(allow_null=True)
    sample = serializers.CharField(source="sample.identifier", allow_null=True, default=None)
    kind = serializers.CharField()
    status = serializers.CharField()
    description = serializers.CharField()
    expected_mass_ug = serializers.IntegerField(allow_null=True)
    measured_mass_ug = serializers.IntegerField(allow_null=True)
    difference_ug = serializers.IntegerField(allow_null=True)
    written_off_ug = serializers.IntegerField()
    reported_at = serializers.DateTimeField()
    resolution = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)


class ExtensionOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    requested_due_date = serializers.DateField()
    previous_due_date = serializers.DateField()
    reason = serializers.CharField()
    decision_note = serializers.CharField()


class UseReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    sample = serializers.CharField(source="item.sample.identifier")
    kind = serializers.CharField()
    method = serializers.CharField()
    performed_on = serializers.DateField()
    mass_ug = serializers.IntegerField()
    video_url = serializers.CharField()


# --- Input shapes -----------------------------------------------------------------------------

class SignIn(serializers.Serializer):
    typed_name = serializers.CharField(max_length=200)


class PickIn(serializers.Serializer):
    identifier = serializers.CharField(max_length=64)
    mass_ug = mass_field(required=False, allow_null=True)


class AllocateIn(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=2**62)
    samples = PickIn(many=True, allow_empty=False, max_length=500)


class ShipIn(serializers.Serializer):
    courier = serializers.CharField(max_length=120)
    tracking_number = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    packaging = serializers.CharField(max_length=255)
    atmosphere = serializers.ChoiceField(choices=Shipment.Atmosphere.choices, default=Shipment.Atmosphere.NITROGEN)
    condition_report = serializers.CharField(max_length=10000)
    handed_over_to = serializers.CharField(max_length=200)


class ReceiveIn(serializers.Serializer):
    condition_report = serializers.CharField(max_length=10000)


class ConsumeIn(serializers.Serializer):
    identifier = serializers.CharField(max_length=64)
    mass_ug = mass_field()
    method = serializers.CharField(max_length=200)
    video_url = serializers.CharField(max_length=500)
    performed_on = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)


class UseIn(serializers.Serializer):
    identifier = serializers.CharField(max_length=64)
    method = serializers.CharField(max_length=200)
    performed_on = serializers.DateField(required=False)
    video_url = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=10000)


class ReturnLineIn(serializers.Serializer):
    identifier = serializers.CharField(max_length=64)
    returned_mass_ug = mass_field()


class ReturnIn(serializers.Serializer):
    items = ReturnLineIn(many=True, allow_empty=False, max_length=100_000)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DeclareReturnIn(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField(max_length=64), min_length=1, max_length=2000,
                                  help_text="identifiers of the samples sent back")
    carrier = serializers.CharField(max_length=120)
    tracking_number = serializers.CharField(max_length=120)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReturnShipmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    loan = serializers.CharField(source="loan.reference")
    items = serializers.SerializerMethodField()
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    note = serializers.CharField()
    status = serializers.CharField()
    declared_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField(allow_null=True)

    def get_items(self, shipment) -> list[str]:
        return sorted(shipment.items.values_list("sample__identifier", flat=True))


class ExtendIn(serializers.Serializer):
    due_date = serializers.DateField(required=False, help_text="The new due date (borrower: requested; officer: granted).")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    decision = serializers.ChoiceField(choices=["grant", "refuse"], required=False,
                                       help_text="Officer: decide on the pending request.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RecallIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    due_date = serializers.DateField()


class NoteIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class InventoryIn(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=3000)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class TransferIn(serializers.Serializer):
    identifier = serializers.CharField(max_length=64)
    to_loan = serializers.IntegerField(min_value=1, max_value=2**62)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class IncidentIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Incident.Kind.choices)
    description = serializers.CharField(max_length=10000)
    identifier = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class IncidentResolveIn(serializers.Serializer):
    resolution = serializers.CharField(max_length=10000)
    write_off = serializers.BooleanField(default=False)
    mass_ug = mass_field(required=False, allow_null=True)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _detail(loan: Loan, code=status.HTTP_200_OK) -> Response:
    loan = Loan.objects.select_related("borrower_institution", "responsible", "application").get(pk=loan.pk)
    return Response(LoanDetailOut(loan).data, status=code)


# --- Views ------------------------------------------------------------------------------------

class LoanAction(APIView):
    """Base of the POST actions on one loan; each declares its rule in ``permission_rules``."""

    def loan(self, request, pk) -> Loan:
        return loan_get_for_user(request.user, pk)


class CreateLoanApi(APIView):
    permission_rules = {"post": "loans.create_loan"}

    @extend_schema(request=None, responses={201: LoanDetailOut}, summary="Create the loan of an approved application (officer)")
    def post(self, request, pk):
        from lunarshare.programs.models import Application

        application = Application.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
        if application is None:
            raise NotFoundError(_("No such application."))
        loan = services.loan_create_from_application(actor=request.user, application=application)
        return _detail(loan, status.HTTP_201_CREATED)


class LoanListApi(APIView):
    permission_rules = {"get": "accounts.signed_in"}

    @extend_schema(operation_id="v1_loans_list", responses=paginated(LoanOut), summary="Loans the caller may see (borrowers: their own)")
    def get(self, request):
        queryset = loans_visible_to(request.user).select_related("application").prefetch_related("team").order_by("-id")
        wanted = request.query_params.get("status")
        if wanted:
            queryset = queryset.filter(status=wanted)
        if request.query_params.get("overdue") in ("1", "true"):
            from .selectors import overdue_loans

            queryset = queryset.filter(pk__in=overdue_loans().values("pk"))
        return paginated_response(request, self, queryset, LoanOut)


class LoanDetailApi(APIView):
    permission_rules = {"get": "loans.view_loan"}

    @extend_schema(responses=LoanDetailOut, summary="One loan with its items")
    def get(self, request, pk):
        return _detail(loan_get_for_user(request.user, pk))


class SignApi(LoanAction):
    permission_rules = {"post": "loans.sign"}
    @extend_schema(request=SignIn, responses=LoanDetailOut, summary="Sign the agreement (borrower's representative, then officer)")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        data = _valid(SignIn, request)
        services.loan_sign(actor=request.user, loan=loan, typed_name=data["typed_name"])
        return _detail(loan)


class AgreementPdfApi(LoanAction):
    permission_rules = {"get": "loans.view_loan"}
    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="The agreement PDF (signed copy once both signed)")},
                   summary="The agreement PDF")
    def get(self, request, pk):
        loan = self.loan(request, pk)
        agreement = getattr(loan, "agreement", None)
        if agreement is None:
            raise NotFoundError(_("This loan has no agreement document."))
        document = agreement.signed_file if agreement.signed_file else agreement.file
        response = files.attachment(document, f"{loan}-agreement{'-signed' if agreement.signed_file else ''}.pdf",
                                    "application/pdf")
        response["X-Content-SHA256"] = agreement.signed_sha256 or agreement.sha256
        return response


class CertificatePdfApi(LoanAction):
    permission_rules = {"get": "loans.view_loan"}
    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="The loan certificate")},
                   summary="The loan certificate PDF")
    def get(self, request, pk):
        from django.http import HttpResponse

        from .documents import render_certificate

        loan = self.loan(request, pk)
        response = HttpResponse(render_certificate(loan), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{loan}-certificate.pdf"'
        return response


class AllocateApi(LoanAction):
    permission_rules = {"post": "loans.allocate"}
    @extend_schema(request=AllocateIn, responses=LoanDetailOut, summary="Allocate samples to a pending item (curator; splits as needed)")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        data = _valid(AllocateIn, request)
        item = LoanItem.objects.filter(pk=data["item"], loan=loan).first()
        if item is None:
            raise NotFoundError(_("Loan %(loan)s has no item %(item)s.") % {"loan": loan, "item": data["item"]})
        picks = [services.Pick(p["identifier"], p.get("mass_ug")) for p in data["samples"]]
        services.loan_allocate(actor=request.user, loan=loan, item=item, picks=picks)
        return _detail(loan)


class ShipApi(LoanAction):
    permission_rules = {"post": "loans.ship"}
    @extend_schema(request=ShipIn, responses=LoanDetailOut, summary="Ship every allocated item (curator; both signatures first)")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        services.loan_ship(actor=request.user, loan=loan, **_valid(ShipIn, request))
        return _detail(loan)


class ReceiveApi(LoanAction):
    permission_rules = {"post": "loans.receive"}
    @extend_schema(request=ReceiveIn, responses=LoanDetailOut, summary="Confirm receipt with a condition report (borrower)")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        services.loan_receive(actor=request.user, loan=loan, **_valid(ReceiveIn, request))
        return _detail(loan)


class ConsumeApi(LoanAction):
    permission_rules = {"post": "loans.report_use"}
    @extend_schema(request=ConsumeIn, responses={201: UseReportOut}, summary="Report a destructive analysis (borrower)")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        data = _valid(ConsumeIn, request)
        report = services.loan_report_use(actor=request.user, loan=loan, kind=UseReport.Kind.DESTRUCTIVE, **data)
        return Response(UseReportOut(report).data, status=status.HTTP_201_CREATED)


class UseApi(LoanAction):
    permission_rules = {"post": "loans.report_use"}
    @extend_schema(request=UseIn, responses={201: UseReportOut}, summary="Report a non-destructive analysis (borrower)")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        data = _valid(UseIn, request)
        report = services.loan_report_use(actor=request.user, loan=loan, kind=UseReport.Kind.NON_DESTRUCTIVE, **data)
        return Response(UseReportOut(report).data, status=status.HTTP_201_CREATED)


class ReturnApi(LoanAction):
    permission_rules = {"post": "loans.record_return"}
    @extend_schema(request=ReturnIn, responses=LoanDetailOut, summary="Record returned items with their reweighed masses (curator)")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        data = _valid(ReturnIn, request)
        lines = [services.ReturnLine(i["identifier"], i["returned_mass_ug"]) for i in data["items"]]
        result = services.loan_return(actor=request.user, loan=loan, lines=lines, note=data["note"])
        response = _detail(loan)
        response.data["incidents"] = IncidentOut(result.incidents, many=True).data
        return response


class DeclareReturnApi(LoanAction):
    permission_rules = {"post": "loans.declare_return"}

    @extend_schema(request=DeclareReturnIn, responses={201: ReturnShipmentOut},
                   summary="Declare a return shipment: items, carrier, tracking number (borrower's team)")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        data = _valid(DeclareReturnIn, request)
        wanted = list(dict.fromkeys(data["items"]))
        items = list(loan.items.filter(sample__identifier__in=wanted).select_related("sample"))
        unknown = sorted(set(wanted) - {item.sample.identifier for item in items})
        if unknown:
            raise NotFoundError(_("Not items of loan %(loan)s: %(ids)s.") % {"loan": loan, "ids": ", ".join(unknown)},
                                unknown=unknown)
        shipment = services.loan_declare_return(actor=request.user, loan=loan, items=items, carrier=data["carrier"],
                                                tracking_number=data["tracking_number"], note=data["note"])
        return Response(ReturnShipmentOut(shipment).data, status=status.HTTP_201_CREATED)


class ExtendApi(LoanAction):
    permission_rules = {"post": "loans.view_loan"}
    @extend_schema(request=ExtendIn, responses=ExtensionOut,
                   summary="Borrower: request an extension. Officer: grant/refuse the pending request, or extend directly.")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        data = _valid(ExtendIn, request)
        if can_decide_extension.test(request.user, loan):
            if data.get("decision"):
                pending = loan.extensions.filter(status=ExtensionRequest.Status.REQUESTED).first()
                if pending is None:
                    raise NotFoundError(_("There is no extension request waiting for a decision."))
                if data["decision"] == "grant":
                    result = services.extension_grant(actor=request.user, request=pending, note=data["note"])
                else:
                    result = services.extension_refuse(actor=request.user, request=pending, note=data["note"] or data["reason"])
                return Response(ExtensionOut(result).data)
            if "due_date" not in data:
                raise serializers.ValidationError({"due_date": [_("Give the new due date or a decision.")]})
            result = services.loan_extend(actor=request.user, loan=loan, new_due_date=data["due_date"], reason=data["reason"])
            return Response(ExtensionOut(result).data)
        if "due_date" not in data:
            raise serializers.ValidationError({"due_date": [_("Give the due date you ask for.")]})
        result = services.extension_request(actor=request.user, loan=loan, requested_due_date=data["due_date"],
                                            reason=data["reason"])
        return Response(ExtensionOut(result).data, status=status.HTTP_201_CREATED)


class RecallApi(LoanAction):
    permission_rules = {"post": "loans.recall"}
    @extend_schema(request=RecallIn, responses=LoanDetailOut, summary="Recall a loan (officer): reason and new due date")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        data = _valid(RecallIn, request)
        services.loan_recall(actor=request.user, loan=loan, reason=data["reason"], new_due_date=data["due_date"])
        return _detail(loan)


class TransferApi(LoanAction):
    permission_rules = {"post": "loans.record_return"}
    @extend_schema(request=TransferIn, responses=LoanDetailOut, summary="Transfer an item to another loan in use (curator)")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        data = _valid(TransferIn, request)
        item = loan.items.filter(sample__identifier=data["identifier"], closed_at__isnull=True).first()
        if item is None:
            raise NotFoundError(_("Sample %(id)s is not an open item of this loan.") % {"id": data["identifier"]})
        target = Loan.objects.filter(pk=data["to_loan"]).first()
        if target is None:
            raise NotFoundError(_("No such loan."))
        services.loan_item_transfer(actor=request.user, item=item, to_loan=target, note=data["note"])
        return _detail(loan)


class CloseApi(LoanAction):
    permission_rules = {"post": "loans.close"}
    @extend_schema(request=NoteIn, responses=LoanDetailOut, summary="Close a loan whose every item is closed (officer)")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        services.loan_close(actor=request.user, loan=loan, note=_valid(NoteIn, request)["note"])
        return _detail(loan)


class CancelApi(LoanAction):
    permission_rules = {"post": "loans.cancel"}
    @extend_schema(request=ReasonIn, responses=LoanDetailOut, summary="Cancel a loan before shipment (officer)")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        services.loan_cancel(actor=request.user, loan=loan, reason=_valid(ReasonIn, request)["reason"])
        return _detail(loan)


class InventoryApi(LoanAction):
    permission_rules = {"post": "loans.confirm_inventory"}
    @extend_schema(request=InventoryIn, responses={201: OpenApiResponse(description="Confirmed")},
                   summary="Confirm the annual inventory (borrower)")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        data = _valid(InventoryIn, request)
        confirmation = services.inventory_confirm(actor=request.user, loan=loan, year=data.get("year"), note=data["note"])
        return Response({"year": confirmation.year, "item_count": confirmation.item_count,
                         "held_mass_ug": confirmation.held_mass_ug}, status=status.HTTP_201_CREATED)


class LoanIncidentApi(LoanAction):
    permission_rules = {"post": "loans.report_incident"}
    @extend_schema(request=IncidentIn, responses={201: IncidentOut}, summary="Report an incident on a loan (lost, stolen, damaged)")
    def post(self, request, pk):
        loan = self.loan(request, pk)
        incident = services.incident_report(actor=request.user, loan=loan, **_valid(IncidentIn, request))
        return Response(IncidentOut(incident).data, status=status.HTTP_201_CREATED)


class IncidentListApi(APIView):
    permission_rules = {"get": "accounts.signed_in"}

    @extend_schema(operation_id="v1_incidents_list", responses=paginated(IncidentOut), summary="Incidents the caller may see")
    def get(self, request):
        queryset = incidents_visible_to(request.user).order_by("-id")
        wanted = request.query_params.get("status")
        if wanted:
            queryset = queryset.filter(status=wanted)
        return paginated_response(request, self, queryset, IncidentOut)


class IncidentDetailApi(APIView):
    permission_rules = {"get": "accounts.signed_in"}

    @extend_schema(responses=IncidentOut, summary="One incident")
    def get(self, request, pk):
        return Response(IncidentOut(incident_get_for_user(request.user, pk)).data)


class IncidentInvestigateApi(APIView):
    permission_rules = {"post": "loans.manage_incident"}

    @extend_schema(request=NoteIn, responses=IncidentOut, summary="Start investigating an incident")
    def post(self, request, pk):
        incident = incident_get_for_user(request.user, pk)
        incident = services.incident_investigate(actor=request.user, incident=incident, note=_valid(NoteIn, request)["note"])
        return Response(IncidentOut(incident).data)


class IncidentResolveApi(APIView):
    permission_rules = {"post": "loans.manage_incident"}

    @extend_schema(request=IncidentResolveIn, responses=IncidentOut, summary="Resolve an incident (optionally writing the mass off)")
    def post(self, request, pk):
        incident = incident_get_for_user(request.user, pk)
        incident = services.incident_resolve(actor=request.user, incident=incident, **_valid(IncidentResolveIn, request))
        return Response(IncidentOut(incident).data)


class LoanReportApi(APIView):
    permission_rules = {"get": "loans.view_report"}

    @extend_schema(responses={200: OpenApiResponse(description="Open loans, mass out by country and institution, overdue, incidents")},
                   summary="Officers' loan report")
    def get(self, request):
        report = loan_report()
        return Response({
            "date": report["date"],
            "open_loans": LoanOut(report["open_loans"], many=True).data,
            "by_country": report["by_country"],
            "by_institution": report["by_institution"],
            "total_out_ug": report["total_out_ug"],
            "overdue": [str(loan) for loan in report["overdue"]],
            "incidents": IncidentOut(report["incidents"], many=True).data,
            "inventory_unconfirmed": [str(loan) for loan in report["uninventoried"]],
        })
