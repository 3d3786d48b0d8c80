"""What speaker pages and endpoints send so that they leave no trace behind them.

Nothing about the speaker's connection is stored or logged: we never read the client address,
user agent or referrer on these routes (except the address, hashed with an hourly key in the
cache only, by throttling.py), and settings.LOGGING keeps per-request logs to server errors.
On top of the site-wide strict CSP (core/middleware.py), each response says: do not keep a copy
(a shared computer's browser history and cache must not show a concern) and do not tell the next
site where the speaker came from.
"""

from functools import wraps

from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import decorator_from_middleware
from django.views.decorators.csrf import csrf_exempt

SPEAKER_HEADERS = {
    "Cache-Control": "no-store, max-age=0",
    "Pragma": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


def add_speaker_headers(response):
    for name, value in SPEAKER_HEADERS.items():
        response[name] = value
    return response


def speaker_private(view):
    """Decorate a speaker view (page or API) so its responses carry SPEAKER_HEADERS."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return add_speaker_headers(view(request, *args, **kwargs))

    return wrapped


class SpeakerCsrfMiddleware(CsrfViewMiddleware):
    """Django's CSRF check, fitted to pages that send no referrer.

    With "Referrer-Policy: no-referrer" a browser posts a speaker form with "Origin: null" and
    no Referer, which Django's origin and (over HTTPS) referer checks refuse. Here those two
    accept such a post when the browser says it came from our own site (Sec-Fetch-Site), or
    says nothing; the CSRF token is still required and checked against the CSRF cookie, and
    the speaker's own cookie is SameSite=Strict, so a foreign site still cannot post for them.
    """

    @staticmethod
    def _same_site_or_unsaid(request) -> bool:
        return request.META.get("HTTP_SEC_FETCH_SITE", "same-origin") == "same-origin"

    def _origin_verified(self, request):
        if request.META.get("HTTP_ORIGIN") == "null":
            return self._same_site_or_unsaid(request)
        return super()._origin_verified(request)

    def _check_referer(self, request):
        if "HTTP_REFERER" not in request.META and self._same_site_or_unsaid(request):
            return
        super()._check_referer(request)


speaker_csrf_protect = decorator_from_middleware(SpeakerCsrfMiddleware)


def speaker_csrf(view):
    """CSRF protection for a speaker view (use instead of the site-wide check)."""
    return csrf_exempt(speaker_csrf_protect(view))
