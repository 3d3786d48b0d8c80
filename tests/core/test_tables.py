"""Tables show every number: a count of 0 is printed as 0, never left blank."""

import re
from decimal import Decimal

from django.template import engines


def cells_of(params) -> list[str]:
    html = engines["jinja2"].from_string("{{ table(params) }}").render({"params": params})
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    ]


def test_zero_and_other_numbers_are_shown_in_both_kinds_of_cell():
    params = {
        "head": [{"text": "Figure"}, {"text": "Count", "format": "numeric"}, {"text": "Share"}],
        "rows": [
            [{"text": "Cases"}, {"text": 0, "format": "numeric"}, Decimal("0.0")],
            [{"text": "Closed"}, 12, {"text": 2.5}],
        ],
    }
    assert cells_of(params) == ["Cases", "0", "0.0", "Closed", "12", "2.5"]


def test_text_cells_are_left_as_they_are():
    assert cells_of({"rows": [["Speak Up", {"text": "Not known"}]]}) == ["Speak Up", "Not known"]
