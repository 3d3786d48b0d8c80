"""The training endpoints of the JSON API: thin views over speakup.training."""

import copy
import re
import tempfile

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied, UnsupportedMediaType
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from speakup.core.api_errors import NOT_SIGNED_IN_RESPONSE, not_found, not_found_response
from speakup.core.parsers import SafeJSONParser
from speakup.core.permissions import can
from speakup.organisations.models import Organisation
from speakup.organisations.queries import organisation_ids_where
from speakup.organisations.roles import Role
from speakup.training import uploads
from speakup.training.models import UploadKind
from speakup.training.queries import compliance_summary
from speakup.training.roster.importing import staff_import
from speakup.training.roster.results import (
    IN_THE_API,
    LEAVERS_NAMED,
    LEAVERS_TO_CONFIRM_LISTED,
)
from speakup.training.services import (
    XAPI_VERSION,
    completions_import,
    xapi_statements_record,
)

SPOOL_IN_MEMORY = 8 * 1024 * 1024  # larger uploads spill to a temporary file


class FileTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE


# A body sent in chunks (Transfer-Encoding: chunked) has no Content-Length, and Django reads a
# body by its Content-Length: the file arrives empty, which is not the client's empty file.
CHUNKED = (
    "Send the file with a Content-Length header (curl --data-binary @file.csv sends one): this "
    "server does not take chunked uploads (Transfer-Encoding: chunked), so nothing was imported"
)


CHUNKED_STATEMENTS = (
    "Send the statements with a Content-Length header: this server does not take chunked "
    "uploads (Transfer-Encoding: chunked), so nothing was recorded"
)


class LengthRequired(APIException):
    status_code = status.HTTP_411_LENGTH_REQUIRED
    default_detail = CHUNKED


def _sent_in_chunks(request) -> bool:
    return "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()


class CSVParser(BaseParser):
    """Hands the view the raw CSV bytes as a seekable file, without holding a big body in memory.

    A body larger than the view's `upload_kind` allows (speakup.training.uploads, as on the
    upload pages) is a 413, refused by its Content-Length before it is read where one is sent.
    """

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        context = parser_context or {}
        kind = context["view"].upload_kind
        limit = uploads.max_file_mb(kind) * uploads.MB
        declared = context["request"].META.get("CONTENT_LENGTH", "")
        if declared.isdigit() and int(declared) > limit:
            raise FileTooLarge(uploads.too_large(kind))
        spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
        while stream is not None and (chunk := stream.read(1 << 20)):
            spooled.write(chunk)
            if spooled.tell() > limit:
                spooled.close()
                raise FileTooLarge(uploads.too_large(kind))
        spooled.seek(0)
        return spooled


# A file sent as a form upload (multipart/form-data, as curl -F sends it) is not read: a 415.
CSV_ONLY = (
    "Send the CSV file itself as the request's body, with the header Content-Type: text/csv "
    "(a form upload, multipart/form-data, is not read)"
)
CSV_ONLY_RESPONSE = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Not sent as text/csv: " + CSV_ONLY[:1].lower() + CSV_ONLY[1:]
)

CHUNKED_RESPONSE = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Sent in chunks, with no Content-Length: nothing was imported"
)


def _too_large_response(kind: str) -> OpenApiResponse:
    return OpenApiResponse(
        OpenApiTypes.OBJECT,
        description=f"Nothing was imported: the file is larger than {uploads.max_file_mb(kind)} MB",
    )


def _csv_body(request):
    try:
        data = request.data
    except UnsupportedMediaType as error:
        raise UnsupportedMediaType(request.content_type, detail=CSV_ONLY) from error
    # An empty body is parsed to no file: an empty one, which the import says is empty.
    body = data if hasattr(data, "read") else tempfile.SpooledTemporaryFile()  # noqa: SIM115
    if _sent_in_chunks(request) and not body.read(1):  # not an empty file: it never arrived
        body.close()
        raise LengthRequired()
    body.seek(0)
    return body


# Those who see the organisation's training (its guardians, leads and board) but may not import:
# a 404 saying there was no organisation they could see contradicted the compliance they read.
ADMINS_ONLY = {
    "training.manage_roster": "Only the organisation's admins can import its staff roster",
    "training.import_completions": "Only an organisation's admins can import its completions",
}
ADMINS_ONLY_RESPONSE = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Someone who sees the organisation's training but is not one of its admins",
)


def _organisation(request, ods_code: str, action: str) -> Organisation:
    # One answer for an unknown code and one the user may not see, so codes cannot be probed.
    organisation = Organisation.objects.filter(ods_code=ods_code.upper(), active=True).first()
    if organisation is None or not can(request.user, "training.view_dashboard", organisation):
        raise not_found("organisation")
    if not can(request.user, action, organisation):
        raise PermissionDenied(ADMINS_ONLY[action])
    return organisation


