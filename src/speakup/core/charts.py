"""Charts as images of SVG written here: the same picture in the page and the PDF.

Every chart sits beside a table of its data, which is the accessible equivalent; the SVG has
a <title> and the image an alt text. Bars are outlined and patterned, lines dashed and marked,
with values written on them, so a chart reads in black and white. No text is written over
other text: lines' end labels are moved apart and name their line, and bars too many to stand
up with their labels and figures lie on their side. Nor is any written past the picture's
edge: a label or name too long for its room goes onto more lines. Each chart is drawn for a
computer and again, narrower with its words the same size, for a phone (WIDTH and
NARROW_WIDTH below).

A value is a number, None (not applicable), or a figure as it may be shown (reporting's
`Shown`: anything with `value`, `text` and `suppressed`): a suppressed figure is never drawn,
its place is labelled with its text ("fewer than 5") instead.

The SVG is written as text, not drawn by a plotting library: a chart takes well under a
millisecond instead of a tenth of a second or more (matplotlib's, before), so a page with
fresh figures answers as fast as one with old ones, and nothing needs keeping.
"""

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Protocol

from markupsafe import Markup

INK = "#212b32"
GRID = "#d8dde0"
WHITE = "#ffffff"
FONT = "Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
# Each chart is drawn twice, with its words the same size: WIDTH wide for a computer and the
# PDF, NARROW_WIDTH for a phone, where the wide picture scaled down would have words some 7
# pixels high. A screen too narrow for the wide picture at its full size, beside the page's
# 16-pixel margins, is given the narrow one; the narrow one scaled to a 320-pixel screen (288
# pixels between the margins) still has words about 10 pixels high.
WIDTH = 560
NARROW_WIDTH = 320
NARROW_SCREEN = f"(max-width: {WIDTH + 2 * 16 - 1}px)"
LABEL_SIZE = 12
VALUE_SIZE = 11
END_LINE = VALUE_SIZE + 2  # from one line of the lines' end labels to the next
TITLE_SIZE = 14
# Per series: the fill under the pattern, the pattern, the line's dashes and its marker.
FILLS = (WHITE, GRID, WHITE, "#aeb7bd", WHITE, WHITE)
HATCHES = ("", "diagonal", "dots", "cross", "back-diagonal", "rings")
DASHES = ("", "7 4", "2 3", "8 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond")


class ShownFigure(Protocol):
    """A figure as it may be shown: its text, and its value only when it is shown."""

    value: int | float | None
    text: str
    suppressed: bool


Value = ShownFigure | float | int | None


def _value_of(shown: Value) -> float | None:
    if shown is None or isinstance(shown, int | float):
        return None if shown is None else float(shown)
    return None if shown.suppressed or shown.value is None else float(shown.value)


def _number(value: float) -> str:
    """A number as the pages write it: 1,000 and 909.1 (commas over 999), never 1e+06."""
    return f"{int(value):,}" if value == int(value) else f"{value:,g}"


def _text_of(shown: Value, unit: str) -> str:
    if shown is None or isinstance(shown, int | float):
        return "not applicable" if shown is None else f"{_number(shown)}{unit}"
    return shown.text if shown.value is None else f"{_number(shown.value)}{unit}"


# Rough widths of Arial's characters, in ems: enough to leave room for labels, not to typeset.
_NARROW = set("fijlrtI.,;:'!|()[] -")
_WIDE = set("mwMW@%")


def text_width(text: str, size: float) -> float:
    """About how wide `text` is at `size` pixels in the charts' font."""
    ems = 0.0
    for character in text:
        if character in _NARROW:
            ems += 0.3
        elif character in _WIDE:
            ems += 0.86
        elif character.isupper() or character.isdigit():
            ems += 0.64
        else:
            ems += 0.53
    return ems * size


