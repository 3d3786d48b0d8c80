"""Text no database can store and no page can show: a NUL character, and a lone surrogate (half
of a character, such as "\\ud800" in JSON from a faulty client: a whole emoji sent as two
halves, "\\ud83d\\ude00", is read as one character and is fine)."""

import re
import unicodedata

SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"  # "�", what a program shows for a character it cannot read


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored, in the words the API answers with, or None."""
    if "\x00" in text:
        return "A NUL character (\\u0000) is not allowed"
    if found := SURROGATE.search(text):
        return f"Surrogate characters ({escaped(found[0])}, half of a character) are not allowed"
    return None


def escaped(text: str) -> str:
    """`text` with NUL characters and surrogates written as JSON writes them, so that a message
    naming them can be sent."""
    text = text.replace("\x00", "\\u0000")
    return SURROGATE.sub(lambda found: f"\\u{ord(found[0]):04x}", text)


def readable(text: str) -> str:
    """`text` with any lone surrogate replaced by "�", so that a page can show it."""
    return SURROGATE.sub(REPLACEMENT, text)


# Characters that show nothing: zero-width spaces and joiners, the word joiner and a byte-order
# mark. A message of nothing but these reaches the guardian as an empty one.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# Spaces of every kind (the 25 or so characters Python counts as space) and those characters,
# stripped in any mix at either end in one pass: stripping each kind in turn left
# "\u200b \u200b" (a space between two), which shows nothing. str.strip, not a regular
# expression, so a long run of spaces inside a text costs no more than its length.
SHOWS_NOTHING = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + INVISIBLE


def trimmed(text: str) -> str:
    """`text` without the spaces, and the characters that show nothing, around it."""
    return text.strip(SHOWS_NOTHING)


def blank(text: object) -> bool:
    """Whether `text` is not a string, or shows nothing at all ("", spaces, a zero-width space)."""
    return not isinstance(text, str) or not trimmed(text)


def one_line_ending(text: str) -> str:
    """`text` with every line break as "\\n": a browser sends a text box's as "\\r\\n", so the same
    words typed or sent again compare as the same."""
    return text.replace("\r\n", "\n")


def without_accents(text: str) -> str:
    """`text` with the marks taken off its letters: "Ångström-Éclair" is "Angstrom-Eclair" ("ë" is
    "e" and a mark: the "e" is kept). Letters with no mark to take off ("ø", "李") stay."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
