"""Charts as images of SVG (matplotlib, Agg backend): the same picture in the page and the PDF.

Every chart sits beside a table of its data, which is the accessible equivalent; the SVG has
a <title> and the image an alt text. Bars are outlined and patterned, lines dashed and marked,
with values written on them, so a chart reads in black and white.

A value is a number, None (not applicable), or a figure as it may be shown (reporting's
`Shown`: anything with `value`, `text` and `suppressed`): a suppressed figure is never drawn,
its place is labelled with its text ("fewer than 5") instead.

Drawing takes tens of milliseconds a chart, so each drawing is cached under a hash of
everything it is drawn from (the arguments and this file): the same figures give the same
picture, and new figures a new key, so a cached chart is never stale.
"""

import base64
import hashlib
import io
import re
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Protocol

import matplotlib

matplotlib.use("Agg")  # no display, no network: before pyplot is imported

import matplotlib.pyplot as plt  # noqa: E402
from django.core.cache import cache  # noqa: E402
from markupsafe import Markup  # noqa: E402

HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo")
FILLS = ("#ffffff", "#d8dde0", "#ffffff", "#aeb7bd", "#ffffff", "#ffffff")
LINES = ("solid", "dashed", "dotted", "dashdot")
MARKERS = ("o", "s", "^", "D")
INK = "#212b32"
CACHE_SECONDS = 7 * 24 * 60 * 60
# A change to how charts are drawn (this file, or matplotlib) gives every chart a new key.
DRAWING = hashlib.sha256(Path(__file__).read_bytes() + matplotlib.__version__.encode()).hexdigest()
plt.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: searchable, and copied into the PDF as text
        "svg.hashsalt": "speakup",  # ids the same on every run
        "font.family": "sans-serif",
        "font.sans-serif": ["Arial", "Liberation Sans", "DejaVu Sans"],
        "font.size": 10,
        "hatch.color": INK,
        "hatch.linewidth": 0.8,
    }
)


class ShownFigure(Protocol):
    """A figure as it may be shown: its text, and its value only when it is shown."""

    value: int | float | None
    text: str
    suppressed: bool


Value = ShownFigure | float | int | None


def _cached(draw):
    """Keep `draw`'s picture under a hash of its arguments: one drawing per set of figures."""

    def cached_draw(**arguments) -> Markup:
        described = repr((draw.__name__, sorted(arguments.items()))).encode()
        key = f"chart:{hashlib.sha256(described).hexdigest()}:{DRAWING[:16]}"
        picture = cache.get(key)
        if picture is None:
            picture = str(draw(**arguments))
            cache.set(key, picture, CACHE_SECONDS)
        return Markup(picture)  # noqa: S704 - drawn by `_svg`, which escapes every text

    cached_draw.__name__ = draw.__name__
    cached_draw.__doc__ = draw.__doc__
    return cached_draw


def _svg(figure, *, chart_id: str, title: str) -> Markup:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    # Several charts share a page: give every id this chart's prefix.
    text = re.sub(r'id="([^"]+)"', rf'id="{chart_id}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{chart_id}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{chart_id}-\1"', text)
    head_end = text.index(">") + 1
    text = text[:head_end] + f"<title>{escape(title)}</title>" + text[head_end:]
    # As an image, not inline: the page's content security policy forbids the inline styles
    # matplotlib writes, and an image is its own document. The table beside it has the figures.
    encoded = base64.b64encode(text.encode()).decode()
    alt = f"{title}. The table beside this chart gives the same figures."
    return Markup(  # noqa: S704 - the alt text is escaped, the rest is base64
        f'<img class="speakup-chart" id="{chart_id}" src="data:image/svg+xml;base64,{encoded}" '
        f'alt="{escape(alt)}">'
    )


def _value_of(shown: Value) -> float | None:
    if shown is None or isinstance(shown, int | float):
        return None if shown is None else float(shown)
    return None if shown.suppressed or shown.value is None else float(shown.value)


def _text_of(shown: Value, unit: str) -> str:
    if shown is None or isinstance(shown, int | float):
        return "not applicable" if shown is None else f"{shown:g}{unit}"
    return shown.text if shown.value is None else f"{shown.value:g}{unit}"


