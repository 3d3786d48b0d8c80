"""Charts: an image with alt text, readable in black and white, never drawing a hidden count."""

import base64
import re
from xml.etree import ElementTree

from speakup.core.charts import bar_chart, text_width
from speakup.organisations.roles import Role
from speakup.reporting.disclosure import suppress_count
from tests.reporting.board_report_fixtures import half_year_of_cases

SVG = "{http://www.w3.org/2000/svg}"


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


def _chart(page: str, chart_id: str, drawing: str) -> str:
    """The page's chart `chart_id` as drawn for a computer (src) or a phone (srcset)."""
    pictures = re.findall(r"<picture>.*?</picture>", page, re.S)
    return _svg(next(p for p in pictures if f'id="{chart_id}"' in p), drawing)


def _parsed(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - a chart speakup drew, not outside input


def _texts_beyond_the_sides(svg: str) -> list[str]:
    """The words written (about, as the charts reckon widths) past the picture's left or right
    edge; the value axis's name, written upwards, is left out."""
    root = _parsed(svg)
    width = float(root.get("viewBox").split()[2])
    beyond = []
    for text in root.iter(f"{SVG}text"):
        if "rotate" in text.get("transform", ""):
            continue
        length = text_width(text.text or "", float(text.get("font-size")))
        shift = {"start": 0, "middle": length / 2, "end": length}[text.get("text-anchor")]
        left = float(text.get("x")) - shift
        if left < 0 or left + length > width:
            beyond.append(text.text)
    return beyond


def test_a_long_organisation_name_in_the_legend_goes_onto_more_lines_on_a_phone(
    client_as, organisation, other_organisation, february_2027
):
    """The timeliness chart's legend names the organisation beside "National": on a phone a
    name such as an NHS foundation trust's ran off the picture's edge and was cut off."""
    organisation.name = (
        "Much Wenlock and Upper Snoring Community and Mental Health NHS Foundation Trust"
    )
    organisation.save()
    half_year_of_cases(organisation, other_organisation)
    page = client_as(Role.GUARDIAN).get(
        "/reports/board-reports/TST01/?start=2026-04-01&end=2026-09-30"
    )
    phone = _chart(page.content.decode(), "chart-timeliness", "srcset")
    assert _texts_beyond_the_sides(phone) == []
    texts = [text.text for text in _parsed(phone).iter(f"{SVG}text")]
    legend = texts[1 : texts.index("National")]  # after the title
    assert " ".join(legend) == organisation.name and len(legend) == 2  # whole, on two lines
    computer = _chart(page.content.decode(), "chart-timeliness", "src")
    assert _texts_beyond_the_sides(computer) == [] and organisation.name in computer
