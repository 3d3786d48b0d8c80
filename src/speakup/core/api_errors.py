"""What the API says when there is nothing to show it: every API 404 is worded here, in plain
English by the kind of thing asked for. The words are the same whether the thing does not exist
or the client may not see it, so that nobody learns which exist."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import (
    APIException,
    AuthenticationFailed,
    MethodNotAllowed,
    NotAcceptable,
    NotAuthenticated,
    NotFound,
    ParseError,
    PermissionDenied,
    Throttled,
    UnsupportedMediaType,
)
from rest_framework.views import exception_handler as drf_exception_handler

from speakup.core.words import listed

NOTHING_HERE = "There is nothing at this address that you can see."

NOT_FOUND = {
    "address": NOTHING_HERE,
    "concern": "There is no concern with that reference that you can see.",
    # A leader reads a case through the API, but only its guardian may change it.
    "concern_to_change": "There is no concern with that reference that you may change.",
    "action": "This concern has no action with that number.",
    "organisation": "There is no organisation with that ODS code that you can see.",
    "director": "There is no director with that register number on the register.",
}


def not_found(kind: str) -> NotFound:
    """The 404 to raise when there is no `kind` (a key of NOT_FOUND) the client may see."""
    return NotFound(NOT_FOUND[kind])


def found_or_404(queryset: QuerySet, kind: str, **lookup):
    """The one row of `queryset` matching `lookup`, or the plain 404 for `kind`."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise not_found(kind) from None


class ErrorSerializer(serializers.Serializer):
    """The body of every API error: one message to show the person."""

    detail = serializers.CharField()


def not_found_response(description: str) -> OpenApiResponse:
    """A 404 in an endpoint's OpenAPI responses: it always carries a message (see not_found)."""
    return OpenApiResponse(ErrorSerializer, description=description)


INVALID_PAGE = "There is no page {page_number} of these results."
# A 400, not INVALID_PAGE's 404: no page could ever be called this (page=abc, page=0).
NOT_A_PAGE_NUMBER = "A page is a whole number from 1."
NOT_SIGNED_IN = "Sign in, or send an API token (Authorization: Token <key>), to use this address."
# The 401 in a staff endpoint's OpenAPI responses: DRF answers it before the view runs.
NOT_SIGNED_IN_RESPONSE = OpenApiResponse(
    OpenApiTypes.OBJECT, description="No session and no API token, or a token that is not valid"
)
SECOND_FACTOR_FIRST = (
    "Finish signing in with your second factor (the 6-digit code) to use this address."
)
REFUSED_CREDENTIALS = (
    "That API token is not valid: it may have been replaced, or its account closed. "
    "Ask for a new one."
)

# Only a browser's session needs the token: an API token is no cookie a forged form could send.
CSRF_REFUSED = (
    "A request signed in with the browser's session must send its CSRF token (the csrftoken "
    "cookie, as the X-CSRFToken header). Scripts send an API token instead: "
    "Authorization: Token <key>."
)


def wrong_method(method: str, allowed: list[str]) -> str:
    """A 405 in plain English, naming the methods the address does take."""
    taken = [name for name in allowed if name not in ("OPTIONS", "HEAD")]
    takes = f" It takes {' and '.join(taken)}." if taken else ""
    return f"This address does not take {method} requests.{takes}"


# What was wrong with a multipart body, by the start of Django's own message ("Invalid boundary
# in multipart: None"); another problem is told in Django's words.
MULTIPART_PROBLEMS = {
    "Invalid boundary": "the Content-Type header must name the boundary that separates its "
    "parts, as in multipart/form-data; boundary=xyz",
    "Invalid non-ASCII Content-Type": "the Content-Type header holds characters outside ASCII",
    "Could not decode base64": "a part sent in base64 is not valid base64",
    "Request max total header size": "a part's headers are too long",
}


def _not_multipart(problem: MultiPartParserError) -> str:
    """A broken multipart/form-data body in plain English (DRF's: "Multipart form parse error -
    Invalid boundary in multipart: None")."""
    said = str(problem)
    what = next(
        (ours for start, ours in MULTIPART_PROBLEMS.items() if said.startswith(start)), said
    )
    return f"The body is not valid multipart/form-data: {what.rstrip('.')}."


# The bodies an address reads and the answers it gives, by media type, in the words a 415 or a
# 406 says them; a type not named here is given as it is.
MEDIA_TYPES = {
    "application/json": "JSON (Content-Type: application/json)",
    "text/csv": "CSV (Content-Type: text/csv)",
    "application/x-www-form-urlencoded": "a form (application/x-www-form-urlencoded)",
    "multipart/form-data": "a form upload (multipart/form-data)",
}


