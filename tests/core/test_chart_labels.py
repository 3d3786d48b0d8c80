"""Charts never write one label over another: the words on a chart can all be read."""

import base64
import re

import pytest

from speakup.core.charts import bar_chart, line_chart, text_width
from speakup.reporting.disclosure import Shown

TEXT = re.compile(
    r'<text x="([-0-9.]+)" y="([-0-9.]+)" font-size="([0-9.]+)" text-anchor="(\w+)"'
    r"([^>]*)>([^<]*)</text>"
)


@pytest.fixture(params=["src", "srcset"], ids=["computer", "phone"])
def drawing(request) -> str:
    """Each chart is drawn twice, for a computer (the image's src) and for a phone (srcset):
    neither may write one label over another."""
    return request.param


def _svg(markup, drawing: str) -> str:
    found = re.search(rf' {drawing}="data:image/svg\+xml;base64,([^"]+)"', str(markup))
    return base64.b64decode(found.group(1)).decode()


def _boxes(svg: str) -> list[tuple[float, float, float, float, str]]:
    """About where each piece of text lies (left, top, right, bottom), as the charts reckon
    text widths; the value axis's name, written upwards, is left out."""
    boxes = []
    for x, y, size, anchor, rest, words in TEXT.findall(svg):
        if "rotate" in rest:
            continue
        x, y, size = float(x), float(y), float(size)
        width = text_width(words.replace("&amp;", "&"), size)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        boxes.append((left, y - size * 0.8, left + width, y + size * 0.2, words))
    return boxes


