"""The speak-up form's answers between steps, kept in the page, not on the server.

The whole flow posts to one address, so neither the address bar nor the browser's history says
how far someone got. Their answers so far travel in one hidden field, encrypted (AES-GCM) under
a key derived from SECRET_KEY: the server keeps nothing (no session row, no file) until the
concern is sent, and the draft cannot be read or altered on its way through the browser. A
draft not moved on for DRAFT_MAX_AGE is refused, so an abandoned page cannot be sent days later;
the clock starts again at each step, so someone who takes their time (a shift between two
questions) is not sent back to the start with what they wrote lost.
"""

import secrets
import time

from speakup.core.crypto import open_from_client, seal_for_client

DRAFT_MAX_AGE = 3 * 60 * 60  # seconds
_CONTEXT = "speakup:speak-up-draft:v1"


def new_draft() -> dict:
    # The id makes a resubmitted last step (a refresh, a double click) send the concern once.
    return {"id": secrets.token_urlsafe(16), "t": int(time.time()), "step": None, "data": {}}


def seal_draft(draft: dict) -> str:
    draft["t"] = int(time.time())
    return seal_for_client(draft, purpose=_CONTEXT)


def open_draft(token: str | None) -> dict | None:
    """The draft in the hidden field, or None when missing, altered or too old."""
    draft = open_from_client(token, purpose=_CONTEXT)
    if not isinstance(draft, dict) or not isinstance(draft.get("data"), dict):
        return None
    if time.time() - draft.get("t", 0) > DRAFT_MAX_AGE:
        return None
    return draft
