"""The concerns endpoints of the JSON API: thin views over speakup.concerns."""

# Public ---------------------------------------------------------------------------------------
# Speakers need no account: they submit a concern, then hold a receipt code. The code buys a
# bearer token (signed, 30 minutes) for the /speaker/ endpoints. Nothing about the client's
# connection is kept, and every response says "no-store" and sends referrers to our own site
# only (concerns/privacy.py).

import functools

from django.urls import path
from django.utils.http import parse_header_parameters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from speakup.concerns import throttling
from speakup.concerns.limits import (
    CALLED,
    COMMENT_MAX,
    DESCRIPTION_MAX,
    EMAIL_MAX,
    LINE_MANAGER_READS,
    MESSAGE_MAX,
    MISSING,
    NAME_MAX,
    PHONE_MAX,
    REASON_MAX,
    TEXT_MAX,
)
from speakup.concerns.models import Confidentiality, SpeakUpAgain, Status
from speakup.concerns.privacy import add_speaker_headers
from speakup.concerns.receipts import normalise_receipt_code
from speakup.concerns.services.intake import SubmissionInvalid, concern_submit
from speakup.concerns.services.speaker import (
    SPEAKER_TOKEN_MAX_AGE,
    SpeakerInputInvalid,
    SpeakerRefused,
    concern_for_receipt,
    concern_for_token,
    speaker_feedback,
    speaker_reply,
    speaker_token_for,
    speaker_view,
)
from speakup.concerns.taxonomy import WORKER_GROUP_CODES
from speakup.core.api_errors import ErrorSerializer, not_found_response
from speakup.core.parsers import EMPTY_BODY, SafeJSONParser
from speakup.core.words import too_long

PUBLIC_MAX_BODY_BYTES = 64 * 1024  # a 20,000-character description, in any script, fits


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_MAX)
    email = serializers.EmailField(max_length=EMAIL_MAX)
    phone = serializers.CharField(max_length=PHONE_MAX, required=False)


class ConcernInSerializer(serializers.Serializer):
    organisation = serializers.CharField(help_text="The organisation's ODS code")
    confidentiality = serializers.ChoiceField(choices=Confidentiality.values)
    description = serializers.CharField(min_length=1, max_length=DESCRIPTION_MAX)
    worker_group = serializers.ChoiceField(choices=WORKER_GROUP_CODES, required=False)
    patient_safety_risk = serializers.BooleanField(required=False)
    detriment_experienced = serializers.BooleanField(required=False)
    contact = ContactSerializer(
        required=False, help_text="Required for open and confidential; refused for anonymous"
    )


class ConcernCreatedSerializer(serializers.Serializer):
    reference = serializers.CharField()
    receipt_code = serializers.CharField(help_text="16 digits, shown only once")
    status = serializers.ChoiceField(choices=[Status.RECEIVED.value])
    acknowledge_by = serializers.DateField()


class ReceiptInSerializer(serializers.Serializer):
    receipt_code = serializers.CharField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as 'Authorization: Bearer <token>'")
    expires_in = serializers.IntegerField(help_text="Seconds")


class SpeakerMessageSerializer(serializers.Serializer):
    author = serializers.ChoiceField(choices=["speaker", "guardian"])
    body = serializers.CharField()
    sent_at = serializers.DateTimeField()


class SpeakerFileSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="As the speaker's computer called it")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes")


class SpeakerConcernSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.values)
    created_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledge_by = serializers.DateField()
    feedback_by = serializers.DateField()
    closed_at = serializers.DateTimeField(allow_null=True)
    messages = SpeakerMessageSerializer(many=True)
    files = SpeakerFileSerializer(
        many=True, help_text="The files the speaker attached: names only, never their content"
    )


class MessageInSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MESSAGE_MAX)


class FeedbackInSerializer(serializers.Serializer):
    would_speak_up_again = serializers.ChoiceField(choices=SpeakUpAgain.values)
    detriment = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=COMMENT_MAX)


class FeedbackOutSerializer(serializers.Serializer):
    would_speak_up_again = serializers.ChoiceField(choices=SpeakUpAgain.values)
    detriment = serializers.BooleanField()


FIELD_ERRORS = OpenApiResponse(description="A message for each field that was refused")
BEARER = OpenApiParameter(
    "Authorization",
    location=OpenApiParameter.HEADER,
    required=True,
    description="Bearer <token> from POST /api/v1/speaker/session",
)


def _problem(message: str, status: int, **headers) -> Response:
    return Response({"detail": message}, status=status, headers=headers or None)