def wrap(text: str, width: float, size: float) -> list[str]:
    """`text` in lines no wider than `width`, broken between words; a word wider than `width`
    on its own is broken too, as nothing may be drawn outside the picture."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.extend(_pieces(word, width, size))
    return lines or [""]


def _pieces(word: str, width: float, size: float) -> list[str]:
    """`word` in pieces no wider than `width` (each at least one character): the word itself
    when it fits, as it almost always does."""
    pieces = [""]
    for character in word:
        if pieces[-1] and text_width(pieces[-1] + character, size) > width:
            pieces.append("")
        pieces[-1] += character
    return pieces


def nice_ticks(highest: float, limit: float | None, intervals: int = 5) -> list[float]:
    """Round steps from 0 to at least `highest` (about `intervals` of them), none above `limit`
    (e.g. 100%)."""
    top = limit or highest or 1
    raw = top / intervals
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    steps = [m * power for m in (1, 2, 2.5, 5, 10)]
    if not limit:  # counts of people: no tick between whole numbers
        steps = [max(1, step) for step in steps if step >= 1 and step == int(step)]
    step = next((step for step in steps if step >= raw), 1)
    ticks = [0.0]
    while ticks[-1] < top:
        ticks.append(round(ticks[-1] + step, 10))
    return [tick for tick in ticks if not limit or tick <= limit]


class Svg:
    """An SVG document written element by element; every text is escaped."""

    def __init__(self, chart_id: str, title: str, width: float):
        self.chart_id = chart_id
        self.title = title
        self.width = width
        self.defs: dict[str, str] = {}  # id -> definition, each written once
        self.body: list[str] = []

    def add(self, element: str, **attributes) -> None:
        self.body.append(f"<{element}{_attributes(attributes)}/>")

    def text(self, x, y, words: str, *, size=LABEL_SIZE, anchor="start", **attributes) -> None:
        attributes = {"font-size": size, "text-anchor": anchor, "fill": INK, **attributes}
        self.body.append(
            f"<text x={_q(x)} y={_q(y)}{_attributes(attributes)}>{escape(words)}</text>"
        )

    def lines_of_text(self, x, y, lines: list[str], *, size=LABEL_SIZE, **attributes) -> None:
        """Lines one under the other, the first centred on `y`."""
        first = y - (len(lines) - 1) * size * 0.6 + size * 0.35
        for number, line in enumerate(lines):
            self.text(x, first + number * size * 1.2, line, size=size, **attributes)

    def pattern_fill(self, series: int) -> str:
        """The fill of series number `series`: a flat fill, or its pattern (defined once)."""
        hatch = HATCHES[series % len(HATCHES)]
        fill = FILLS[series % len(FILLS)]
        if not hatch:
            return fill
        pattern_id = f"{self.chart_id}-pattern-{series}"
        if pattern_id not in self.defs:
            self.defs[pattern_id] = _pattern(pattern_id, hatch, fill)
        return f"url(#{pattern_id})"

    def document(self, height: float) -> str:
        """The SVG as text. Its width and height are the picture's own size, which the page
        (speakup.css) scales down to a narrower box and never up."""
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{height:.0f}" '
            f'viewBox="0 0 {self.width} {height:.0f}" font-family="{escape(FONT)}">'
            f"<title>{escape(self.title)}</title>"
            f"<defs>{''.join(self.defs.values())}</defs>"
            f'<rect width="100%" height="100%" fill="{WHITE}"/>'
            f"{''.join(self.body)}</svg>"
        )


def _data_url(document: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(document.encode()).decode()


def _picture(chart_id: str, title: str, draw) -> Markup:
    """The chart drawn by `draw(svg)` (which returns the height it used) at both widths, as one
    image: the narrow drawing on a phone, the wide one elsewhere and in the PDF (WeasyPrint
    reads the image's own source).

    An image, not inline SVG, because the page's content security policy forbids inline styles
    and an image is its own document; the table after it (beside or below) has the figures, so
    the alt text says so."""
    wide, narrow = (Svg(chart_id, title, width) for width in (WIDTH, NARROW_WIDTH))
    wide_url, narrow_url = (_data_url(svg.document(draw(svg))) for svg in (wide, narrow))
    alt = f"{title}. The table after this chart gives the same figures."
    return Markup(  # noqa: S704 - the alt text is escaped, the rest is base64
        f'<picture><source media="{NARROW_SCREEN}" srcset="{narrow_url}">'
        f'<img class="speakup-chart" id="{escape(chart_id)}" src="{wide_url}" '
        f'alt="{escape(alt)}"></picture>'
    )


def _q(number: float) -> str:
    return f'"{number:.1f}"'


def _attributes(attributes: dict) -> str:
    written = []
    for name, value in attributes.items():
        if value is None or value == "":
            continue
        shown = f"{value:.1f}" if isinstance(value, float) else str(value)
        # Python names for SVG's: font_weight is font-weight, class_ is class.
        written.append(f' {name.rstrip("_").replace("_", "-")}="{escape(shown)}"')
    return "".join(written)


def _pattern(pattern_id: str, hatch: str, fill: str) -> str:
    marks = {
        "diagonal": '<path d="M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5"/>',
        "back-diagonal": '<path d="M0,0 L6,6 M-1,5 L1,7 M5,-1 L7,1"/>',
        "cross": '<path d="M0,6 L6,0 M0,0 L6,6"/>',
        "dots": f'<circle cx="3" cy="3" r="1.1" fill="{INK}"/>',
        "rings": '<circle cx="3" cy="3" r="1.8" fill="none"/>',
    }[hatch]
    return (
        f'<pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="{fill}"/>'
        f'<g stroke="{INK}" stroke-width="0.8">{marks}</g></pattern>'
    )


def _marker(svg: Svg, x: float, y: float, series: int) -> None:
    shape = MARKERS[series % len(MARKERS)]
    style = {"fill": WHITE if series % 2 else INK, "stroke": INK, "stroke_width": 1.5}
    if shape == "circle":
        svg.add("circle", cx=f"{x:.1f}", cy=f"{y:.1f}", r="4", **style)
    elif shape == "square":
        svg.add("rect", x=f"{x - 3.5:.1f}", y=f"{y - 3.5:.1f}", width="7", height="7", **style)
    else:
        points = (
            [(x, y - 5), (x + 4.5, y + 3.5), (x - 4.5, y + 3.5)]
            if shape == "triangle"
            else [(x, y - 5), (x + 5, y), (x, y + 5), (x - 5, y)]
        )
        svg.add("polygon", points=" ".join(f"{px:.1f},{py:.1f}" for px, py in points), **style)


@dataclass
class _Frame:
    """Where the plot sits in the picture, and the value at its far end."""

    left: float
    top: float
    width: float
    height: float
    highest: float
    vertical: bool = True  # the values go up (else across)

    def along(self, value: float) -> float:
        """How far along the value axis `value` lies, in pixels."""
        return value / self.highest * (self.height if self.vertical else self.width)


def _heading(svg: Svg, names: list[str], series_kind: str) -> float:
    """The title (on more lines where the picture is too narrow for it), then the legend (when
    there is more than one series): returns the y below."""
    lines = wrap(svg.title, svg.width, TITLE_SIZE)
    for number, line in enumerate(lines):
        svg.text(0, TITLE_SIZE + 2 + number * 18, line, size=TITLE_SIZE, font_weight="bold")
    y = TITLE_SIZE + 14 + (len(lines) - 1) * 18
    if len(names) < 2:
        return y + 8
    return _legend(svg, names, series_kind, y + 8)


def _legend(svg: Svg, names: list[str], series_kind: str, top: float) -> float:
    """Each series' key and name, side by side while they fit, from `top`: returns the y
    below."""
    x, row_y, row_height = 0.0, top, 20.0
    key_width = 20 if series_kind == "bar" else 34
    for series, name in enumerate(names):
        # A name too long for the picture beside its key (an organisation's, on a phone) goes
        # onto more lines rather than off the picture's edge.
        lines = wrap(name, svg.width - key_width, LABEL_SIZE)
        # Spaced as for the wider key, a line's, whichever the chart's (as they always were).
        item_width = 34 + max(text_width(line, LABEL_SIZE) for line in lines) + 18
        if x and x + item_width > svg.width:
            x, row_y, row_height = 0.0, row_y + row_height, 20.0
        row_height = max(row_height, 20 + (len(lines) - 1) * LABEL_SIZE * 1.2)
        if series_kind == "bar":
            svg.add(
                "rect",
                x=f"{x:.1f}", y=f"{row_y - 7:.1f}", width="14", height="14",
                fill=svg.pattern_fill(series), stroke=INK,
            )  # fmt: skip
        else:
            svg.add(
                "line",
                x1=f"{x:.1f}", y1=f"{row_y:.1f}", x2=f"{x + 28:.1f}", y2=f"{row_y:.1f}",
                stroke=INK, stroke_width="1.5", stroke_dasharray=DASHES[series % len(DASHES)],
            )  # fmt: skip
            _marker(svg, x + 14, row_y, series)
        for number, line in enumerate(lines):
            svg.text(x + key_width, row_y + 4 + number * LABEL_SIZE * 1.2, line)
        x += item_width
    return row_y + row_height + 2


def _value_axis(svg: Svg, frame: _Frame, ticks: list[float], unit: str, *, vertical: bool):
    """Grid lines and their labels along the value axis."""
    for tick in ticks:
        label = f"{_number(tick)}{unit}"
        if vertical:
            y = frame.top + frame.height - frame.along(tick)
            svg.add(
                "line",
                x1=f"{frame.left:.1f}", x2=f"{frame.left + frame.width:.1f}",
                y1=f"{y:.1f}", y2=f"{y:.1f}", stroke=GRID,
            )  # fmt: skip
            svg.text(frame.left - 6, y + 4, label, size=VALUE_SIZE, anchor="end")
        else:
            x = frame.left + frame.along(tick)
            bottom = frame.top + frame.height
            svg.add(
                "line",
                x1=f"{x:.1f}", x2=f"{x:.1f}", y1=f"{frame.top:.1f}", y2=f"{bottom:.1f}",
                stroke=GRID,
            )  # fmt: skip
            svg.text(x, bottom + 16, label, size=VALUE_SIZE, anchor="middle")


def _axis_lines(svg: Svg, frame: _Frame) -> None:
    bottom = frame.top + frame.height
    svg.add(
        "path",
        d=f"M{frame.left:.1f},{frame.top:.1f} V{bottom:.1f} H{frame.left + frame.width:.1f}",
        fill="none", stroke=INK,
    )  # fmt: skip


def _highest(series: dict[str, Sequence[Value]], limit: float | None) -> float:
    values = [v for values in series.values() for v in map(_value_of, values) if v is not None]
    return max([limit or 0, *values, 0]) or 1


def _tick_label_width(ticks: list[float], unit: str) -> float:
    return max(text_width(f"{_number(tick)}{unit}", VALUE_SIZE) for tick in ticks)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[Value]],
    unit: str = "",
    horizontal: bool = False,
    limit: float | None = None,
    value_label: str = "",
) -> Markup:
    """Bars for each label, one bar per series (told apart by pattern and by the legend)."""

    def draw(svg: Svg) -> float:
        return _bars(svg, labels, series, unit, horizontal, limit, value_label)

    return _picture(chart_id, title, draw)


def _bars(svg, labels, series, unit, horizontal, limit, value_label) -> float:
    """Draws the bar chart in `svg`, standing up where its labels and figures fit, and
    returns its height."""
    names = list(series)
    top = _heading(svg, names, "bar")
    ticks = nice_ticks(_highest(series, limit), limit)
    texts = [_text_of(shown, unit) for values in series.values() for shown in values]
    if not horizontal and not _upright_fits(svg, labels, names, texts, ticks, unit, value_label):
        horizontal = True  # standing up, labels or figures would run into each other
    if horizontal:
        height = _horizontal_bars(svg, top, labels, series, ticks, limit, unit, texts)
        if value_label:
            svg.text(svg.width / 2, height + 4, value_label, size=VALUE_SIZE, anchor="middle")
            height += 12
        return height + 6
    highest = max(ticks[-1], _highest(series, limit))
    return _vertical_bars(svg, top, labels, series, ticks, highest, unit, value_label) + 6


def _ticks_across(width: float, ticks: list[float], series, limit, unit: str) -> list[float]:
    """The ticks of a value axis lying across `width` pixels: fewer, at rounder steps, where
    their labels would run into each other (a narrow picture: 0%, 50%, 100%)."""
    intervals = 5
    while intervals > 1 and width / (len(ticks) - 1) < _tick_label_width(ticks, unit) + 8:
        intervals -= 1
        ticks = nice_ticks(_highest(series, limit), limit, intervals)
    return ticks


def _horizontal_bars(svg, top, labels, series, ticks, limit, unit, texts) -> float:
    names = list(series)
    widest = max([text_width(label, LABEL_SIZE) for label in labels] or [0])
    label_width = min(svg.width * 0.42, widest)
    value_room = max([text_width(text, VALUE_SIZE) for text in texts] or [0]) + 10
    wrapped = [wrap(label, label_width, LABEL_SIZE) for label in labels]
    bars = max(26.0, 15.0 * len(names) + 10)  # room for one label's bars
    # A label that wraps onto more lines than its bars are tall gets a taller row, so that no
    # label runs into the next.
    rows = [max(bars, len(lines) * LABEL_SIZE * 1.2 + 8) for lines in wrapped]
    width = svg.width - label_width - 10 - value_room
    ticks = _ticks_across(width, ticks, series, limit, unit)
    frame = _Frame(
        left=label_width + 10,
        top=top,
        width=width,
        height=sum(rows) or bars,
        highest=max(ticks[-1], _highest(series, limit)),
        vertical=False,
    )
    _value_axis(svg, frame, ticks, unit, vertical=False)
    bar = (bars - 8) / max(1, len(names))
    row_top = frame.top
    for i, lines in enumerate(wrapped):
        centre = row_top + rows[i] / 2
        svg.lines_of_text(frame.left - 6, centre, lines, anchor="end")
        for s, name in enumerate(names):
            shown = series[name][i]
            value = _value_of(shown)
            y = centre - bars / 2 + 4 + bar * s
            length = frame.along(value) if value is not None else 0
            if value is not None:
                svg.add(
                    "rect",
                    x=f"{frame.left:.1f}", y=f"{y:.1f}", width=f"{length:.1f}",
                    height=f"{bar * 0.9:.1f}", fill=svg.pattern_fill(s), stroke=INK,
                    class_="bar",
                )  # fmt: skip
            svg.text(
                frame.left + length + 4,
                y + bar * 0.45 + VALUE_SIZE * 0.35,
                _text_of(shown, unit),
                size=VALUE_SIZE,
                font_style="italic" if value is None else "",
                class_="value",
            )
        row_top += rows[i]
    _axis_lines(svg, frame)
    return frame.top + frame.height + 30


def _upright_place(svg, labels, ticks, unit, value_label) -> tuple[float, float]:
    """Where bars standing up start (after the ticks), and the width each label has."""
    left = _tick_label_width(ticks, unit) + 10 + (18 if value_label else 0)
    return left, (svg.width - left - 4) / max(1, len(labels))


def _upright_fits(svg, labels, names, texts, ticks, unit, value_label) -> bool:
    """Whether bars standing up leave every label and figure room of its own: each label's
    longest word within its slot, each figure within the space between one bar and the next.
    Else the chart lies on its side, where each bar has a row, however many there are."""
    _, slot = _upright_place(svg, labels, ticks, unit, value_label)
    between = slot if len(names) < 2 else slot * 0.8 / len(names)
    words = [word for label in labels for word in label.split()]
    return (
        max([text_width(word, LABEL_SIZE) for word in words] or [0]) <= slot - 6
        and max([text_width(text, VALUE_SIZE) for text in texts] or [0]) <= between - 2
    )


def _vertical_bars(svg, top, labels, series, ticks, highest, unit, value_label) -> float:
    names = list(series)
    left, slot = _upright_place(svg, labels, ticks, unit, value_label)
    plot_width = svg.width - left - 4
    wrapped = [wrap(label, slot - 6, LABEL_SIZE) for label in labels]
    frame = _Frame(left=left, top=top + 16, width=plot_width, height=190, highest=highest)
    _value_axis(svg, frame, ticks, unit, vertical=True)
    bar = slot * 0.8 / max(1, len(names))
    bottom = frame.top + frame.height
    for i, lines in enumerate(wrapped):
        centre = frame.left + slot * (i + 0.5)
        for number, line in enumerate(lines):
            svg.text(centre, bottom + 18 + number * 14, line, anchor="middle")
        for s, name in enumerate(names):
            shown = series[name][i]
            value = _value_of(shown)
            x = centre - slot * 0.4 + bar * s
            length = frame.along(value) if value is not None else 0
            if value is not None:
                svg.add(
                    "rect",
                    x=f"{x + bar * 0.05:.1f}", y=f"{bottom - length:.1f}",
                    width=f"{bar * 0.9:.1f}", height=f"{length:.1f}",
                    fill=svg.pattern_fill(s), stroke=INK, class_="bar",
                )  # fmt: skip
            svg.text(
                x + bar / 2,
                bottom - length - 5,
                _text_of(shown, unit),
                size=VALUE_SIZE,
                anchor="middle",
                font_style="italic" if value is None else "",
                class_="value",
            )
    _axis_lines(svg, frame)
    if value_label:
        _side_label(svg, frame, value_label)
    return bottom + 18 + 14 * max(len(lines) for lines in wrapped or [[""]])


def _side_label(svg: Svg, frame: _Frame, value_label: str) -> None:
    """The value axis's name, written upwards along it."""
    middle = frame.top + frame.height / 2
    svg.text(
        VALUE_SIZE,
        middle,
        value_label,
        size=VALUE_SIZE,
        anchor="middle",
        transform=f"rotate(-90 {VALUE_SIZE} {middle:.1f})",
    )


def line_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[Value]],
    unit: str = "",
    limit: float | None = None,
    value_label: str = "",
) -> Markup:
    """A line per series over `labels` (in time order), told apart by dash, marker and legend.

    A point with no value (suppressed or not applicable) breaks its line; the last drawn point
    of each line carries its value (with the line's name when there are several), and the table
    beside the chart has every figure.
    """

    def draw(svg: Svg) -> float:
        return _lines(svg, labels, series, unit, limit, value_label)

    return _picture(chart_id, title, draw)


