"""The quarterly data return as CSV and JSON (docs/data-formats.md), for the command, the API
and downloads alike."""

import csv
import io

from speakup.core import csvfiles
from speakup.reporting.queries import COLUMNS, DataReturn, NationalReturns, QuarterReturn


def _corrections(one: QuarterReturn) -> list[dict]:
    return [{"column": c.column, "submitted": c.submitted, "now": c.now} for c in one.corrections]


def _submission(one: QuarterReturn) -> dict:
    submission = one.submission
    return {
        "submitted": submission is not None,
        "submitted_at": submission.submitted_at.isoformat() if submission else None,
    }


def data_return_json(data: DataReturn) -> dict:
    """The columns as keys, then whether and when it was submitted, corrections since, and
    (Q4 only, otherwise empty) the reconciled Q1–Q3."""
    return {
        **data.figures,
        **_submission(data),
        "corrections": _corrections(data),
        "reconciliation": [
            {
                "quarter": str(one.quarter),
                **_submission(one),
                "figures": one.figures,
                "submitted_figures": (
                    {column: one.submission.figures.get(column, 0) for column in COLUMNS}
                    if one.submission
                    else None
                ),
                "corrections": _corrections(one),
            }
            for one in data.reconciliation
        ],
    }


def _write(header, rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(
        {key: csvfiles.spreadsheet_safe(value) for key, value in row.items()} for row in rows
    )
    return out.getvalue()


def data_return_csv(data: DataReturn) -> str:
    """One row for the quarter; a Q4 return adds one row per earlier quarter of the year with
    its reconciled (recomputed now) figures, told apart by the quarter column."""
    rows = [data.figures, *(one.figures for one in data.reconciliation)]
    return _write(COLUMNS, rows)


NATIONAL_COLUMNS = (*COLUMNS, "status", "submitted_at", "return_required")


def national_returns_csv(national: NationalReturns, *, required) -> str:
    """Every submitted return (as submitted), then one row per missing return, figures empty."""
    rows = []
    for submission in national.submitted:
        rows.append(
            {
                **{column: submission.figures.get(column, 0) for column in COLUMNS},
                "organisation": submission.organisation.ods_code,
                "status": "submitted",
                "submitted_at": submission.submitted_at.isoformat(),
                "return_required": "yes" if required(submission.organisation) else "no",
            }
        )
    for organisation in national.missing:
        rows.append(
            {
                "organisation": organisation.ods_code,
                "financial_year": national.quarter.financial_year,
                "quarter": national.quarter.number,
                "status": "missing",
                "return_required": "yes" if required(organisation) else "no",
            }
        )
    return _write(NATIONAL_COLUMNS, rows)