MODULE_COMPLIANCE_FIELDS = {
    "module": serializers.ChoiceField(choices=["speak_up", "listen_up", "follow_up"]),
    "mandatory": serializers.BooleanField(),
    "mandatory_from": serializers.DateField(
        allow_null=True,
        help_text="The day the module is mandatory from (also one still to come, while "
        "mandatory is false); null when the policy does not make it mandatory, or gives no day",
    ),
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
        responses={
            200: ComplianceSerializer,
            401: NOT_SIGNED_IN_RESPONSE,
            404: not_found_response("No such organisation whose training you may see"),
        }
    )
    def get(self, request, ods_code):
        organisation = _organisation(request, ods_code, "training.view_dashboard")
        return Response(compliance_summary(organisation=organisation))


FLAG_VALUES = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def _flag(request, name: str) -> bool:
    """A yes-or-no query parameter; anything but the accepted values is refused, never read as
    false (a mistyped `full` must not quietly import a whole roster as part of one)."""
    value = request.query_params.get(name)
    if value is None:
        return False
    answer = FLAG_VALUES.get(value.strip().lower())
    if answer is None:
        raise serializers.ValidationError(
            {name: [f"{name} must be true or false (or 1/0, yes/no), not “{value[:50]}”"]}
        )
    return answer


def _number_of_workers(request, name: str) -> int:
    """A query parameter that is a number of workers (none: 0); anything else is refused."""
    value = request.query_params.get(name)
    if value is None:
        return 0
    if not value.strip().isdigit() or len(value.strip()) > 9:
        raise serializers.ValidationError(
            {name: [f"{name} must be a number of workers, not “{value[:50]}”"]}
        )
    return int(value)


# A worker an import names: one serializer class, so that the schema has one component.
RosterWorkerSerializer = inline_serializer(
    "RosterWorker",
    {"employee_number": serializers.CharField(), "name": serializers.CharField()},
)


def _workers(description: str) -> serializers.ListField:
    """A list of workers an import names, as objects: {employee_number, name}."""
    return serializers.ListField(child=copy.deepcopy(RosterWorkerSerializer), help_text=description)


def _counts_by_value(description: str) -> serializers.DictField:
    return serializers.DictField(child=serializers.IntegerField(), help_text=description)


def _first_rows_by_value(description: str) -> serializers.DictField:
    return serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()), help_text=description
    )


# The answer to a roster import, gone ahead (200) or refused (400): ImportResult.as_dict, and
# its summary. test_api.py checks that it documents every key the answer has.
RosterImportSerializer = inline_serializer(
    "RosterImportResult",
    {
        "imported": serializers.BooleanField(
            help_text="False: nothing was imported (a 400), and the counts of changes are 0"
        ),
        "summary": serializers.CharField(
            help_text="What happened in sentences, naming the workers the lists below give; of a "
            "whole roster refused for more leavers than `leavers_to_confirm_named` lists, also "
            "that the file is probably not the organisation's whole roster"
        ),
        "full": serializers.BooleanField(help_text="The file was sent as the whole roster"),
        "rows_read": serializers.IntegerField(help_text="Rows of workers read (not blank)"),
        "created": serializers.IntegerField(help_text="Workers added"),
        "updated": serializers.IntegerField(
            help_text="Workers whose row changed anything of them, the returned included"
        ),
        "unchanged": serializers.IntegerField(),
        "left": serializers.IntegerField(
            help_text="Workers missing from a whole roster, made leavers"
        ),
        "leavers": _workers(f"The first {LEAVERS_NAMED} of the `left`, by last name"),
        "returned": serializers.IntegerField(
            help_text="Leavers the file made active again (back on the roster)"
        ),
        "returners": _workers(f"The first {LEAVERS_NAMED} of the `returned`, by last name"),
        "ended": serializers.IntegerField(
            help_text="Rows whose Assignment End has gone by that made their worker a leaver"
        ),
        "ended_leavers": _workers(
            f"The first {LEAVERS_NAMED} of the `ended`, by last name (`leavers` are those "
            "missing from a whole roster)"
        ),
        "leavers_by_stored_end": serializers.IntegerField(
            help_text="Of a file without an Assignment End column: workers who are leavers by "
            "the end stored for them"
        ),
        "leavers_by_stored_end_named": _workers(
            "The first few of the `leavers_by_stored_end`, by row"
        ),
        "stored_ends_cleared": serializers.IntegerField(
            help_text="Of a file without an Assignment End column: stored ends cleared, being "
            "before the worker's Assignment Start in the file"
        ),
        "skipped": serializers.IntegerField(help_text="Rows with problems skipped"),
        "bad_rows": serializers.IntegerField(help_text="Rows with problems"),
        "errors": inline_serializer(
            "RosterRowProblem",
            {
                "row": serializers.IntegerField(help_text="0: the whole file"),
                "column": serializers.CharField(),
                "reason": serializers.CharField(),
            },
            many=True,
        ),
        "warnings": serializers.ListField(
            child=serializers.CharField(), help_text="What to check, in sentences"
        ),
        "notes": serializers.ListField(
            child=serializers.CharField(), help_text="Worth knowing, nothing to check"
        ),
        "unknown_staff_groups": _counts_by_value(
            "Staff groups not on the ESR list, with how many rows give each"
        ),
        "unknown_staff_groups_first_rows": _first_rows_by_value(
            "The first few row numbers of each of the `unknown_staff_groups`"
        ),
        "unknown_bands": _counts_by_value(
            "Bands that are not Agenda for Change bands or VSM, with how many rows give each"
        ),
        "unknown_bands_first_rows": _first_rows_by_value(
            "The first few row numbers of each of the `unknown_bands`"
        ),
        "encoding": serializers.CharField(
            allow_null=True, help_text="The encoding the file was read in"
        ),
        "leavers_to_confirm": serializers.IntegerField(
            help_text="The leavers a whole roster was refused for: send it again with "
            "expect_leavers set to this if you expect them"
        ),
        "leavers_to_confirm_named": _workers(
            f"The first {LEAVERS_TO_CONFIRM_LISTED:,} of the `leavers_to_confirm`, by last name "
            f"(the `summary` names the first {LEAVERS_NAMED})"
        ),
        "unknown_line_manager_rows": serializers.IntegerField(
            help_text="Rows whose Line Manager Employee Number is no active worker's"
        ),
        "unknown_line_managers": _first_rows_by_value(
            "The first few of those numbers: [first row, rows]"
        ),
    },
)
# A refused import is the same answer; a query parameter refused is {parameter: [messages]};
# an address refused before the view (a NUL byte in it) is {detail: message}.
ROSTER_IMPORT_REFUSED = {
    "anyOf": [
        {"$ref": "#/components/schemas/RosterImportResult"},
        {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "required": ["detail"],
        },
    ]
}

