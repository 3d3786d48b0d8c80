"""People's names in the order a reader looks for them in a list."""

from speakup.core.text import without_accents


def name_order(*, last_name: str, first_name: str, number: str = "") -> tuple[str, ...]:
    """A sort key for a person: by last name, then first name, accents and case ignored
    ("Zoë Ångström-Éclair" among the A's, "de Vries" after "Davies"), then as written and by
    `number` (an employee or register number), so that the order is the same every time and on
    every database. Sorted in Python: SQLite's ORDER BY compares bytes, which put "Å" after "Z",
    and PostgreSQL's follows the database's collation, which differs between servers."""
    return (
        _folded(last_name),
        _folded(first_name),
        last_name,
        first_name,
        number,
    )


def _folded(text: str) -> str:
    return without_accents(text).casefold()
