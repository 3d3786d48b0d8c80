"""People's names in the order a reader looks for them in a list."""

from speakup.core.text import without_accents

# Letters with no mark to take off (Unicode gives them no decomposition), read as the letters a
# reader files them under: "Øberg" among the O's, "Łukasz" among the L's. After casefold, which
# already makes "ß" "ss" and capitals small.
_UNMARKED_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)


def name_order(*, last_name: str, first_name: str, number: str = "") -> tuple[str, ...]:
    """A sort key for a person: by last name, then first name, accents and case ignored
    ("Zoë Ångström-Éclair" among the A's, "de Vries" after "Davies", "Øberg" among the O's),
    then as written and by `number` (an employee or register number), so that the order is the
    same every time and on every database. Sorted in Python: SQLite's ORDER BY compares bytes,
    which put "Å" after "Z", and PostgreSQL's follows the database's collation, which differs
    between servers."""
    return (
        folded(last_name),
        folded(first_name),
        last_name,
        first_name,
        number,
    )


def folded(text: str) -> str:
    """`text` as a reader compares names: without accents, case or letters of its own ("Åse
    Øberg-Łukasz" is "ase oberg-lukasz")."""
    return without_accents(text).casefold().translate(_UNMARKED_LETTERS)