def _field_errors(errors: dict[str, str]) -> Response:
    """{"contact.email": "..."} becomes {"contact": {"email": ["..."]}}, as DRF nests them."""
    body: dict = {}
    for key, message in errors.items():
        *parents, leaf = key.split(".")
        where = body
        for parent in parents:
            existing = where.get(parent)
            if not isinstance(existing, dict):
                existing = {"non_field_errors": existing} if existing else {}
                where[parent] = existing
            where = existing
        where[leaf] = [message]
    return Response(body, status=http.HTTP_400_BAD_REQUEST)


def public_json(handler):
    """Size and content type first (413, 415), then the speaker's privacy headers."""

    @functools.wraps(handler)
    def wrapped(self, request, *args, **kwargs):
        if request.method in ("POST", "PUT", "PATCH"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > PUBLIC_MAX_BODY_BYTES:
                response = _problem(
                    f"The request body must be {PUBLIC_MAX_BODY_BYTES // 1024} KB or smaller",
                    http.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                )
                return add_speaker_headers(response)
            # The media type alone: "application/json; charset=utf-8" is JSON too.
            if parse_header_parameters(request.content_type)[0] != "application/json":
                response = _problem(
                    "Send the request body as JSON, with Content-Type: application/json",
                    http.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                )
                return add_speaker_headers(response)
            if not isinstance(request.data, dict):
                return add_speaker_headers(_problem("Send a JSON object", 400))
        return add_speaker_headers(handler(self, request, *args, **kwargs))

    return wrapped


class PublicAPIView(APIView):
    authentication_classes: list = []  # no session, so no CSRF token and no staff identity
    permission_classes = [AllowAny]
    parser_classes = [SafeJSONParser]

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors raised by DRF itself (a JSON syntax error) carry the same headers.
        return add_speaker_headers(super().finalize_response(request, response, *args, **kwargs))


class SpeakerAPIView(PublicAPIView):
    def speaker_concern(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return concern_for_token(token.strip())

    def unauthorised(self) -> Response:
        return _problem(
            "Sign in with your receipt code at POST /api/v1/speaker/session, then send "
            "'Authorization: Bearer <token>'",
            http.HTTP_401_UNAUTHORIZED,
            **{"WWW-Authenticate": 'Bearer realm="speaker"'},
        )


class SubmitConcern(PublicAPIView):
    @extend_schema(
        operation_id="submit_concern",
        summary="Speak up: submit a concern (no sign-in)",
        request=ConcernInSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                location=OpenApiParameter.HEADER,
                required=False,
                description="Retries with the same key return the first result",
            )
        ],
        responses={
            201: ConcernCreatedSerializer,
            400: FIELD_ERRORS,
            413: ErrorSerializer,
            415: ErrorSerializer,
            429: ErrorSerializer,
        },
        auth=[],
    )
    @public_json
    def post(self, request):
        if not throttling.allow_submission(request):
            return _problem(
                "Too many concerns sent from here this hour: try again later",
                http.HTTP_429_TOO_MANY_REQUESTS,
                **{"Retry-After": "3600"},
            )
        data = request.data
        try:
            submitted = concern_submit(
                organisation=data.get("organisation"),
                confidentiality=data.get("confidentiality"),
                description=data.get("description"),
                worker_group=data.get("worker_group"),
                patient_safety_risk=data.get("patient_safety_risk"),
                detriment_experienced=data.get("detriment_experienced"),
                contact=data.get("contact"),
                idempotency_key=(
                    f"api:{request.headers['Idempotency-Key']}"
                    if "Idempotency-Key" in request.headers
                    else None
                ),
            )
        except SubmissionInvalid as refused:
            return _field_errors(refused.errors)
        concern = submitted.concern
        body = {
            "reference": concern.reference,
            "receipt_code": submitted.receipt_code,
            "status": Status.RECEIVED.value,
            "acknowledge_by": concern.acknowledge_by,
        }
        headers = {"Idempotent-Replayed": "true"} if submitted.replayed else None
        return Response(body, status=http.HTTP_201_CREATED, headers=headers)


class SpeakerSession(PublicAPIView):
    @extend_schema(
        operation_id="speaker_sign_in",
        summary="Exchange a receipt code for a 30-minute bearer token (throttled)",
        request=ReceiptInSerializer,
        responses={
            200: TokenSerializer,
            400: ErrorSerializer,
            401: ErrorSerializer,
            413: ErrorSerializer,
            415: ErrorSerializer,
            429: ErrorSerializer,
        },
        auth=[],
    )
    @public_json
    def post(self, request):
        code = request.data.get("receipt_code")
        if not throttling.allow_attempt(request):
            return _problem(
                "Too many attempts: wait an hour and try again",
                http.HTTP_429_TOO_MANY_REQUESTS,
                **{"Retry-After": "3600"},
            )
        concern = None
        if isinstance(code, str) and normalise_receipt_code(code):
            concern = concern_for_receipt(code)
        if concern is None:
            throttling.record_failure(request)  # an empty body too, as it always was
            if request.stream is None:
                # No body at all, which DRF reads as {} without asking the parser: said as the
                # parser says a body of only spaces, not as a wrong receipt code.
                return _problem(EMPTY_BODY, 400)
            return _problem("There is no concern with that receipt code", 401)
        return Response({"token": speaker_token_for(concern), "expires_in": SPEAKER_TOKEN_MAX_AGE})


