"""Charts: an image with alt text, readable in black and white, never drawing a hidden count."""

import base64
import re

from speakup.core.charts import bar_chart
from speakup.reporting.disclosure import suppress_count


def _svg(markup, drawing: str = "src") -> str:
    """The chart as drawn for a computer (the image's src) or a phone (its srcset)."""
    encoded = re.search(rf' {drawing}="data:image/svg\+xml;base64,([^"]+)"', str(markup)).group(1)
    return base64.b64decode(encoded).decode()


def test_a_chart_is_an_image_with_a_title_and_alt_text():
    markup = bar_chart(
        chart_id="c", title="Cases by quarter", labels=["Q1"], series={"Cases": [suppress_count(9)]}
    )
    assert 'alt="Cases by quarter. The table after this chart gives the same figures."' in markup
    assert "<title>Cases by quarter</title>" in _svg(markup)


def test_a_suppressed_count_is_labelled_and_not_drawn(settings):
    shown = bar_chart(
        chart_id="a",
        title="t",
        labels=["Q1", "Q2"],
        series={"Cases": [suppress_count(9), suppress_count(9)]},
    )
    hidden = bar_chart(
        chart_id="b",
        title="t",
        labels=["Q1", "Q2"],
        series={"Cases": [suppress_count(9), suppress_count(3)]},
    )
    assert "fewer than 5" in _svg(hidden)
    assert ">3<" not in _svg(hidden)
    # One bar fewer is drawn.
    assert _svg(hidden).count('class="bar"') == _svg(shown).count('class="bar"') - 1


def test_series_are_told_apart_by_pattern_not_colour_alone():
    svg = _svg(
        bar_chart(
            chart_id="p",
            title="t",
            labels=["A"],
            series={"Ours": [50.0], "National": [60.0]},
            unit="%",
            limit=100,
        )
    )
    assert "<pattern" in svg  # the hatching of the second series
    assert "50%" in svg and "60%" in svg