def _overlapping(svg: str) -> list[tuple[str, str]]:
    boxes = _boxes(svg)
    return [
        (a[4], b[4])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


def _outside(svg: str) -> list[str]:
    width, height = map(float, re.search(r'viewBox="0 0 ([0-9.]+) ([0-9.]+)"', svg).groups())
    return [
        words
        for left, top, right, bottom, words in _boxes(svg)
        if left < 0 or right > width or top < 0 or bottom > height
    ]


def _line_ends(svg: str) -> list[tuple[float, str]]:
    return [
        (float(y), words)
        for y, words in re.findall(r'y="([0-9.]+)"[^>]*class="value">([^<]*)<', svg)
    ]


def test_lines_ending_a_point_apart_have_their_labels_moved_apart_each_naming_its_line(drawing):
    svg = _svg(
        line_chart(
            chart_id="t",
            title="Compliance at each month end",
            labels=["30 Jun", "31 Jul", "31 Aug", "30 Sep", "31 Oct", "27 Nov"],
            series={
                "Speak Up": [55, 65, 69, 72, 75, 78],
                "Listen Up": [50, 53, 56, 58, 56, 61],
                "Follow Up": [20, 40, 40, 60, 60, 62],
            },
            unit="%",
            limit=100,
            value_label="Per cent of those required",
        ),
        drawing,
    )
    ends = sorted(_line_ends(svg))
    # The markers of 61% and 62% overlap, so a figure alone would not say whose it is.
    assert [words for _, words in ends] == ["Speak Up 78%", "Follow Up 62%", "Listen Up 61%"]
    assert ends[2][0] - ends[1][0] >= 11  # a line of text apart: 62% is above 61%
    assert _overlapping(svg) == [] and _outside(svg) == []


def test_lines_ending_together_at_the_bottom_keep_their_labels_apart_and_in_the_picture(drawing):
    svg = _svg(
        line_chart(
            chart_id="z",
            title="t",
            labels=["Sep", "Oct"],
            series={"Speak Up": [0, 0], "Listen Up": [0, 0], "Follow Up": [1, 0]},
            unit="%",
            limit=100,
        ),
        drawing,
    )
    assert len(_line_ends(svg)) == 3
    assert _overlapping(svg) == [] and _outside(svg) == []


def test_a_line_over_many_months_writes_every_other_month_ending_with_the_latest(drawing):
    months = [f"{day} Sep" for day in range(1, 25)]
    svg = _svg(
        line_chart(
            chart_id="m",
            title="t",
            labels=months,
            series={"Speak Up": list(range(24))},
            unit="%",
            limit=100,
        ),
        drawing,
    )
    written = [words for *_, words in _boxes(svg) if words in months]
    assert written[-1] == "24 Sep" and 4 <= len(written) < 24  # every fifth on a phone
    assert _overlapping(svg) == [] and _outside(svg) == []


def test_bars_too_many_to_stand_with_their_figures_lie_down_instead(drawing):
    """A board report over three years: fifteen quarters, some 'fewer than 5'."""
    quarters = [f"Q{q} {year}/{year - 1999}" for year in (2023, 2024, 2025) for q in (1, 2, 3, 4)]
    quarters += ["Q1 2026/27", "Q2 2026/27", "Q3 2026/27 (part)"]
    counts = [Shown(None, "fewer than 5", suppressed=True), 0, 10, 15, 8] * 3
    svg = _svg(
        bar_chart(
            chart_id="q",
            title="Cases raised by quarter",
            labels=quarters,
            series={"Cases": counts},
            value_label="Cases raised",
        ),
        drawing,
    )
    labels = re.findall(r'text-anchor="end"[^>]*>([^<]*)<', svg)
    assert "Q3 2026/27 (part)" in labels  # each quarter on a row of its own, whole
    assert _overlapping(svg) == [] and _outside(svg) == []


def test_a_few_bars_still_stand_up(drawing):
    svg = _svg(
        bar_chart(
            chart_id="f",
            title="Compliance by module",
            labels=["Speak Up", "Listen Up", "Follow Up"],
            series={"Compliance": [78, 61, 60]},
            unit="%",
            limit=100,
        ),
        drawing,
    )
    assert re.findall(r'text-anchor="middle"[^>]*>(Speak Up|Listen Up|Follow Up)<', svg) == [
        "Speak Up",
        "Listen Up",
        "Follow Up",
    ]
    assert _overlapping(svg) == []


def test_figures_of_several_series_never_overlap_on_crowded_bars(drawing):
    regions = ["London", "Midlands", "North East and Yorkshire", "North West", "South East"]
    series = {
        title: [Shown(None, "fewer than 5", suppressed=True), None, 100, 99.5, 0]
        for title in ("Speak Up", "Listen Up", "Follow Up")
    }
    for horizontal in (False, True):
        svg = _svg(
            bar_chart(
                chart_id="r",
                title="t",
                labels=regions,
                series=series,
                unit="%",
                limit=100,
                horizontal=horizontal,
            ),
            drawing,
        )
        assert _overlapping(svg) == [] and _outside(svg) == []


def test_numbers_over_999_are_written_with_commas_on_the_axis_and_the_bars(drawing):
    """As the tables beside the charts and the NHS style guide write them: 1,000, not 1000."""
    svg = _svg(
        bar_chart(
            chart_id="k",
            title="Cases per 1,000 workers by region",
            labels=["Midlands", "North West"],
            series={"Cases per 1,000 workers": [909.1, 1250]},
            horizontal=True,
        ),
        drawing,
    )
    assert re.findall(r'class="value"[^>]*>([^<]*)<', svg) == ["909.1", "1,250"]
    assert ">1,000<" in svg and ">1000<" not in svg


def test_a_title_too_wide_for_the_picture_goes_onto_more_lines(drawing):
    title = "Share of cases answered within the deadline, by organisation and nationally"
    svg = _svg(
        bar_chart(chart_id="l", title=title, labels=["Acknowledged"], series={"Ours": [50]}),
        drawing,
    )
    titles = re.findall(r'font-weight="bold"[^>]*>([^<]*)<', svg)
    assert " ".join(titles) == title and _outside(svg) == [] and _overlapping(svg) == []


LONG_NAME = "Much Wenlock and Upper Snoring Community and Mental Health NHS Foundation Trust"
PER_CENT = {"unit": "%", "limit": 100}


def test_a_legend_name_too_long_for_the_picture_goes_onto_more_lines(drawing):
    """An organisation's name beside "National" ran off a phone's picture and was cut off."""
    svg = _svg(
        bar_chart(
            chart_id="n",
            title="Share of cases answered within the deadline",
            labels=["Acknowledged in time", "Feedback in time"],
            series={LONG_NAME: [80, 50], "National": [70, 60]},
            horizontal=True,
            **PER_CENT,
        ),
        drawing,
    )
    legend = [words for left, *_, words in _boxes(svg) if left == 20]  # beside the keys
    assert " ".join(legend) == f"{LONG_NAME} National"
    assert _outside(svg) == [] and _overlapping(svg) == []


def test_a_line_with_a_long_name_has_its_legend_and_end_label_in_the_picture(drawing):
    svg = _svg(
        line_chart(
            chart_id="e",
            title="Compliance at each month end",
            labels=["30 Sep", "31 Oct"],
            series={LONG_NAME: [55, 60], "National": [50, 61]},
            **PER_CENT,
        ),
        drawing,
    )
    ends = " ".join(words for _, words in sorted(_line_ends(svg)))
    assert ends == f"National 61% {LONG_NAME} 60%"  # each line still named, in full
    assert _outside(svg) == [] and _overlapping(svg) == []


def test_a_label_with_a_word_too_long_for_its_room_is_broken_rather_than_cut_off(drawing):
    word = "Sutton-cum-Lound-under-Wychwood-on-the-Marsh"
    svg = _svg(
        bar_chart(chart_id="w", title="t", labels=[word, "Ward 2"], series={"Cases": [8, 2]}),
        drawing,
    )
    labels = re.findall(r'text-anchor="end"[^>]*>([^<]*)<', svg)
    assert "".join(labels[:-1]) == word and labels[-1] == "Ward 2"
    assert _outside(svg) == [] and _overlapping(svg) == []