class SpeakerConcern(SpeakerAPIView):
    @extend_schema(
        operation_id="speaker_show_concern",
        summary="The speaker's concern: status, dates, the conversation and their files' names",
        parameters=[BEARER],
        responses={200: SpeakerConcernSerializer, 401: ErrorSerializer},
        auth=[],
    )
    def get(self, request):
        concern = self.speaker_concern(request)
        if concern is None:
            return self.unauthorised()
        view = speaker_view(concern=concern)
        return Response(
            {
                "reference": view.reference,
                "status": view.status,
                "created_at": view.created_at,
                "acknowledged_at": view.acknowledged_at,
                "acknowledge_by": view.acknowledge_by,
                "feedback_by": view.feedback_by,
                "closed_at": view.closed_at,
                "messages": [
                    {"author": m.author, "body": m.body, "sent_at": m.sent_at}
                    for m in view.messages
                ],
                "files": [
                    {"name": f.name, "content_type": f.content_type, "size": f.size}
                    for f in view.files
                ],
            }
        )


class SpeakerMessages(SpeakerAPIView):
    @extend_schema(
        operation_id="speaker_send_message",
        summary="The speaker writes to the guardian",
        parameters=[BEARER],
        request=MessageInSerializer,
        responses={
            201: SpeakerMessageSerializer,
            400: FIELD_ERRORS,
            401: ErrorSerializer,
            409: ErrorSerializer,
            413: ErrorSerializer,
            415: ErrorSerializer,
        },
        auth=[],
    )
    @public_json
    def post(self, request):
        concern = self.speaker_concern(request)
        if concern is None:
            return self.unauthorised()
        body = request.data.get("body")
        try:
            message = speaker_reply(concern=concern, body=body)
        except SpeakerInputInvalid as refused:
            return _field_errors(refused.errors)
        except SpeakerRefused as refused:
            return _problem(str(refused), http.HTTP_409_CONFLICT)
        return Response(
            {"author": "speaker", "body": body.strip(), "sent_at": message.sent_at},
            status=http.HTTP_201_CREATED,
        )


class SpeakerFeedback(SpeakerAPIView):
    @extend_schema(
        operation_id="speaker_give_feedback",
        summary="'Given your experience, would you speak up again?' (once the concern is closed)",
        parameters=[BEARER],
        request=FeedbackInSerializer,
        responses={
            201: FeedbackOutSerializer,
            400: FIELD_ERRORS,
            401: ErrorSerializer,
            409: ErrorSerializer,
            413: ErrorSerializer,
            415: ErrorSerializer,
        },
        auth=[],
    )
    @public_json
    def post(self, request):
        concern = self.speaker_concern(request)
        if concern is None:
            return self.unauthorised()
        data = request.data
        try:
            feedback = speaker_feedback(
                concern=concern,
                would_speak_up_again=data.get("would_speak_up_again"),
                detriment=data.get("detriment"),
                comment=data.get("comment"),
            )
        except SpeakerInputInvalid as refused:
            return _field_errors(refused.errors)
        except SpeakerRefused as refused:
            return _problem(str(refused), http.HTTP_409_CONFLICT)
        return Response(
            {
                "would_speak_up_again": feedback.would_speak_up_again,
                "detriment": feedback.detriment,
            },
            status=http.HTTP_201_CREATED,
        )


urlpatterns: list = [
    path("concerns", SubmitConcern.as_view(), name="submit_concern"),
    path("speaker/session", SpeakerSession.as_view(), name="speaker_sign_in"),
    path("speaker/concern", SpeakerConcern.as_view(), name="speaker_show_concern"),
    path("speaker/messages", SpeakerMessages.as_view(), name="speaker_send_message"),
    path("speaker/feedback", SpeakerFeedback.as_view(), name="speaker_give_feedback"),
]


# Staff ---------------------------------------------------------------------------------------
# Guardians and accountable leaders, by token (`speakup api-token EMAIL`) or signed-in session;
# the same scoped querysets and rules as the pages, so an outsider gets 404.

