"""The reporting endpoints of the JSON API: thin views over speakup.reporting."""

import io

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from speakup.core import csvfiles
from speakup.core.api_errors import NOT_SIGNED_IN_RESPONSE, not_found, not_found_response
from speakup.core.permissions import can
from speakup.reporting import formats, queries
from speakup.reporting.quarters import QuarterError, parse_quarter


class CSVRenderer(BaseRenderer):
    """text/csv: chosen with `Accept: text/csv` or `?format=csv`. Errors become one cell."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data
        out = io.StringIO()
        writer = csvfiles.DownloadWriter(out, lineterminator="\r\n")
        detail = data.get("detail") if isinstance(data, dict) else data
        writer.writerow(["error"])
        writer.writerow([str(detail)])
        return out.getvalue()


class DataReturnView(APIView):
    """One organisation's quarterly FTSU data return (docs/data-formats.md)."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    @extend_schema(
        summary="An organisation's quarterly FTSU data return",
        description=(
            "For the organisation's FTSU guardians. The quarter is YYYY-Qn, YYYY being the "
            "year the financial year starts (2026-Q3 is October to December 2026). JSON by "
            "default; CSV with `Accept: text/csv` or `?format=csv`. A quarter with no cases "
            "is a nil return (zeros). Q4 also carries the reconciled Q1 to Q3."
        ),
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], required=False)
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiTypes.OBJECT,
            401: NOT_SIGNED_IN_RESPONSE,
            404: not_found_response("No such organisation whose returns you may see"),
        },
    )
    def get(self, request, ods_code: str, quarter: str):
        try:
            parsed = parse_quarter(quarter)
        except QuarterError as error:
            raise ValidationError({"detail": str(error)}) from None
        organisation = queries.organisation_by_code(ods_code)
        # An unknown code and another organisation's get the same answer: nobody learns which
        # codes exist.
        if organisation is None or not can(
            request.user, "reporting.prepare_data_return", organisation
        ):
            raise not_found("organisation")
        data = queries.data_return(organisation=organisation, quarter=parsed)
        if request.accepted_renderer.format == "csv":
            response = HttpResponse(
                formats.data_return_csv(data), content_type="text/csv; charset=utf-8"
            )
            response["Content-Disposition"] = (
                f'attachment; filename="ftsu-data-return-{organisation.ods_code}-{parsed}.csv"'
            )
            return response
        return Response(formats.data_return_json(data))


urlpatterns: list = [
    path(
        "organisations/<str:ods_code>/data-returns/<str:quarter>",
        DataReturnView.as_view(),
        name="show_data_return",
    ),
]
