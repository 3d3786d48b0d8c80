"""Turning data returns into what the pages show: labels, rows and dates."""

from speakup.concerns.taxonomy import label_of
from speakup.reporting.queries import COUNT_COLUMNS

_LABELS = {
    "total_cases": "Cases raised",
    "anonymous_cases": "Raised anonymously",
    # Feedback is what a guardian gives a speaker; these count the speakers' answers back.
    "feedback_received": "Answered “would you speak up again?”",
    "feedback_yes": "Would speak up again: yes",
    "feedback_no": "Would speak up again: no",
    "feedback_maybe": "Would speak up again: maybe",
    "feedback_dont_know": "Would speak up again: I don't know",
}


def column_label(column: str) -> str:
    if column in _LABELS:
        return _LABELS[column]
    for prefix, kind in (("element_", "Element"), ("worker_group_", "Worker group")):
        if column.startswith(prefix):
            return f"{kind}: {label_of(column.removeprefix(prefix))}"
    return column


def figure_sections(figures: dict) -> list[dict]:
    """The counts grouped as the page shows them: cases, elements, worker groups, feedback."""
    sections = [
        ("Cases", lambda c: c in ("total_cases", "anonymous_cases")),
        (
            "Elements: what cases are about (a case can have several)",
            lambda c: c.startswith("element_"),
        ),
        ("Worker groups", lambda c: c.startswith("worker_group_")),
        (
            "Would they speak up again? (answers in the quarter)",
            lambda c: c.startswith("feedback_"),
        ),
    ]
    return [
        {
            "title": title,
            "rows": [
                {"column": c, "label": column_label(c), "value": figures[c]}
                for c in COUNT_COLUMNS
                if belongs(c)
            ],
        }
        for title, belongs in sections
    ]