from django.core.exceptions import ValidationError as _DjangoValidationError  # noqa: E402
from django.urls import path as _path  # noqa: E402
from django.utils import timezone as _timezone  # noqa: E402
from drf_spectacular.utils import extend_schema, extend_schema_field  # noqa: E402
from rest_framework import permissions as _permissions  # noqa: E402
from rest_framework import serializers as _s  # noqa: E402
from rest_framework import status as _status  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from speakup.concerns import attachments as _attachments  # noqa: E402
from speakup.concerns import presenters as _presenters  # noqa: E402
from speakup.concerns import sealing as _sealing  # noqa: E402
from speakup.concerns.models import Escalation  # noqa: E402
from speakup.concerns.queries import case_actions  # noqa: E402
from speakup.concerns.references import stored_reference  # noqa: E402
from speakup.concerns.services import handling as _handling  # noqa: E402
from speakup.concerns.taxonomy import ELEMENT_CODES, WORKER_GROUP_CODES  # noqa: E402
from speakup.core.api_errors import SECOND_FACTOR_FIRST, found_or_404, not_found  # noqa: E402
from speakup.core.permissions import can as _can  # noqa: E402
from speakup.core.permissions import visible as _visible  # noqa: E402
from speakup.organisations.queries import needs_two_factor as _needs_two_factor  # noqa: E402
from speakup.organisations.queries import user_by_email as _user_by_email  # noqa: E402


class StaffOnly(_permissions.BasePermission):
    """Signed in; by session, after the second factor if their roles need one (tokens are
    issued by an operator). Anyone else signed in sees what their roles let them, which is
    nothing: an empty list and the same 404s as an outsider, never a 403 that marks them out."""

    message = SECOND_FACTOR_FIRST

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        by_session = request.auth is None
        # A user the OTP middleware has not seen (a test's forced user) has no is_verified.
        unverified = hasattr(user, "is_verified") and not user.is_verified()
        return not (by_session and unverified and _needs_two_factor(user))


class StaffAPIView(APIView):
    permission_classes = [StaffOnly]  # by the API's token or session (settings.REST_FRAMEWORK)

    def concern(self, reference):
        return found_or_404(
            _visible(self.request.user, "concerns.concerns").select_related("organisation"),
            "concern",
            reference=stored_reference(reference),
        )

    def refused(self, error: _DjangoValidationError) -> Response:
        if hasattr(error, "error_dict"):
            body = error.message_dict
        else:
            body = {"non_field_errors": error.messages}
        return Response(body, status=_status.HTTP_400_BAD_REQUEST)


@extend_schema_field(
    {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}
)
class _SpeakersMoment(_s.Field):
    """When the speaker did something: a moment for the guardians, a date for the leaders
    (presenters.speakers_moment)."""


class StaffConcernSummarySerializer(_s.Serializer):
    reference = _s.CharField()
    organisation = _s.CharField(help_text="ODS code")
    status = _s.CharField()
    confidentiality = _s.CharField()
    received_at = _SpeakersMoment(
        help_text="When it arrived: the moment (ISO 8601 date and time) for the guardians; the "
        "date alone (YYYY-MM-DD) for the leaders following it up, as their case page says"
    )
    acknowledge_by = _s.DateField()
    feedback_by = _s.DateField()
    acknowledged_at = _SpeakersMoment(
        allow_null=True,
        help_text="As received_at: a moment for the guardians, the date alone for the leaders "
        "(acknowledging follows arriving closely)",
    )
    elements = _s.ListField(child=_s.CharField())
    worker_group = _s.CharField(
        allow_blank=True,
        allow_null=True,
        help_text="Empty: not given. Null for the leaders following the concern up: only the "
        "guardians see it (in a small team it can tell who spoke up)",
    )
    accountable_lead = _s.EmailField(allow_null=True)
    overdue = _s.BooleanField()


class StaffMessageSerializer(_s.Serializer):
    author = _s.ChoiceField(choices=["speaker", "guardian"])
    body = _s.CharField()
    sent_at = _s.DateTimeField()


class StaffActionChangeSerializer(_s.Serializer):
    at = _s.DateTimeField()
    by = _s.EmailField(help_text="The guardian who made the change")
    from_handler = _s.EmailField(allow_null=True, help_text="Null: it was with the guardian")
    to_handler = _s.EmailField()
    from_respond_by = _s.DateField(allow_null=True)
    to_respond_by = _s.DateField()
    reason = _s.CharField(help_text="Why, as the guardian wrote it")


class StaffActionSerializer(_s.Serializer):
    id = _s.IntegerField()
    state = _s.CharField()
    handler = _s.EmailField(allow_null=True)
    respond_by = _s.DateField(allow_null=True)
    description = _s.CharField()
    response = _s.CharField(allow_null=True)
    changes = StaffActionChangeSerializer(
        many=True,
        help_text="Each new date or handing on, oldest first (the case page's \"Changes to "
        'action" table); a handler or date that did not change has the same from and to',
    )


