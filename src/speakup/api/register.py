"""The register endpoints of the JSON API: thin views over speakup.register. Public and read-only,
rate limited, and cacheable with an ETag."""

from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.http import etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination

from speakup.core.api_errors import INVALID_PAGE, NOT_A_PAGE_NUMBER, not_found
from speakup.register import queries
from speakup.register.forms import SEARCH_MAX, SearchForm
from speakup.register.models import Appointment, Director, FtsuRole, Status
from speakup.register.throttling import RegisterRateThrottle, register_etag


class AppointmentSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")
    ftsu_role = serializers.ChoiceField(choices=FtsuRole.choices)

    class Meta:
        model = Appointment
        fields = ["organisation", "role_title", "executive", "ftsu_role", "start_date", "end_date"]


class DirectorSerializer(serializers.ModelSerializer):
    name = serializers.CharField()
    status = serializers.SerializerMethodField()
    appointments = AppointmentSerializer(many=True)

    class Meta:
        model = Director
        fields = ["register_number", "name", "status", "appointments"]

    def get_status(self, director) -> str:
        return queries.effective_status(director).value


class ConditionSerializer(serializers.Serializer):
    text = serializers.CharField()
    review_date = serializers.DateField()


class AppealSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    reasons = serializers.CharField()
    decided_at = serializers.DateTimeField()


class DecisionSerializer(serializers.Serializer):
    case = serializers.CharField(source="case.reference")
    outcome = serializers.CharField()
    reasons = serializers.CharField()
    decided_at = serializers.DateTimeField()
    suspended_until = serializers.DateField(allow_null=True)
    appeal = serializers.SerializerMethodField()

    def get_appeal(self, decision) -> AppealSerializer(allow_null=True):  # type: ignore[valid-type]
        appeal = getattr(decision, "appeal", None)
        if appeal is None or appeal.decided_at is None:
            return None
        return AppealSerializer(appeal).data


class DirectorDetailSerializer(DirectorSerializer):
    conditions = serializers.SerializerMethodField()
    decisions = serializers.SerializerMethodField()

    class Meta(DirectorSerializer.Meta):
        fields = [*DirectorSerializer.Meta.fields, "conditions", "decisions"]

    def get_conditions(self, director) -> ConditionSerializer(many=True):  # type: ignore[valid-type]
        return ConditionSerializer(queries.conditions_in_force(director), many=True).data

    def get_decisions(self, director) -> DecisionSerializer(many=True):  # type: ignore[valid-type]
        return DecisionSerializer(queries.published_decisions(director), many=True).data


class RegisterPagination(PageNumberPagination):
    page_size = 20
    invalid_page_message = INVALID_PAGE

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)  # "last" is the last page's
        if not _is_page_number(number):
            raise ParseError(NOT_A_PAGE_NUMBER)
        return number


def _is_page_number(value) -> bool:
    """A whole number from 1, read as Django's paginator reads it (int(), so " 2" is page 2)."""
    try:
        return int(value) >= 1
    except (TypeError, ValueError):
        return False


class PublicRegisterView:
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [RegisterRateThrottle]


@method_decorator(etag(register_etag), name="get")
@extend_schema(
    parameters=[
        OpenApiParameter(
            "q",
            OpenApiTypes.STR,
            description="Every word must be found in the director's name, their register "
            "number, or the name or ODS code of an organisation where they have an appointment "
            "(current, upcoming or past). Part of a word is enough, such as kest for Kestrel. "
            f"Only the first {queries.SEARCH_WORDS_MAX} words count. "
            f"{SEARCH_MAX} characters at most.",
        ),
        OpenApiParameter(
            "organisation",
            OpenApiTypes.STR,
            description="An organisation's whole ODS code, such as RXX, or part of its name, "
            "such as Riverbank: directors with an appointment there (current, upcoming or past). "
            f"{SEARCH_MAX} characters at most.",
        ),
        OpenApiParameter("status", OpenApiTypes.STR, enum=Status.values),
    ],
    responses={
        200: DirectorSerializer(many=True),
        400: OpenApiResponse(
            description="A message for each search term that was refused, or for a page that "
            "is not a whole number from 1"
        ),
    },
)
class DirectorList(PublicRegisterView, generics.ListAPIView):
    """Search the public register of board directors."""

    serializer_class = DirectorSerializer
    pagination_class = RegisterPagination

    def get_queryset(self):
        # The search page's own form: the same limits and messages on both.
        search = SearchForm(self.request.query_params)
        if not search.is_valid():
            raise serializers.ValidationError(search.errors)
        return queries.directors_search(**search.cleaned_data)


@method_decorator(etag(register_etag), name="get")
class DirectorDetail(PublicRegisterView, generics.RetrieveAPIView):
    """One director's public entry, with conditions in force and published decisions."""

    serializer_class = DirectorDetailSerializer

    def get_object(self):
        director = queries.director_by_number(self.kwargs["register_number"])
        if director is None:
            raise not_found("director")
        return director


urlpatterns = [
    path("register/directors", DirectorList.as_view(), name="list_directors"),
    path(
        "register/directors/<str:register_number>",
        DirectorDetail.as_view(),
        name="show_director",
    ),
]
