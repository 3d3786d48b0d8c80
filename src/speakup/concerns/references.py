"""Concern references: how they are made, and how a reference someone typed is read.

A reference is 8 characters in two groups, ABCD-2345, from an alphabet without 0/O and 1/I/L,
so that one read out on the phone is not misheard. It is random: it reveals neither how many
concerns there are nor their order.
"""

import secrets
import unicodedata

from speakup.concerns.receipts import SEPARATORS

REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8
REFERENCE_EXAMPLE = "ABCD-2345"
REFERENCE_TOO_LONG = (
    f"A case reference has {REFERENCE_LENGTH} letters and numbers, like {REFERENCE_EXAMPLE}"
)


class NotAReference(ValueError):
    """What was typed cannot be (part of) a reference; the message says why, in plain words."""


def new_reference() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
    return f"{chars[:4]}-{chars[4:]}"


def reference_characters(text: str) -> str:
    """The characters of all or part of a reference as someone typed it, without its hyphen:
    any case, spaces or a hyphen anywhere, or none ("abcd 2345", "ABCD-2345", "abcd2345" are
    all "ABCD2345"). Full-width letters, as a phone set to Japanese types them, are read as the
    letters they are. Raises NotAReference, saying why, for anything no reference holds."""
    typed = SEPARATORS.sub("", unicodedata.normalize("NFKC", text or "")).upper()
    if len(typed) > REFERENCE_LENGTH:
        raise NotAReference(REFERENCE_TOO_LONG)
    if any(character not in REFERENCE_ALPHABET for character in typed):
        raise NotAReference(
            "A case reference has only letters and the numbers 2 to 9, like "
            f"{REFERENCE_EXAMPLE}. It never has the letters I, L or O, nor 0 or 1"
        )
    return typed


def stored_reference(text: str) -> str:
    """A whole reference as someone typed it (in a link or an API path: "x7kv-zc45",
    "X7KVZC45") as it is stored, "X7KV-ZC45"; anything that cannot be one is left as it is
    (it matches only itself)."""
    try:
        characters = reference_characters(text)
    except NotAReference:
        return text
    if len(characters) != REFERENCE_LENGTH:
        return text
    return f"{characters[:4]}-{characters[4:]}"
