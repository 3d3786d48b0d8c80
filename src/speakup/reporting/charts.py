"""The board report's charts, drawn with the charts every page shares (speakup.core.charts).

Figures come as shown (reporting.disclosure's `Shown`): a suppressed figure is never drawn,
its place is labelled "fewer than 5" (or "not shown") instead.
"""

from markupsafe import Markup

from speakup.core.charts import bar_chart


def board_report_charts(report) -> dict[str, Markup]:
    """The four charts of a board report, from the figures as shown (never the raw counts)."""
    timeliness_labels = ["Acknowledged in time", "Feedback in time"]
    national = {c.measure: c.national for c in report.comparison}
    modules = report.training.get("modules", [])
    return {
        "trend": bar_chart(
            chart_id="chart-trend",
            title="Cases raised by quarter",
            labels=[line.label for line in report.quarters],
            series={"Cases": [line.count for line in report.quarters]},
            value_label="Cases raised",
        ),
        "elements": bar_chart(
            chart_id="chart-elements",
            title="Cases with each element",
            labels=[line.label for line in report.elements],
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
                **(
                    {
                        "National": [
                            national.get("Acknowledged within the deadline"),
                            national.get("Feedback given within the deadline"),
                        ]
                    }
                    if report.national_compared
                    else {}
                ),
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
