"""Receipt codes: the speaker's only key back to their concern.

A code is 16 digits from the operating system's CSPRNG, shown once and never stored or logged.
We keep only a slow Argon2id hash. The salt is fixed (not per code) so that the hash can be
looked up: with 10^16 possible codes and Argon2's cost, guessing stays out of reach, and sign-in
by receipt is throttled as well (docs/adr/0008-receipt-codes.md).
"""

import re
import secrets
import unicodedata

from argon2.low_level import Type, hash_secret_raw

RECEIPT_DIGITS = 16
_SALT = b"speakup-receipt-code-v1"
# What people type between groups of characters (here, and in concern references): spaces and
# hyphens, and the dashes a word processor or mail program turns a hyphen into when a reference
# or code is pasted from an email (en dash, em dash, minus sign, non-breaking hyphen).
SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2212]")


def new_receipt_code() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def normalise_receipt_code(text: str) -> str | None:
    """The 16 digits of what someone typed (spaces and dashes allowed), or None.

    Digits typed on another keyboard (full-width 1, Arabic-Indic ١) are read as the digits they
    are: a phone set to Arabic or Japanese types them, and they must not fail the hash."""
    typed = SEPARATORS.sub("", text or "")
    if len(typed) != RECEIPT_DIGITS or not typed.isdecimal():
        return None
    return "".join(str(unicodedata.decimal(character)) for character in typed)


def receipt_hash(code: str) -> str:
    raw = hash_secret_raw(
        code.encode("ascii"),
        _SALT,
        time_cost=2,
        memory_cost=19 * 1024,  # KiB: OWASP's Argon2id minimum
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    )
    return raw.hex()


def format_receipt_code(code: str) -> str:
    """Grouped in fours so a person can copy it down: 1234 5678 9012 3456."""
    return " ".join(code[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))