def _lines(svg, labels, series, unit, limit, value_label) -> float:
    """Draws the line chart in `svg` and returns its height."""
    names = list(series)
    top = _heading(svg, names, "line")
    ticks = nice_ticks(_highest(series, limit), limit)
    highest = max(ticks[-1], _highest(series, limit))
    ends = {name: _last_drawn(series[name]) for name in names}
    # Lines that end close together have their labels moved apart (_spread), and their markers
    # overlap: each label names its line, so that it still says whose figure it is.
    end_texts = {
        name: f"{name} {_text_of(series[name][i], unit)}"
        if len(names) > 1
        else _text_of(series[name][i], unit)
        for name, i in ends.items()
        if i is not None
    }
    # A label too long for two-fifths of the picture (a long name, on a phone) goes onto more
    # lines, leaving the lines room to be drawn.
    end_lines = {name: wrap(text, svg.width * 0.4, VALUE_SIZE) for name, text in end_texts.items()}
    end_room = max(
        [text_width(line, VALUE_SIZE) for lines in end_lines.values() for line in lines] or [0]
    )
    left = _tick_label_width(ticks, unit) + 10 + (18 if value_label else 0)
    frame = _Frame(
        left=left, top=top + 8, width=svg.width - left - end_room - 12, height=190, highest=highest
    )
    _value_axis(svg, frame, ticks, unit, vertical=True)
    step = frame.width / max(1, len(labels))
    bottom = frame.top + frame.height

    def position(i: int, value: float) -> tuple[float, float]:
        return frame.left + step * (i + 0.5), bottom - frame.along(value)

    # Too many points for their labels side by side: every second (or third...) is written,
    # counting back from the latest; the table beside the chart has them all.
    widest = max([text_width(label, LABEL_SIZE) for label in labels] or [0])
    every = max(1, math.ceil((widest + 6) / step))
    for i, label in enumerate(labels):
        if (len(labels) - 1 - i) % every == 0:
            svg.text(position(i, 0)[0], bottom + 18, label, anchor="middle")
    end_labels = []
    for s, name in enumerate(names):
        values = [_value_of(shown) for shown in series[name]]
        for run in _unbroken_runs(values):
            svg.add(
                "polyline",
                points=" ".join("{:.1f},{:.1f}".format(*position(i, values[i])) for i in run),
                fill="none", stroke=INK, stroke_width="2",
                stroke_dasharray=DASHES[s % len(DASHES)],
            )  # fmt: skip
        for i, value in enumerate(values):
            if value is not None:
                _marker(svg, *position(i, value), s)
        if ends[name] is not None:
            x, y = position(ends[name], values[ends[name]])
            end_labels.append([y, x, end_lines[name]])
    for y, x, lines in _spread(end_labels, frame):
        for number, line in enumerate(lines):
            line_y = y + number * END_LINE + VALUE_SIZE * 0.35
            svg.text(x + 8, line_y, line, size=VALUE_SIZE, class_="value")
    _axis_lines(svg, frame)
    if value_label:
        _side_label(svg, frame, value_label)
    return bottom + 30


def _last_drawn(values: Sequence[Value]) -> int | None:
    drawn = [i for i, shown in enumerate(values) if _value_of(shown) is not None]
    return drawn[-1] if drawn else None


def _unbroken_runs(values: list[float | None]) -> list[list[int]]:
    """The stretches of points with values: a line is not drawn across a missing one."""
    runs: list[list[int]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(i)
    return [run for run in runs if len(run) > 1]


def _spread(labels: list[list], frame: _Frame) -> list[list]:
    """Move the lines' end labels ([y of the first line, x, lines]) apart where lines end close
    together, so none overlaps."""
    labels.sort()
    for earlier, later in zip(labels, labels[1:], strict=False):
        later[0] = max(later[0], earlier[0] + END_LINE * len(earlier[2]))
    last_line = labels[-1][0] + END_LINE * (len(labels[-1][2]) - 1) if labels else 0
    overflow = last_line - (frame.top + frame.height)
    if overflow > 0:
        for label in labels:
            label[0] -= overflow
    return labels
