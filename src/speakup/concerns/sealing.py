"""Sealing and opening a concern's sensitive text under its own data key.

Every sealed value is bound to its concern and field (the `context`), so ciphertext copied to
another row or field does not open.
"""

from speakup.core.crypto import (
    decrypt_text,
    encrypt_text,
    new_data_key,
    unwrap_data_key,
    wrap_data_key,
)


class Shredded(Exception):
    """The concern's data key was deleted: its sealed content is gone for good."""


def new_concern_key() -> tuple[bytes, str]:
    """A fresh data key and its wrapped form, for a new concern."""
    data_key = new_data_key()
    return data_key, wrap_data_key(data_key)


def key_of(concern) -> bytes:
    cached = getattr(concern, "_data_key", None)
    if cached is None:
        if not concern.wrapped_key:
            raise Shredded(concern.reference)
        cached = unwrap_data_key(concern.wrapped_key)
        concern._data_key = cached
    return cached


def _context(concern, field: str) -> str:
    return f"concern:{concern.reference}:{field}"


def seal(concern, field: str, text: str) -> bytes:
    return encrypt_text(key_of(concern), text, context=_context(concern, field))


def unseal(concern, field: str, blob) -> str | None:
    if blob is None:
        return None
    return decrypt_text(key_of(concern), bytes(blob), context=_context(concern, field))