class StaffAttachmentSerializer(_s.Serializer):
    id = _s.IntegerField()
    name = _s.CharField(help_text="As the speaker's computer called it")
    content_type = _s.CharField(help_text="What the file really is, judged by its content")
    size = _s.IntegerField(help_text="In bytes")
    added_at = _s.DateTimeField()


# Stable codes for the escalation levels (the page words them: "Accountable leader").
ESCALATION_LEVELS = {
    Escalation.Level.GUARDIAN: "guardian",
    Escalation.Level.ACCOUNTABLE_LEAD: "accountable_lead",
    Escalation.Level.EXECUTIVE_LEAD: "executive_lead",
    Escalation.Level.NON_EXECUTIVE_LEAD: "non_executive_lead",
}


class StaffEscalationSerializer(_s.Serializer):
    at = _SpeakersMoment(help_text="As received_at: a moment for the guardians, a date for leaders")
    level = _s.ChoiceField(
        choices=[(code, level.label) for level, code in ESCALATION_LEVELS.items()],
        help_text="The step it reached: guardian, then accountable leader, then the executive "
        "and the non-executive FTSU lead (as the case page words them)",
    )
    reason = _s.ChoiceField(
        choices=Escalation.Reason.choices, help_text="Why (as the case page words it)"
    )
    escalated_to = _s.EmailField(allow_null=True, help_text='Null: nobody (the page: "Nobody")')
    resolved_at = _s.DateTimeField(allow_null=True, help_text="Null: not resolved yet")


class StaffStatusChangeSerializer(_s.Serializer):
    from_status = _s.CharField(allow_blank=True)
    to_status = _s.CharField()
    at = _SpeakersMoment(
        help_text='When: the date alone for a move the speaker made ("by": "speaker"), unless '
        "you are a guardian, as for received_at"
    )
    by = _s.CharField(
        allow_null=True,
        help_text='Who moved the case: a staff email, "speaker" or "system" (the tick)',
    )


class StaffConcernDetailSerializer(StaffConcernSummarySerializer):
    description = _s.CharField()
    speaker = _s.DictField(
        allow_null=True,
        help_text="Name, email, phone: for the guardians, and for an open speaker also the leaders "
        "following the case up (accountable, or escalated to); null for anyone else",
    )
    messages = StaffMessageSerializer(many=True)
    actions = StaffActionSerializer(many=True)
    attachment_count = _s.IntegerField(
        help_text="How many files the speaker attached, for everyone who reads the case (the "
        "case page says so too)"
    )
    attachments = StaffAttachmentSerializer(
        many=True,
        help_text="The speaker's files, without their content (on the case page): the guardian "
        "and whoever may know who the speaker is; empty for anyone else, who is given only "
        "attachment_count",
    )
    escalations = StaffEscalationSerializer(many=True, help_text="Oldest first")
    status_history = StaffStatusChangeSerializer(many=True)


def _email(user) -> str | None:
    return user.email if user else None


def _summary(user, concern, today) -> dict:
    """A concern in a list, or what a change answers: as the case page shows it to `user`."""
    clues = _can(user, "concerns.view_speaker_clues", concern)
    return {
        "reference": concern.reference,
        "organisation": concern.organisation.ods_code,
        "status": concern.status,
        "confidentiality": concern.confidentiality,
        "received_at": _presenters.speakers_moment(concern.received_at, with_time=clues),
        "acknowledge_by": concern.acknowledge_by,
        "feedback_by": concern.feedback_by,
        "acknowledged_at": _presenters.speakers_moment(concern.acknowledged_at, with_time=clues),
        "elements": [e.code for e in concern.elements.all()],
        "worker_group": concern.worker_group if clues else None,
        "accountable_lead": _email(concern.accountable_lead),
        "overdue": bool(_presenters.concern_overdue(concern, today))
        or bool(getattr(concern, "late_actions", 0)),
    }


def _files(user, concern) -> dict:
    """How many files the speaker attached, to everyone who reads the case (as its page says);
    the files themselves only to those who may open them."""
    files = list(concern.attachments.order_by("added_at", "id"))
    shown = _can(user, "concerns.view_attachments", concern)
    return {
        "attachment_count": len(files),
        "attachments": [
            {
                "id": a.pk,
                "name": _attachments.attachment_name(concern, a),
                "content_type": a.content_type,
                "size": a.size,
                "added_at": a.added_at,
            }
            for a in files
        ]
        if shown
        else [],
    }


