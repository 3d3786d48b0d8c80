"""Shared charts: images with alt text, readable in black and white, drawn once per figures."""

import base64
import re

from speakup.core import charts
from speakup.core.charts import bar_chart, line_chart


def _svg(markup) -> str:
    encoded = re.search(r'base64,([^"]+)"', str(markup)).group(1)
    return base64.b64decode(encoded).decode()


def _trend(values_a, values_b, chart_id="t"):
    return line_chart(
        chart_id=chart_id,
        title="Compliance, month by month",
        labels=["Sep", "Oct", "Nov"],
        series={"Speak Up": values_a, "Listen Up": values_b},
        unit="%",
        limit=100,
    )


def test_a_line_chart_is_an_image_with_a_title_and_alt_text():
    markup = _trend([50.0, 60.0, 70.0], [20.0, 25.0, 30.0])
    assert 'alt="Compliance, month by month. The table beside this chart gives' in markup
    assert "<title>Compliance, month by month</title>" in _svg(markup)


def test_lines_are_told_apart_by_dash_and_each_ends_with_its_value():
    svg = _svg(_trend([50.0, 60.0, 70.0], [20.0, 25.0, 30.0]))
    assert "stroke-dasharray" in svg  # the second line is dashed, the first solid
    assert "70%" in svg and "30%" in svg
    assert "Speak Up" in svg and "Listen Up" in svg  # the legend


def test_a_month_with_no_figure_is_not_drawn_as_zero():
    svg = _svg(_trend([50.0, None, 70.0], [None, None, None]))
    assert "70%" in svg
    assert "0%" not in svg.replace("70%", "")


def test_the_same_figures_are_drawn_once_and_new_figures_drawn_afresh(monkeypatch):
    drawings = []
    subplots = charts.plt.subplots
    monkeypatch.setattr(charts.plt, "subplots", lambda **kw: drawings.append(1) or subplots(**kw))
    first = bar_chart(chart_id="b", title="t", labels=["A"], series={"Ours": [40.0]}, unit="%")
    again = bar_chart(chart_id="b", title="t", labels=["A"], series={"Ours": [40.0]}, unit="%")
    assert again == first and len(drawings) == 1
    changed = bar_chart(chart_id="b", title="t", labels=["A"], series={"Ours": [45.0]}, unit="%")
    assert len(drawings) == 2
    assert "45%" in _svg(changed) and "40%" not in _svg(changed)
