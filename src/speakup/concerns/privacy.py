"""What speaker pages and endpoints send so that they leave no trace behind them.

Nothing about the speaker's connection is stored or logged: we never read the client address,
user agent or referrer on these routes (except the address, hashed with an hourly key in the
cache only, by throttling.py), and settings.LOGGING keeps per-request logs to server errors.
On top of the site-wide strict CSP (core/middleware.py), each response says: do not keep a copy
(a shared computer's browser history and cache must not show a concern) and do not tell another
site where the speaker came from.

The referrer policy is "same-origin", not "no-referrer": another site still learns nothing, and
the browser keeps sending our own Origin and Referer with the speaker's form posts, so Django's
standard CSRF check protects them as it does every other form (with "no-referrer" a browser
posts "Origin: null", which that check rightly refuses). What our server receives is the address
of its own page; like every other header on these routes it is neither stored nor logged.
"""

from functools import wraps

SPEAKER_HEADERS = {
    "Cache-Control": "no-store, max-age=0",
    "Pragma": "no-cache",
    "Referrer-Policy": "same-origin",
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