def _detail(user, concern) -> dict:
    unseal = _sealing.unseal
    conversation = _can(user, "concerns.view_conversation", concern)
    clues = _can(user, "concerns.view_speaker_clues", concern)
    return {
        **_summary(user, concern, _timezone.localdate()),
        "description": unseal(concern, "narrative", concern.narrative_sealed),
        "speaker": _handling.speaker_contact(concern)
        if _can(user, "concerns.view_speaker", concern)
        else None,
        "messages": [
            {
                "author": m.author,
                "body": unseal(concern, "body", m.body_sealed),
                "sent_at": m.sent_at,
            }
            for m in concern.messages.all()
        ]
        if conversation
        else [],
        "actions": [
            {
                "id": a.pk,
                "state": a.state,
                "handler": _email(a.handler),
                "respond_by": a.respond_by,
                "description": unseal(concern, "description", a.description_sealed),
                "response": unseal(concern, "response", a.response_sealed),
                "changes": [
                    {
                        "at": c.at,
                        "by": c.by.email,
                        "from_handler": _email(c.from_handler),
                        "to_handler": c.to_handler.email,
                        "from_respond_by": c.from_respond_by,
                        "to_respond_by": c.to_respond_by,
                        "reason": unseal(concern, "action_change_reason", c.reason_sealed),
                    }
                    for c in a.changes.all()
                ],
            }
            for a in case_actions(concern)
        ],
        **_files(user, concern),
        "escalations": [
            {
                "at": _presenters.speakers_moment(e.at, with_time=clues),
                "level": ESCALATION_LEVELS[e.level],
                "reason": e.reason,
                "escalated_to": _email(e.escalated_to),
                "resolved_at": e.resolved_at,
            }
            for e in concern.escalations.select_related("escalated_to")
        ],
        "status_history": [
            {
                "from_status": c.from_status,
                "to_status": c.to_status,
                "at": _presenters.speakers_moment(c.at, with_time=clues),
                "by": _email(c.by) if c.by_label == "staff" else c.by_label,
            }
            for c in concern.status_changes.select_related("by")
        ],
    }


# What any staff endpoint may answer instead (documented once, used by each).
STAFF_READ_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="No valid token or session"),
    403: OpenApiResponse(ErrorSerializer, description="Signed in without the second factor"),
    404: not_found_response("No such concern that you may see"),
}
STAFF_WRITE_ERRORS = {
    **STAFF_READ_ERRORS,
    404: not_found_response("No such concern that you may change, or no such action of it"),
    400: FIELD_ERRORS,
    # A body whose type cannot be read (a broken multipart boundary, say): found by fuzzing.
    415: OpenApiResponse(ErrorSerializer, description="The body is not JSON, form or multipart"),
}


class StaffConcernList(StaffAPIView):
    @extend_schema(
        operation_id="staff_list_concerns",
        summary="Concerns you may see (guardian: your organisations'; leader: yours)",
        description="One list, newest first, not paged: the 1,000 newest concerns, of any status.",
        responses={200: StaffConcernSummarySerializer(many=True), **STAFF_READ_ERRORS},
    )
    def get(self, request):
        from speakup.concerns.queries import concerns_filtered

        today = _timezone.localdate()
        concerns = concerns_filtered(
            _visible(request.user, "concerns.concerns").select_related("accountable_lead"),
            today=today,
        )
        return Response([_summary(request.user, c, today) for c in concerns[:1000]])


class StaffConcernDetail(StaffAPIView):
    @extend_schema(
        operation_id="staff_show_concern",
        summary="One concern, as its case page shows it to you",
        responses={200: StaffConcernDetailSerializer, **STAFF_READ_ERRORS},
    )
    def get(self, request, reference):
        from django.db import transaction

        concern = self.concern(reference)
        with transaction.atomic():
            _handling.concern_view(user=request.user, concern=concern)
            body = _detail(request.user, concern)
        return Response(body)


class _Empty(_s.Serializer):
    pass


class StaffAcknowledge(StaffAPIView):
    @extend_schema(
        operation_id="staff_acknowledge_concern",
        request=None,
        responses={200: StaffConcernSummarySerializer, **STAFF_WRITE_ERRORS},
    )
    def post(self, request, reference):
        concern = self.concern(reference)
        require_handler(request.user, concern)
        try:
            concern = _handling.concern_acknowledge(user=request.user, concern=concern)
        except _DjangoValidationError as error:
            return self.refused(error)
        return Response(_summary(request.user, concern, _timezone.localdate()))


class StaffTriageSerializer(_s.Serializer):
    elements = _s.ListField(child=_s.ChoiceField(choices=ELEMENT_CODES), allow_empty=False)
    worker_group = _s.ChoiceField(choices=WORKER_GROUP_CODES)
    confidentiality_reviewed = _s.BooleanField(required=False, default=True)


