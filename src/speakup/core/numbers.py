"""Numbers as pages show them: whole numbers with commas, shares as percentages rounded the
way a reader rounds them."""


def with_commas(number: int) -> str:
    """A whole number as people read it: 16,358 (the templates' `number` filter)."""
    return f"{number:,}"


def percent(part: int, whole: int, *, places: int = 0) -> int | float | None:
    """part as a percentage of whole, a half rounded up (42 of 80: 53, 5 of 8: 63); None of 0.

    Python's round() sends a half to the even neighbour (52.5 to 52), and a float may hold
    6.25 a shade under; whole numbers give the exact half, so every page rounds alike.
    """
    if not whole:
        return None
    scale = 10**places
    rounded = (200 * scale * part + whole) // (2 * whole)
    return rounded if not places else rounded / scale