SKIP_INVALID = "Import the good rows and report the bad ones"
EXPECT_LEAVERS = (
    "Only with full=true (without it, a 400): go ahead if up to this many workers become "
    "leavers. A whole roster that would make more than a tenth of the active workers (and more "
    "than 5) leavers is refused without it, saying how many"
)


EXPECT_LEAVERS_WITHOUT_FULL = (
    "expect_leavers only applies to a whole roster (full=true): nothing was imported"
)


def _flag_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, OpenApiTypes.STR, enum=list(FLAG_VALUES), required=False, description=description
    )


class StaffRoster(APIView):
    """Import a staff roster (ESR-style CSV). `?full=true` marks missing workers as leavers."""

    parser_classes = [CSVParser]
    upload_kind = UploadKind.ROSTER

    @extend_schema(
        request={"text/csv": OpenApiTypes.BINARY},
        parameters=[
            _flag_parameter("full", "The file is the whole roster: missing workers become leavers"),
            _flag_parameter("skip_invalid", SKIP_INVALID),
            OpenApiParameter(
                "expect_leavers",
                # What _number_of_workers takes: a whole number of up to nine digits.
                {"type": "integer", "minimum": 0, "maximum": 999_999_999},
                required=False,
                description=EXPECT_LEAVERS,
            ),
        ],
        responses={
            200: RosterImportSerializer,
            400: OpenApiResponse(
                ROSTER_IMPORT_REFUSED,
                description="Nothing was imported: the file's problems or too many leavers not "
                "expected (the import's answer, `imported` false), or a flag that is not true or "
                "false, or expect_leavers without full=true ({parameter: [messages]}), or an "
                "address that cannot be read ({detail: message})",
            ),
            401: NOT_SIGNED_IN_RESPONSE,
            403: ADMINS_ONLY_RESPONSE,
            404: not_found_response("No such organisation whose roster you may import"),
            411: CHUNKED_RESPONSE,
            413: _too_large_response(UploadKind.ROSTER),
            415: CSV_ONLY_RESPONSE,
        },
    )
    def post(self, request, ods_code):
        organisation = _organisation(request, ods_code, "training.manage_roster")
        full, skip_invalid = _flag(request, "full"), _flag(request, "skip_invalid")
        expect_leavers = _number_of_workers(request, "expect_leavers")
        if "expect_leavers" in request.query_params and not full:
            # Only a whole roster makes leavers: said, rather than the number left unread.
            raise serializers.ValidationError({"expect_leavers": [EXPECT_LEAVERS_WITHOUT_FULL]})
        with _csv_body(request) as file:
            result = staff_import(
                organisation=organisation,
                file=file,
                full=full,
                skip_invalid=skip_invalid,
                expect_leavers=expect_leavers,
                actor=request.user,
            )
        body = result.as_dict() | {"summary": result.summary(IN_THE_API)}
        return Response(body, status=status.HTTP_200_OK if result.imported else 400)