def _unsupported(sent: str | None, view) -> str:
    """A 415 naming what the address reads (DRF's: 'Unsupported media type "text/plain" in
    request.')."""
    types = [parser.media_type for parser in view.get_parsers()] if view else []
    reads = listed([MEDIA_TYPES.get(kind, kind) for kind in types], "or") if types else "JSON"
    return f"Send the body as {reads}: this address does not read {sent or 'that type'}."


def _not_acceptable(view) -> str:
    """A 406 naming what the address answers in (DRF's: "Could not satisfy the request Accept
    header.")."""
    types = list(dict.fromkeys(r.media_type for r in view.get_renderers())) if view else []
    if types in ([], ["application/json"]):
        return (
            "This address answers in JSON only: ask for application/json (Accept: "
            "application/json), or send no Accept header."
        )
    answers = listed(types, "or")
    return f"This address answers in {answers}: ask for one of them, or send no Accept header."


def request_too_big() -> str:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE (a JSON body, a form's fields), in the figure set."""
    limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:g} MB"
    return f"The request is larger than the {limit} speakup reads: send it in parts."


class RequestTooBig(APIException):
    """A 413, as the CSV imports answer a file too large."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE


def _too_many(wait: float | None) -> str:
    if wait is None:
        return "Too many requests. Try again later."
    seconds = max(1, round(wait))
    return f"Too many requests. Try again in {seconds} second{'' if seconds == 1 else 's'}."


def _same_challenge(ours, theirs):
    """`ours` keeps the challenge DRF gave `theirs`: WWW-Authenticate (Token, from the view's
    first authentication class), which a 401 must send, or DRF's 403 for a view with none."""
    ours.auth_header = getattr(theirs, "auth_header", None)
    ours.status_code = theirs.status_code
    return ours


def _in_our_words(exc, context):
    """DRF's own exceptions, which name the framework's ideas ("Request was throttled",
    "Authentication credentials"), in the plain English of the rest of the API."""
    if isinstance(exc, Http404) or (
        isinstance(exc, NotFound) and exc.detail == NotFound.default_detail
    ):
        return NotFound(NOTHING_HERE)
    # DRF's multipart parser raises its ParseError while handling Django's error.
    if isinstance(exc, ParseError) and isinstance(exc.__context__, MultiPartParserError):
        return ParseError(_not_multipart(exc.__context__))
    # Django's error, raised in the view: turned into an answer here, so that Django does not
    # log a client's mistake as an ERROR of django.security.RequestDataTooBig with a traceback.
    if isinstance(exc, RequestDataTooBig):
        return RequestTooBig(request_too_big())
    if isinstance(exc, MethodNotAllowed):
        request, view = context["request"], context.get("view")
        allowed = view.allowed_methods if view else []
        return MethodNotAllowed(request.method, detail=wrong_method(request.method, allowed))
    # The types said in DRF's words only: a view may have said what to send itself.
    if isinstance(exc, UnsupportedMediaType) and str(exc.detail).startswith("Unsupported media"):
        sent = context["request"].content_type.split(";")[0].strip()
        return UnsupportedMediaType(sent, detail=_unsupported(sent, context.get("view")))
    if isinstance(exc, NotAcceptable) and exc.detail == NotAcceptable.default_detail:
        return NotAcceptable(_not_acceptable(context.get("view")))
    if isinstance(exc, Throttled):
        ours = Throttled(detail=_too_many(exc.wait))  # given `wait`, DRF adds its own sentence
        ours.wait = exc.wait  # still sent as the Retry-After header
        return ours
    if isinstance(exc, NotAuthenticated) and exc.detail == NotAuthenticated.default_detail:
        return _same_challenge(NotAuthenticated(NOT_SIGNED_IN), exc)
    if isinstance(exc, AuthenticationFailed):
        return _same_challenge(AuthenticationFailed(REFUSED_CREDENTIALS), exc)
    # DRF's session check words it "CSRF Failed: CSRF cookie not set."
    if isinstance(exc, PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        return PermissionDenied(CSRF_REFUSED)
    return exc


def exception_handler(exc, context):
    """DRF's handler, with its own words replaced by ours: any 404 not raised through
    `not_found` (Django's name the model, "No Concern matches the given query.", and DRF's say
    only "Not found."), a broken multipart body, a body of a type not read (415), an answer in
    a type not given (406), a method not taken, too many requests, a missing or refused token,
    a session's missing CSRF token; and Django's own body too big (a 413)."""
    return drf_exception_handler(_in_our_words(exc, context), context)
