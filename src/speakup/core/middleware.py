import codecs
import secrets
from urllib.parse import unquote_plus

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from speakup.core.api_errors import NOTHING_HERE, SECOND_FACTOR_FIRST
from speakup.organisations.queries import waiting_for_second_factor

# Paths a signed-in person may reach before their second factor: the second-factor pages
# themselves, signing out, health checks and static assets.
BEFORE_SECOND_FACTOR = ("/account/", "/healthz", "/readyz", "/assets/")


class RefuseNulBytesMiddleware:
    """A NUL byte in the address is never a real page or search, and PostgreSQL cannot hold one
    in text, so a lookup with it would fail: refused here, before any view uses it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        in_path = "\x00" in request.path
        if not in_path and "\x00" not in unquote_plus(request.META.get("QUERY_STRING", "")):
            return self.get_response(request)
        if request.path.startswith("/api/"):  # the API answers in JSON, as DRF would
            if in_path:
                return JsonResponse({"detail": NOTHING_HERE}, status=404)
            return JsonResponse({"detail": "A NUL byte is not allowed."}, status=400)
        if in_path:
            raise Http404
        raise SuspiciousOperation("A NUL byte in the query string")


# The charsets whose text is UTF-8 (ASCII is a part of it), as codecs names them.
UTF_8 = {"utf-8", "ascii"}
# A CSV file sent to the API may also say it is Windows-1252 (Excel's "CSV" is): the imports
# read its bytes themselves (UTF-8, else Windows-1252 with a warning), and no Windows-1252 text
# is half a character, so its query string is safe to read too.
CSV_CHARSETS = UTF_8 | {"cp1252"}
SEND_UTF_8 = "Send text in UTF-8 (charset=utf-8)."
SEND_CSV_CHARSET = (
    "Send the CSV file in UTF-8 (charset=utf-8) or Windows-1252 (charset=windows-1252), or "
    "name no charset: speakup reads no other"
)


class RefuseCharsetsOtherThanUtf8Middleware:
    """Every page and the API read text as UTF-8. A request whose Content-Type names another
    charset (utf-7, unicode_escape) would have Django decode its form fields and query string
    with it, and those can make half characters (lone surrogates) that no page can show and no
    database can store: refused here, before any view reads it. Browsers send UTF-8. A CSV file
    sent to the API may be Windows-1252 as well (CSV_CHARSETS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Django decodes with the charset only when Python knows it (request.encoding).
        charset = codecs.lookup(request.encoding).name if request.encoding else "utf-8"
        api = request.path.startswith("/api/")
        csv = api and request.content_type == "text/csv"
        if charset in (CSV_CHARSETS if csv else UTF_8):
            return self.get_response(request)
        if api:  # the API answers in JSON, as DRF would
            return JsonResponse({"detail": SEND_CSV_CHARSET if csv else SEND_UTF_8}, status=415)
        raise BadRequest(f"A request in charset {request.encoding}")


class ContentSecurityPolicyMiddleware:
    """A strict CSP on every page: our own scripts and styles only, inline script by nonce.

    The nonce is on the request so the page template can mark its one inline script.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{request.csp_nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        )
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class TwoFactorRequiredMiddleware:
    """People whose roles need a second factor go no further until they have given it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not request.path.startswith(BEFORE_SECOND_FACTOR) and waiting_for_second_factor(user):
            from speakup.core.views.errors import api_problem

            # An API client cannot follow a redirect to a sign-in page: it is told in JSON.
            if api := api_problem(request, SECOND_FACTOR_FIRST, 403):
                return api
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('core:two_factor')}?{query}")
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    """Django's 405 (from require_POST and the like) has an empty body: a person who reaches
    such an address with their browser gets a page saying what happened, in the service's
    layout, with the headers the view gave (Allow, and a speaker route's no-store). The API's
    own 405s already carry JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.content:
            return response
        from speakup.core.views.errors import method_not_allowed

        allowed = [name.strip() for name in response.get("Allow", "").split(",") if name.strip()]
        page = method_not_allowed(request, allowed=allowed)
        for header, value in response.items():
            if header.lower() not in ("content-type", "content-length"):
                page[header] = value
        return page