class StaffTriage(StaffAPIView):
    @extend_schema(
        operation_id="staff_triage_concern",
        request=StaffTriageSerializer,
        responses={200: StaffConcernSummarySerializer, **STAFF_WRITE_ERRORS},
    )
    def post(self, request, reference):
        concern = self.concern(reference)
        require_handler(request.user, concern)
        data = StaffTriageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            concern = _handling.concern_triage(
                user=request.user, concern=concern, **data.validated_data
            )
        except _DjangoValidationError as error:
            return self.refused(error)
        return Response(_summary(request.user, concern, _timezone.localdate()))


def _staff_text(field: str, **kwargs) -> _s.CharField:
    """Free text as the staff pages take it: their limit, and their words when it is over or
    left out."""
    return _s.CharField(
        max_length=TEXT_MAX,
        error_messages={
            "max_length": too_long(CALLED[field], TEXT_MAX),
            "blank": MISSING[field],
            "required": MISSING[field],
        },
        **kwargs,
    )


class StaffAssignSerializer(_s.Serializer):
    handler = _s.EmailField(help_text="A line manager of the concern's organisation")
    accountable_lead = _s.EmailField(
        required=False, help_text="An executive lead or board member; needed once per concern"
    )
    respond_by = _s.DateField()
    description = _staff_text(
        "description",
        required=False,
        allow_blank=True,
        help_text=LINE_MANAGER_READS["description"],
    )
    shared_summary = _staff_text(
        "shared_summary",
        required=False,
        allow_blank=True,
        help_text=LINE_MANAGER_READS["shared_summary"],
    )


class StaffAssignResponse(_s.Serializer):
    action = _s.IntegerField()
    handler = _s.EmailField()
    respond_by = _s.DateField()
    accountable_lead = _s.EmailField()


def require_handler(user, concern) -> None:
    """Leaders may read a case through the API; only its guardian changes it."""
    if not _can(user, "concerns.handle_concern", concern):
        raise not_found("concern_to_change")


class StaffAssign(StaffAPIView):
    @extend_schema(
        operation_id="staff_assign_action",
        request=StaffAssignSerializer,
        responses={201: StaffAssignResponse, **STAFF_WRITE_ERRORS},
    )
    def post(self, request, reference):
        concern = self.concern(reference)
        require_handler(request.user, concern)
        data = StaffAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        errors = {}
        handler = _user_by_email(values["handler"])
        if handler is None:
            errors["handler"] = ["Nobody has this email address"]
        lead = None
        if values.get("accountable_lead"):
            lead = _user_by_email(values["accountable_lead"])
            if lead is None:
                errors["accountable_lead"] = ["Nobody has this email address"]
        if errors:
            return Response(errors, status=_status.HTTP_400_BAD_REQUEST)
        try:
            action = _handling.action_assign(
                user=request.user,
                concern=concern,
                handler=handler,
                respond_by=values["respond_by"],
                accountable_lead=lead,
                description=values.get("description", ""),
                shared_summary=values.get("shared_summary", ""),
            )
        except _DjangoValidationError as error:
            return self.refused(error)
        concern.refresh_from_db()
        return Response(
            {
                "action": action.pk,
                "handler": handler.email,
                "respond_by": action.respond_by,
                "accountable_lead": concern.accountable_lead.email,
            },
            status=_status.HTTP_201_CREATED,
        )


class StaffChangeActionSerializer(_s.Serializer):
    handler = _s.EmailField(
        required=False,
        help_text="A line manager of the concern's organisation to hand the action to; "
        "left out, it stays with whoever has it",
    )
    respond_by = _s.DateField(
        required=False, help_text="From today to a year ahead; left out, the date stays"
    )
    reason = _s.CharField(
        max_length=REASON_MAX,
        error_messages={
            "max_length": too_long(CALLED["reason"], REASON_MAX),
            "blank": "Enter the reason for the change",
            "required": "Enter the reason for the change",
        },
        help_text="Why: kept in the case's history, never shown to the line manager",
    )


class StaffChangeActionResponse(_s.Serializer):
    action = _s.IntegerField()
    handler = _s.EmailField()
    respond_by = _s.DateField()


