"""Error pages in plain English, in the service's own layout."""

from speakup.core.pages import render_page


def not_found(request, exception=None):
    return render_page(
        request,
        "core/error.jinja",
        page_title="Page not found",
        status=404,
        message="If you typed the web address, check it is correct. "
        "If you followed a link, the page may have moved or you may not have access to it.",
    )


def forbidden(request, exception=None):
    return render_page(
        request,
        "core/error.jinja",
        page_title="You cannot do that",
        status=403,
        message="Your session may have expired. Go back, reload the page and try again.",
    )


def bad_request(request, exception=None):
    return render_page(
        request,
        "core/error.jinja",
        page_title="Something was wrong with that request",
        status=400,
        message="Go back and try again.",
    )


def server_error(request):
    return render_page(
        request,
        "core/error.jinja",
        page_title="Sorry, there is a problem with the service",
        status=500,
        message="Try again later. Nothing you entered was saved unless you saw a confirmation.",
    )
