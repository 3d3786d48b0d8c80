"""Charts as inline SVG (matplotlib, Agg backend): the same picture in the page and the PDF.

Every chart sits beside a table of its data, which is the accessible equivalent; the SVG has
a <title> and the image an alt text. Bars are outlined and patterned, with their values written
on them, so a chart reads in black and white. A suppressed figure is never drawn: its place is
labelled "fewer than 5" (or "not shown") instead.
"""

import base64
import io
import re
from collections.abc import Sequence
from html import escape

import matplotlib

matplotlib.use("Agg")  # no display, no network: before pyplot is imported

import matplotlib.pyplot as plt  # noqa: E402
from markupsafe import Markup  # noqa: E402

from speakup.reporting.disclosure import Shown  # noqa: E402

HATCHES = ("", "///", "...", "xxx", "\\\\\\", "ooo")
FILLS = ("#ffffff", "#d8dde0", "#ffffff", "#aeb7bd", "#ffffff", "#ffffff")
INK = "#212b32"
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


def _value_of(shown: Shown | float | int | None) -> float | None:
    if isinstance(shown, Shown):
        return None if shown.suppressed or shown.value is None else float(shown.value)
    return None if shown is None else float(shown)


def _text_of(shown: Shown | float | int | None, unit: str) -> str:
    if isinstance(shown, Shown):
        return shown.text if shown.value is None else f"{shown.value:g}{unit}"
    return "not applicable" if shown is None else f"{shown:g}{unit}"


def bar_chart(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[Shown | float | int | None]],
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
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if len(names) > 1:
        axes.legend(frameon=False, loc="lower right" if horizontal else "upper right")
    axes.set_title(title, loc="left", fontsize=11, color=INK)
    return _svg(figure, chart_id=chart_id, title=title)


def trend_chart(*, chart_id: str, title: str, labels, values) -> Markup:
    return bar_chart(
        chart_id=chart_id,
        title=title,
        labels=labels,
        series={"Cases": values},
        value_label="Cases raised",
    )


def board_report_charts(report) -> dict[str, Markup]:
    """The four charts of a board report, from the figures as shown (never the raw counts)."""
    timeliness_labels = ["Acknowledged in time", "Feedback in time"]
    national = {c.measure: c.national for c in report.comparison}
    modules = report.training.get("modules", [])
    return {
        "trend": trend_chart(
            chart_id="chart-trend",
            title="Cases raised by quarter",
            labels=[line.label for line in report.quarters],
            values=[line.count for line in report.quarters],
        ),
        "elements": bar_chart(
            chart_id="chart-elements",
            title="Cases with each element",
            labels=[_short(line.label) for line in report.elements],
            series={"Cases": [line.count for line in report.elements]},
            horizontal=True,
            value_label="Cases",
        ),
        "timeliness": bar_chart(
            chart_id="chart-timeliness",
            title="Share of cases answered within the deadline",
            labels=timeliness_labels,
            series={
                report.organisation.name: [line.share for line in report.timeliness],
                "National": [
                    national.get("Acknowledged within the deadline"),
                    national.get("Feedback given within the deadline"),
                ],
            },
            unit="%",
            horizontal=True,
            limit=100,
            value_label="Per cent",
        ),
        "compliance": bar_chart(
            chart_id="chart-compliance",
            title="Training compliance by module",
            labels=[m["title"] for m in modules],
            series={"Compliance": [m["percent"] for m in modules]},
            unit="%",
            limit=100,
            value_label="Per cent of those required",
        ),
    }


def _short(label: str, width: int = 38) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"
