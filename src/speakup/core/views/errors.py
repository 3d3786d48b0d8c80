"""Error pages in plain English, in the service's own layout; JSON for the API, as DRF answers."""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse

from speakup.core.api_errors import CSRF_REFUSED, NOTHING_HERE, request_too_big, wrong_method
from speakup.core.pages import render_page

API_PREFIX = "/api/"


def api_problem(request, detail: str, status: int) -> JsonResponse | None:
    """The API's clients read JSON: an unknown address under /api/ is no HTML page."""
    if not request.path.startswith(API_PREFIX):
        return None
    return JsonResponse({"detail": detail}, status=status)


def error_page(request, *, status: int, api_detail: str, page_title: str, message: str, **context):
    """The page (`message`, and any numbered `steps`), or under /api/ `api_detail` in JSON."""
    if api := api_problem(request, api_detail, status):
        return api
    return render_page(
        request,
        "core/error.jinja",
        page_title=page_title,
        status=status,
        message=message,
        **context,
    )


def not_found(request, exception=None):
    return error_page(
        request,
        status=404,
        api_detail=NOTHING_HERE,
        page_title="Page not found",
        message="If you typed the web address, check it is correct. "
        "If you followed a link, the page may have moved or you may not have access to it.",
    )


def forbidden(request, exception=None):
    return error_page(
        request,
        status=403,
        api_detail="You do not have permission to perform this action.",
        page_title="You cannot do that",
        message="Your session may have expired. Go back, reload the page and try again.",
    )


def csrf_failure(request, reason=""):
    """A form sent without the CSRF cookie or with an old token (CSRF_FAILURE_VIEW): most often
    cookies blocked or cleared, or a page left open across a sign-out."""
    return error_page(
        request,
        status=403,
        api_detail=CSRF_REFUSED,
        page_title="Your form could not be sent",
        message="This can happen when the page was open for a long time, or your browser "
        "blocks cookies. What you typed on that page was not sent, and nothing was saved.",
        steps=[
            "Use your browser's back button to go back to the form. What you typed is usually "
            "still there: copy anything long, so that you do not have to type it again.",
            "Allow cookies for this site: its forms do not work without them.",
            "Reload the page, fill in anything that is missing, and send the form again.",
        ],
    )


def bad_request(request, exception=None):
    # The API's own views answer this 413 themselves (core.api_errors); one raised before them.
    too_big = isinstance(exception, RequestDataTooBig)
    if too_big and (api := api_problem(request, request_too_big(), 413)):
        return api
    return error_page(
        request,
        status=400,
        api_detail="Bad request.",
        page_title="Something was wrong with that request",
        message="Go back and try again.",
    )


def method_not_allowed(request, exception=None, *, allowed: list[str] = ()):
    """Django answers a method a view does not take with an empty 405: people get a page."""
    return error_page(
        request,
        status=405,
        api_detail=wrong_method(request.method, list(allowed)),
        page_title="This page cannot be opened directly",
        message="It is used by a button on another page. "
        "Go back to the page you were on and try again.",
    )


def server_error(request):
    return error_page(
        request,
        status=500,
        api_detail="A server error occurred.",
        page_title="Sorry, there is a problem with the service",
        message="Try again later. Nothing you entered was saved unless you saw a confirmation.",
    )