class StaffChangeAction(StaffAPIView):
    @extend_schema(
        operation_id="staff_change_action",
        summary="Give an open action a new date, or hand it to another line manager, and why",
        request=StaffChangeActionSerializer,
        responses={200: StaffChangeActionResponse, **STAFF_WRITE_ERRORS},
    )
    def post(self, request, reference, action_id):
        concern = self.concern(reference)
        require_handler(request.user, concern)
        action = found_or_404(concern.actions.select_related("handler"), "action", pk=action_id)
        action.concern = concern
        data = StaffChangeActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        handler = None
        if values.get("handler"):
            handler = _user_by_email(values["handler"])
            if handler is None:
                return Response(
                    {"handler": ["Nobody has this email address"]},
                    status=_status.HTTP_400_BAD_REQUEST,
                )
        try:
            change = _handling.action_change(
                user=request.user,
                action=action,
                handler=handler,
                respond_by=values.get("respond_by"),
                reason=values["reason"],
            )
        except _DjangoValidationError as error:
            return self.refused(error)
        return Response(
            {
                "action": action.pk,
                "handler": change.to_handler.email,
                "respond_by": change.to_respond_by,
            }
        )


class StaffMessageInSerializer(_s.Serializer):
    body = _staff_text("body")


class StaffMessages(StaffAPIView):
    @extend_schema(
        operation_id="staff_message_speaker",
        request=StaffMessageInSerializer,
        responses={201: StaffMessageSerializer, **STAFF_WRITE_ERRORS},
    )
    def post(self, request, reference):
        concern = self.concern(reference)
        require_handler(request.user, concern)
        data = StaffMessageInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            message = _handling.concern_message(
                user=request.user, concern=concern, body=data.validated_data["body"]
            )
        except _DjangoValidationError as error:
            return self.refused(error)
        return Response(
            {"author": "guardian", "body": data.validated_data["body"], "sent_at": message.sent_at},
            status=_status.HTTP_201_CREATED,
        )


class StaffCloseSerializer(_s.Serializer):
    outcome = _staff_text("outcome")
    learning = _staff_text(
        "learning",
        help_text="Recorded if new or changed; the accountable leader must sign it off first",
    )


class StaffCloseBlockedSerializer(_s.Serializer):
    detail = _s.CharField()
    blockers = _s.ListField(child=_s.CharField())


class StaffClose(StaffAPIView):
    @extend_schema(
        operation_id="staff_close_concern",
        summary="Record the outcome and learning, and close once the leader has signed off",
        request=StaffCloseSerializer,
        responses={
            200: StaffConcernSummarySerializer,
            409: StaffCloseBlockedSerializer,
            **STAFF_WRITE_ERRORS,
        },
    )
    def post(self, request, reference):
        concern = self.concern(reference)
        require_handler(request.user, concern)
        data = StaffCloseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            concern = _handling.concern_close_with_learning(
                user=request.user, concern=concern, **data.validated_data
            )
        except _handling.CloseBlocked as blocked:
            return Response(
                {
                    "detail": "The concern cannot close yet: " + "; ".join(blocked.messages),
                    "blockers": blocked.messages,
                },
                status=_status.HTTP_409_CONFLICT,
            )
        except _DjangoValidationError as error:
            return self.refused(error)
        return Response(_summary(request.user, concern, _timezone.localdate()))


_staff_collection = StaffConcernList.as_view()


def _public_collection():
    """The speaker side's POST /concerns: the other view registered at the same path."""
    for pattern in urlpatterns:
        callback = getattr(pattern, "callback", None)
        if (
            str(pattern.pattern) == "concerns"
            and callback is not concerns_collection
            and getattr(callback, "cls", None) is not StaffConcernList
        ):
            return callback
    return None


def concerns_collection(request, *args, **kwargs):
    """GET /concerns is the staff list; POST /concerns is the speaker's submission."""
    public = _public_collection()
    if request.method in ("GET", "HEAD") or public is None:
        return _staff_collection(request, *args, **kwargs)
    return public(request, *args, **kwargs)


concerns_collection.csrf_exempt = True  # each view below applies its own CSRF rules

urlpatterns.insert(0, _path("concerns", concerns_collection, name="concerns_collection"))
urlpatterns += [
    # Routing goes to concerns_collection above; this entry puts GET in the OpenAPI schema.
    _path("concerns", StaffConcernList.as_view(), name="staff_list_concerns"),
    _path("concerns/<str:reference>", StaffConcernDetail.as_view(), name="staff_show_concern"),
    _path(
        "concerns/<str:reference>/acknowledge",
        StaffAcknowledge.as_view(),
        name="staff_acknowledge_concern",
    ),
    _path("concerns/<str:reference>/triage", StaffTriage.as_view(), name="staff_triage_concern"),
    _path("concerns/<str:reference>/assign", StaffAssign.as_view(), name="staff_assign_action"),
    _path(
        "concerns/<str:reference>/actions/<int:action_id>/change",
        StaffChangeAction.as_view(),
        name="staff_change_action",
    ),
    _path(
        "concerns/<str:reference>/messages", StaffMessages.as_view(), name="staff_message_speaker"
    ),
    _path("concerns/<str:reference>/close", StaffClose.as_view(), name="staff_close_concern"),
]
