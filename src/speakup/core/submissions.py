"""A form sent twice (a double click, a reload, a second tab) is acted on once: the guardian's
forms on a case, and the speaker's reply.

Each form page carries a fresh token (`form_token()` in a template, as the hidden field
FIELD). The view claims the token before it acts: the first request wins, and the same form
sent again is told it was already done instead of writing a second message or action. The
claim is kept in the shared cache (CACHE_URL), so every process sees it; a form without a token
(an API call, a page from before this) is acted on as before.
"""

from __future__ import annotations

import re
import secrets

from django.core.cache import cache

FIELD = "form_token"
_TOKEN = re.compile(r"[0-9a-f]{32}")
# Longer than anyone keeps a form open and sends it twice.
KEPT_SECONDS = 24 * 60 * 60
ALREADY_DONE = "That was already done: the same form was sent twice, and was acted on once."


def form_token() -> str:
    return secrets.token_hex(16)


def _key(request) -> str | None:
    token = request.POST.get(FIELD, "")
    if not _TOKEN.fullmatch(token):
        return None
    return f"speakup:form-sent:{request.user.pk}:{token}"


def claim(request) -> bool:
    """Whether to act on this form: True the first time its token arrives (or with no token),
    False when the same form was sent before."""
    key = _key(request)
    return key is None or cache.add(key, True, timeout=KEPT_SECONDS)


def release(request) -> None:
    """The form was refused after it was claimed (nothing was done): it may be sent again."""
    key = _key(request)
    if key is not None:
        cache.delete(key)
