"""Shared charts: images with alt text, readable in black and white, drawn once per figures."""

import base64
import re

from speakup.core import charts
from speakup.core.charts import bar_chart, line_chart


def _svg(markup, drawing: str = "src") -> str:
    """The chart as drawn for a computer (the image's src) or a phone (its srcset)."""
    encoded = re.search(rf' {drawing}="data:image/svg\+xml;base64,([^"]+)"', str(markup)).group(1)
    return base64.b64decode(encoded).decode()


def _values(svg: str) -> list[str]:
    """The figures written on the bars and at the lines' ends (not the axis's ticks)."""
    return re.findall(r'class="value"[^>]*>([^<]*)<', svg)


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
    assert 'alt="Compliance, month by month. The table after this chart gives' in markup
    assert "<title>Compliance, month by month</title>" in _svg(markup)


def test_a_phone_gets_the_chart_drawn_narrower_with_its_words_the_same_size():
    """A phone showed the computer's drawing, 560 pixels wide, at 460 in a box that scrolled
    sideways with no sign that it did: its bars and figures ran off the screen. Scaled down to
    fit instead, its words would have been some 7 pixels high. A screen too narrow for the
    computer's drawing, beside the page's margins, is given one 320 wide that fits."""
    markup = str(_trend([50.0, 60.0, 70.0], [20.0, 25.0, 30.0]))
    narrowest_computer = int(re.search(r'<source media="\(max-width: (\d+)px\)"', markup).group(1))
    assert narrowest_computer >= 560 + 2 * 16 - 1
    computer, phone = _svg(markup), _svg(markup, "srcset")
    assert re.search(r'width="560" height="\d+" viewBox="0 0 560 ', computer)
    assert re.search(r'width="320" height="\d+" viewBox="0 0 320 ', phone)
    sizes = set(re.findall(r'font-size="([0-9.]+)"', phone))
    assert sizes == set(re.findall(r'font-size="([0-9.]+)"', computer)) == {"11", "12", "14"}
    assert sorted(_values(phone)) == ["Listen Up 30%", "Speak Up 70%"]


def test_lines_are_told_apart_by_dash_and_each_ends_with_its_name_and_value():
    svg = _svg(_trend([50.0, 60.0, 70.0], [20.0, 25.0, 30.0]))
    assert "stroke-dasharray" in svg  # the second line is dashed, the first solid
    assert sorted(_values(svg)) == ["Listen Up 30%", "Speak Up 70%"]
    assert "Speak Up" in svg and "Listen Up" in svg  # the legend


def test_a_month_with_no_figure_is_not_drawn_as_zero():
    svg = _svg(_trend([50.0, None, 70.0], [None, None, None]))
    assert _values(svg) == ["Speak Up 70%"]
    assert svg.count("<polyline") == 0  # two points with a gap between: no line across it


def test_labels_are_written_as_text_never_as_markup():
    svg = _svg(
        bar_chart(
            chart_id="x",
            title="Wards <A> & <B>",
            labels=["<script>alert(1)</script>"],
            series={"Ours": [40.0]},
            unit="%",
        )
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "<title>Wards &lt;A&gt; &amp; &lt;B&gt;</title>" in svg


def test_new_figures_give_a_new_picture():
    before = bar_chart(chart_id="b", title="t", labels=["A"], series={"Ours": [40.0]}, unit="%")
    after = bar_chart(chart_id="b", title="t", labels=["A"], series={"Ours": [45.0]}, unit="%")
    assert _values(_svg(before)) == ["40%"] and _values(_svg(after)) == ["45%"]


def test_long_labels_wrap_onto_more_lines_rather_than_overlap():
    labels = ["Nursing and Midwifery Registered", "Additional Clinical Services", "Students"]
    svg = _svg(
        bar_chart(chart_id="w", title="t", labels=labels, series={"Ours": [1, 2, 3]}, unit="%")
    )
    assert "Nursing and" in svg and "Midwifery" in svg
    assert "Nursing and Midwifery Registered" not in svg  # too wide for a third of the chart


def test_a_long_bar_label_is_written_whole_on_a_taller_row():
    labels = ["The speaker says they have suffered detriment for speaking up", "Students"]
    svg = _svg(
        bar_chart(chart_id="h", title="t", labels=labels, series={"Cases": [8, 2]}, horizontal=True)
    )
    lines = re.findall(r'text-anchor="end"[^>]*>([^<]*)<', svg)
    assert " ".join(lines[:-1]) == labels[0] and lines[-1] == "Students"
    bars = re.findall(r'<rect [^>]*y="([0-9.]+)" [^>]*height="([0-9.]+)"[^>]*class="bar"', svg)
    (first_y, first_height), (second_y, second_height) = bars
    assert first_height == second_height  # the taller row keeps the bar's thickness
    assert float(second_y) - float(first_y) > 26  # and moves the next row down


def test_ticks_are_round_and_stop_at_the_limit():
    assert charts.nice_ticks(100, 100) == [0, 20, 40, 60, 80, 100]
    assert charts.nice_ticks(7, None) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(3, None) == [0, 1, 2, 3]  # whole people, no half-steps
    assert charts.nice_ticks(12, None) == [0, 5, 10, 15]  # nor 2.5 of them