class CompletionImport(APIView):
    """Import completions (CSV: Employee Number, Organisation, Module, Completed On, Source)."""

    parser_classes = [CSVParser]
    upload_kind = UploadKind.COMPLETIONS

    @extend_schema(
        request={"text/csv": OpenApiTypes.BINARY},
        parameters=[
            _flag_parameter("skip_invalid", "Import the good rows and report the bad ones")
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            401: NOT_SIGNED_IN_RESPONSE,
            403: ADMINS_ONLY_RESPONSE,
            404: not_found_response("Not an organisation admin anywhere"),
            411: CHUNKED_RESPONSE,
            413: _too_large_response(UploadKind.COMPLETIONS),
            415: CSV_ONLY_RESPONSE,
        },
    )
    def post(self, request):
        # Organisation admins import for their own organisations only; rows for any other
        # organisation are reported, never applied.
        allowed = organisation_ids_where(request.user, Role.ORGANISATION_ADMIN)
        if not allowed and can(request.user, "training.view_any_dashboard"):
            raise PermissionDenied(ADMINS_ONLY["training.import_completions"])
        if not allowed:
            raise not_found("address")
        codes = set(Organisation.objects.filter(pk__in=allowed).values_list("ods_code", flat=True))
        skip = _flag(request, "skip_invalid")
        with _csv_body(request) as file:
            result = completions_import(
                file=file, organisations=codes, skip_invalid=skip, actor=request.user
            )
        body = result.as_dict() | {"summary": result.summary(IN_THE_API)}
        return Response(body, status=status.HTTP_200_OK if result.imported else 400)


XAPI_VERSION_HEADER = "X-Experience-API-Version"


def _xapi_version_problem(request) -> str | None:
    """Why the request's xAPI version header is not one we read (any 1.0.x), or None."""
    sent = request.headers.get(XAPI_VERSION_HEADER, "").strip()
    if not sent:
        return f"Send the header {XAPI_VERSION_HEADER}: {XAPI_VERSION} with the statements"
    if sent == "1.0" or re.fullmatch(r"1\.0\.\d+", sent):
        return None
    return (
        f"{XAPI_VERSION_HEADER} “{sent[:20]}” is not a version speakup reads: send {XAPI_VERSION}"
    )


class XapiStatements(APIView):
    """Record xAPI 1.0.3 statements (completed/passed) from a learning record store."""

    parser_classes = [SafeJSONParser]  # xAPI statements are sent as application/json

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter(
                XAPI_VERSION_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description=f"The xAPI version of the statements: {XAPI_VERSION} (any 1.0.x)",
            )
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            401: NOT_SIGNED_IN_RESPONSE,
            404: not_found_response("Not an organisation admin anywhere"),
            413: OpenApiResponse(
                OpenApiTypes.OBJECT, description="The body is larger than the 2.5 MB speakup reads"
            ),
            411: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Sent in chunks, with no Content-Length: nothing was recorded",
            ),
            415: OpenApiResponse(description="The statements were not sent as JSON"),
        },
    )
    def post(self, request):
        allowed = organisation_ids_where(request.user, Role.ORGANISATION_ADMIN)
        if not allowed:
            raise not_found("address")
        if problem := _xapi_version_problem(request):
            return Response({"detail": problem}, 400)
        data = request.data
        if data == {} and _sent_in_chunks(request):  # the body never reached Django
            raise LengthRequired(CHUNKED_STATEMENTS)
        if data in ({}, []):  # DRF reads an empty body as {}
            reason = "The body is empty: send a statement or a list of statements"
            body = {"stored": [], "duplicates": [], "voided": [], "errors": [{"reason": reason}]}
            return Response(body, 400)
        statements = data if isinstance(data, list) else [data]
        result = xapi_statements_record(
            statements=statements, organisation_ids=allowed, actor=request.user
        )
        body = {
            "stored": result.stored,
            "duplicates": result.duplicates,
            "voided": result.voided,
            "errors": result.errors,
        }
        done = result.stored or result.voided
        return Response(body, status=200 if done or not result.errors else 400)

    def finalize_response(self, request, response, *args, **kwargs):
        # xAPI: every answer of a learning record store names the version it speaks.
        response = super().finalize_response(request, response, *args, **kwargs)
        response[XAPI_VERSION_HEADER] = XAPI_VERSION
        return response


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
