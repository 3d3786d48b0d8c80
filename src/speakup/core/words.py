"""Words that change with a number: "1 row", "2 rows"."""


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """The number (with thousands separated) and the word that goes with it: "1,234 rows"."""
    word = singular if number == 1 else (plural or singular + "s")
    return f"{number:,} {word}"
