"""The training endpoints of the JSON API: thin views over speakup.training."""

import shutil
import tempfile

from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from speakup.core.permissions import can
from speakup.organisations.models import Organisation
from speakup.organisations.queries import organisation_ids_where
from speakup.organisations.roles import Role
from speakup.training.queries import compliance_summary
from speakup.training.roster import staff_import
from speakup.training.services import completions_import, xapi_statements_record

SPOOL_IN_MEMORY = 8 * 1024 * 1024  # larger uploads spill to a temporary file


class CSVParser(BaseParser):
    """Hands the view the raw CSV bytes as a seekable file, without holding a big body in memory."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
        if stream is not None:
            shutil.copyfileobj(stream, spooled, length=1 << 20)
        spooled.seek(0)
        return spooled


def _csv_body(request):
    data = request.data
    return data if hasattr(data, "read") else tempfile.SpooledTemporaryFile()  # an empty body


def _organisation(request, ods_code: str, action: str) -> Organisation:
    organisation = get_object_or_404(Organisation, ods_code=ods_code.upper(), active=True)
    if not can(request.user, action, organisation):
        raise NotFound
    return organisation


MODULE_COMPLIANCE_FIELDS = {
    "module": serializers.ChoiceField(choices=["speak_up", "listen_up", "follow_up"]),
    "mandatory": serializers.BooleanField(),
    "required": serializers.IntegerField(),
    "compliant": serializers.IntegerField(),
    "due": serializers.IntegerField(),
    "overdue": serializers.IntegerField(),
    "expired": serializers.IntegerField(),
}
ComplianceSerializer = inline_serializer(
    "TrainingCompliance",
    {
        "organisation": serializers.CharField(),
        "as_of": serializers.DateField(),
        "modules": inline_serializer("ModuleCompliance", MODULE_COMPLIANCE_FIELDS, many=True),
        "board_follow_up": inline_serializer(
            "BoardFollowUp",
            {"required": serializers.IntegerField(), "compliant": serializers.IntegerField()},
        ),
    },
)


class OrganisationCompliance(APIView):
    """An organisation's training compliance: for its admins, guardians, FTSU leads and board."""

    @extend_schema(
        responses={200: ComplianceSerializer, 404: OpenApiResponse(description="Not found")}
    )
    def get(self, request, ods_code):
        organisation = _organisation(request, ods_code, "training.view_dashboard")
        return Response(compliance_summary(organisation=organisation))


class StaffRoster(APIView):
    """Import a staff roster (ESR-style CSV). `?full=true` marks missing workers as leavers."""

    parser_classes = [CSVParser]

    @extend_schema(
        request={"text/csv": OpenApiTypes.BINARY},
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiResponse()},
    )
    def post(self, request, ods_code):
        organisation = _organisation(request, ods_code, "training.manage_roster")
        flag = lambda name: request.query_params.get(name, "").lower() in {"1", "true", "yes"}  # noqa: E731
        with _csv_body(request) as file:
            result = staff_import(
                organisation=organisation,
                file=file,
                full=flag("full"),
                skip_invalid=flag("skip_invalid"),
                actor=request.user,
            )
        body = result.as_dict() | {"summary": result.summary()}
        return Response(body, status=status.HTTP_200_OK if result.imported else 400)


class CompletionImport(APIView):
    """Import completions (CSV: Employee Number, Organisation, Module, Completed On, Source)."""

    parser_classes = [CSVParser]

    @extend_schema(
        request={"text/csv": OpenApiTypes.BINARY},
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiResponse()},
    )
    def post(self, request):
        # Organisation admins import for their own organisations only; rows for any other
        # organisation are reported, never applied.
        allowed = organisation_ids_where(request.user, Role.ORGANISATION_ADMIN)
        if not allowed:
            raise NotFound
        codes = set(Organisation.objects.filter(pk__in=allowed).values_list("ods_code", flat=True))
        skip = request.query_params.get("skip_invalid", "").lower() in {"1", "true", "yes"}
        with _csv_body(request) as file:
            result = completions_import(
                file=file, organisations=codes, skip_invalid=skip, actor=request.user
            )
        body = result.as_dict() | {"summary": result.summary()}
        return Response(body, status=status.HTTP_200_OK if result.imported else 400)


class XapiStatements(APIView):
    """Record xAPI 1.0.3 statements (completed/passed) from a learning record store."""

    parser_classes = [JSONParser]  # xAPI statements are sent as application/json

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            404: OpenApiResponse(),
            415: OpenApiResponse(description="The statements were not sent as JSON"),
        },
    )
    def post(self, request):
        allowed = organisation_ids_where(request.user, Role.ORGANISATION_ADMIN)
        if not allowed:
            raise NotFound
        data = request.data
        statements = data if isinstance(data, list) else [data]
        result = xapi_statements_record(
            statements=statements, organisation_ids=allowed, actor=request.user
        )
        body = {"stored": result.stored, "duplicates": result.duplicates, "errors": result.errors}
        return Response(body, status=200 if result.stored or not result.errors else 400)


urlpatterns = [
    path(
        "organisations/<str:ods_code>/training/compliance",
        OrganisationCompliance.as_view(),
        name="show_training_compliance",
    ),
    path("organisations/<str:ods_code>/staff", StaffRoster.as_view(), name="import_staff"),
    path("training/completions", CompletionImport.as_view(), name="import_completions"),
    path("training/xapi/statements", XapiStatements.as_view(), name="record_xapi_statements"),
]
