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


def share_in_words(part: int, whole: int) -> str:
    """part of whole as the pages write the share: "53%", but "under 1%" for a few of many and
    "over 99%" for all but a few, so that no share reads as nobody or everybody when it is not
    (80 of 90,103 rounds to 0%, 996 of 1,000 to 100%). Only for a whole above 0: each page says
    its own word for a share of nobody ("–", "not applicable")."""
    if not whole:
        raise ValueError("a share of nobody has no percentage")
    share = percent(part, whole)
    if share == 0 and part:
        return "under 1%"
    if share == 100 and part < whole:
        return "over 99%"
    return f"{share}%"
