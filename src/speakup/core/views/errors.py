"""Error pages in plain English, in the service's own layout; JSON for the API, as DRF answers."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

from speakup.core.api_errors import NOTHING_HERE, wrong_method
from speakup.core.pages import render_page

API_PREFIX = "/api/"


def api_problem(request, detail: str, status: int) -> JsonResponse | None:
    """The API's clients read JSON: an unknown address under /api/ is no HTML page."""
    if not request.path.startswith(API_PREFIX):
        return None
    return JsonResponse({"detail": detail}, status=status)


def not_found(request, exception=None):
    if api := api_problem(request, NOTHING_HERE, 404):
        return api
    return render_page(
        request,
        "core/error.jinja",
        page_title="Page not found",
        status=404,
        message="If you typed the web address, check it is correct. "
        "If you followed a link, the page may have moved or you may not have access to it.",
    )


def forbidden(request, exception=None):
    if api := api_problem(request, "You do not have permission to perform this action.", 403):
        return api
    return render_page(
        request,
        "core/error.jinja",
        page_title="You cannot do that",
        status=403,
        message="Your session may have expired. Go back, reload the page and try again.",
    )


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:g} MB"
        too_big = f"The request is larger than the {limit} speakup reads: send it in parts."
        if api := api_problem(request, too_big, 400):
            return api
    if api := api_problem(request, "Bad request.", 400):
        return api
    return render_page(
        request,
        "core/error.jinja",
        page_title="Something was wrong with that request",
        status=400,
        message="Go back and try again.",
    )


def method_not_allowed(request, exception=None, *, allowed: list[str] = ()):
    """Django answers a method a view does not take with an empty 405: people get a page."""
    if api := api_problem(request, wrong_method(request.method, list(allowed)), 405):
        return api
    return render_page(
        request,
        "core/error.jinja",
        page_title="This page cannot be opened directly",
        status=405,
        message="It is used by a button on another page. "
        "Go back to the page you were on and try again.",
    )


def server_error(request):
    if api := api_problem(request, "A server error occurred.", 500):
        return api
    return render_page(
        request,
        "core/error.jinja",
        page_title="Sorry, there is a problem with the service",
        status=500,
        message="Try again later. Nothing you entered was saved unless you saw a confirmation.",
    )