def _ticks_up_to(axis, limit: float | None) -> None:
    """No tick above the most there can be (100%), though the values written need room."""
    if limit:
        axis.set_ticks([tick for tick in axis.get_ticklocs() if 0 <= tick <= limit])


def _finish(axes, *, title: str, series: int, **legend) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if series > 1 and axes.get_legend_handles_labels()[0]:
        axes.legend(frameon=False, **legend)
    axes.set_title(title, loc="left", fontsize=11, color=INK)


@_cached
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
    names = list(series)
    count = len(labels)
    height = max(2.4, 0.42 * count * max(1, len(names)) + 1.2) if horizontal else 3.2
    figure, axes = plt.subplots(figsize=(7.2, height), dpi=72)
    width = 0.8 / max(1, len(names))
    highest = limit or max(
        [v for values in series.values() for v in map(_value_of, values) if v is not None] or [1]
    )
    for s, name in enumerate(names):
        for i, shown in enumerate(series[name]):
            position = i - 0.4 + width * (s + 0.5)
            value = _value_of(shown)
            text = _text_of(shown, unit)
            draw = axes.barh if horizontal else axes.bar
            if value is not None:
                draw(
                    position,
                    value,
                    width * 0.92,
                    color=FILLS[s % len(FILLS)],
                    edgecolor=INK,
                    hatch=HATCHES[s % len(HATCHES)],
                    linewidth=1,
                    label=name if i == 0 else None,
                )
            elif i == 0:
                # Still in the legend, though this first bar is not drawn.
                draw(
                    position,
                    0,
                    0,
                    color=FILLS[s % len(FILLS)],
                    edgecolor=INK,
                    hatch=HATCHES[s % len(HATCHES)],
                    label=name,
                )
            offset = (value or 0) + highest * 0.01
            style = {"fontsize": 8, "color": INK}
            if value is None:
                style["fontstyle"] = "italic"
            if horizontal:
                axes.text(offset, position, text, va="center", ha="left", **style)
            else:
                axes.text(position, offset, text, ha="center", va="bottom", **style)
    ticks = range(count)
    if horizontal:
        axes.set_yticks(list(ticks), labels=list(labels))
        axes.invert_yaxis()
        axes.set_xlim(0, highest * 1.25 or 1)
        axes.set_xlabel(value_label)
    else:
        axes.set_xticks(list(ticks), labels=list(labels), rotation=0)
        axes.set_ylim(0, highest * 1.2 or 1)
        axes.set_ylabel(value_label)
    _ticks_up_to(axes.xaxis if horizontal else axes.yaxis, limit)
    legend_at = "lower right" if horizontal else "upper right"
    _finish(axes, title=title, series=len(names), loc=legend_at)
    return _svg(figure, chart_id=chart_id, title=title)


@_cached
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
    of each line carries its value, and the table beside the chart has every figure.
    """
    names = list(series)
    figure, axes = plt.subplots(figsize=(7.2, 3.2), dpi=72)
    highest = limit or max(
        [v for values in series.values() for v in map(_value_of, values) if v is not None] or [1]
    )
    for s, name in enumerate(names):
        values = [_value_of(shown) for shown in series[name]]
        axes.plot(
            range(len(values)),
            [float("nan") if value is None else value for value in values],
            color=INK,
            linestyle=LINES[s % len(LINES)],
            marker=MARKERS[s % len(MARKERS)],
            markerfacecolor="#ffffff" if s % 2 else INK,
            linewidth=1.5,
            label=name,
        )
        drawn = [(i, value) for i, value in enumerate(values) if value is not None]
        if drawn:
            last, value = drawn[-1]
            axes.annotate(
                _text_of(series[name][last], unit),
                (last, value),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color=INK,
            )
    axes.set_xticks(list(range(len(labels))), labels=list(labels))
    axes.set_xlim(-0.3, len(labels) - 0.4)
    axes.set_ylim(0, highest * 1.15 or 1)
    _ticks_up_to(axes.yaxis, limit)
    axes.set_ylabel(value_label)
    # Below the plot, where no line can hide it.
    _finish(
        axes,
        title=title,
        series=len(names),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=len(names),
    )
    return _svg(figure, chart_id=chart_id, title=title)
