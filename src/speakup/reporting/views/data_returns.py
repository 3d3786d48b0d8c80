"""The guardian's quarterly data return: see the figures, download them, mark them submitted."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from speakup.core.dates import moment_in_words
from speakup.core.pages import render_page
from speakup.core.permissions import can, require, visible
from speakup.reporting import presenters, queries, services
from speakup.reporting.quarters import QuarterError, current_quarter, parse_quarter

RECENT_QUARTERS = 6


def bad_quarter(request, error: QuarterError):
    return render_page(
        request, "core/error.jinja", page_title="Check the quarter", status=400, message=str(error)
    )


def _organisation_for(request, ods_code):
    organisation = queries.organisation_by_code(ods_code)
    require(request.user, "reporting.prepare_data_return", organisation)
    return organisation


@login_required
def list_data_returns(request):
    if not can(request.user, "reporting.prepare_any_data_return"):
        raise Http404
    recent = [current_quarter()]
    while len(recent) < RECENT_QUARTERS:
        recent.append(recent[-1].previous())
    organisations = []
    for organisation in visible(request.user, "reporting.data_return_organisations"):
        # Older quarters too while their return is owed: out of the list, one is easily missed.
        quarters = recent + queries.unsent_quarters_before(
            organisation=organisation, before=recent[-1]
        )
        submitted = queries.submitted_quarters(organisation=organisation, quarters=quarters)
        organisations.append(
            {
                "organisation": organisation,
                "quarters": [
                    {
                        "quarter": quarter,
                        "ended": quarter.has_ended(),
                        "submission": submitted.get(quarter),
                        "submitted_at": (
                            moment_in_words(submitted[quarter].submitted_at)
                            if quarter in submitted
                            else None
                        ),
                    }
                    for quarter in quarters
                ],
            }
        )
    return render_page(
        request,
        "reporting/list_data_returns.jinja",
        page_title="Quarterly data returns",
        organisations=organisations,
    )


@login_required
def show_data_return(request, ods_code, quarter):
    organisation = _organisation_for(request, ods_code)
    try:
        parsed = parse_quarter(quarter)
    except QuarterError as error:
        return bad_quarter(request, error)
    data = queries.data_return(organisation=organisation, quarter=parsed)
    return render_page(
        request,
        "reporting/show_data_return.jinja",
        page_title=f"Data return for {parsed.label}",
        organisation=organisation,
        quarter=parsed,
        data=data,
        sections=presenters.figure_sections(data.figures),
        column_label=presenters.column_label,
        submitted_at=moment_in_words(data.submission.submitted_at) if data.submission else None,
        reconciliation=[
            {
                "one": one,
                "submitted_at": moment_in_words(one.submission.submitted_at)
                if one.submission
                else None,
            }
            for one in data.reconciliation
        ],
        reconciliation_rows=_reconciliation_rows(data),
        ended=parsed.has_ended(),
    )


def _reconciliation_rows(data) -> list[dict]:
    """For Q4: each count for Q1–Q3, as submitted and as it stands now."""
    rows = []
    for one in data.reconciliation:
        for column in queries.COUNT_COLUMNS:
            submitted = one.submission.figures.get(column, 0) if one.submission else None
            rows.append(
                {
                    "quarter": f"Q{one.quarter.number}",
                    "label": presenters.column_label(column),
                    "submitted": "not submitted" if submitted is None else submitted,
                    "now": one.figures[column],
                    "changed": submitted is not None and submitted != one.figures[column],
                }
            )
    return rows


@login_required
@require_POST
def submit_data_return(request, ods_code, quarter):
    organisation = _organisation_for(request, ods_code)
    try:
        parsed = parse_quarter(quarter)
    except QuarterError as error:
        return bad_quarter(request, error)
    try:
        services.data_return_submit(organisation=organisation, quarter=parsed, by=request.user)
    except services.SubmissionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"The return for {parsed.label} is marked as submitted")
    return redirect("reporting:show_data_return", organisation.ods_code, str(parsed))
