"""The board report: a page and a PDF of the same HTML, and the guardian's own inputs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from speakup.core.pages import render_page
from speakup.core.permissions import can, require, visible
from speakup.reporting import charts, queries
from speakup.reporting.board_report import board_report, board_report_inputs_save
from speakup.reporting.board_report_forms import (
    InputsForm,
    PeriodForm,
    StandardPeriodForm,
    read_period,
)
from speakup.reporting.board_report_periods import (
    BOARD_REPORT_PARTS,
    NATIONAL_PARTS,
    last_half_year,
    last_year,
    part_of,
)
from speakup.reporting.disclosure import threshold

SECTIONS = [
    ("speaking-up", "Speaking up"),
    ("training", "Training"),
    ("leaders", "Leaders"),
    ("comparison", "Compared with the national figures"),
    ("survey", "Staff survey"),
    ("narrative", "The guardian's narrative"),
]


def _organisation_for(request, ods_code):
    organisation = queries.organisation_by_code(ods_code)
    require(request.user, "reporting.view_board_report", organisation)
    return organisation


def _title(organisation, period) -> str:
    return f"Freedom to Speak Up board report: {organisation.name}, {period.label}"


@login_required
def list_board_reports(request):
    if not can(request.user, "reporting.view_any_board_report"):
        raise Http404
    organisations = list(visible(request.user, "reporting.board_report_organisations"))
    half = last_half_year()
    choosers = {
        o.pk: StandardPeriodForm(parts=BOARD_REPORT_PARTS, period=half, auto_id=f"{o.ods_code}-%s")
        for o in organisations
    }
    dates = {
        o.pk: PeriodForm(auto_id=f"{o.ods_code}-%s")
        for o in organisations
        if can(request.user, "reporting.choose_board_report_dates", o)
    }
    return render_page(
        request,
        "reporting/list_board_reports.jinja",
        page_title="Board reports",
        organisations=organisations,
        choosers=choosers,
        dates=dates,
        half=half,
        year=last_year(),
    )


def _period_or_errors(request, organisation):
    """The period asked for and the forms that choose another, or (None, the forms, the page
    saying what is wrong, with status 400). Only guardians may choose any dates."""
    choice = read_period(
        request.GET,
        parts=BOARD_REPORT_PARTS,
        any_dates=can(request.user, "reporting.choose_board_report_dates", organisation),
        default=last_half_year(),
    )
    if choice.period is not None:
        return choice.period, choice, None
    page = render_page(
        request,
        "reporting/board_report_period.jinja",
        page_title="Check the period of the board report",
        form=choice.chooser,
        other_forms=[choice.dates] if choice.dates else [],
        choice=choice,
        organisation=organisation,
        status=400,
    )
    return None, choice, page


def _context(request, organisation, period):
    # National figures only for whole quarters, half-years and years, as the national view
    # shows them: a guardian's own dates would let them be subtracted day by day.
    report = board_report(
        organisation=organisation,
        period=period,
        viewer=request.user,
        national=part_of(period, NATIONAL_PARTS) is not None,
    )
    return {
        "report": report,
        "charts": charts.board_report_charts(report),
        "sections": SECTIONS,
        "threshold": threshold(),
        "organisation": organisation,
    }


@login_required
def show_board_report(request, ods_code):
    organisation = _organisation_for(request, ods_code)
    period, choice, error_page = _period_or_errors(request, organisation)
    if error_page is not None:
        return error_page
    query = urlencode(period.query())
    return render_page(
        request,
        "reporting/show_board_report.jinja",
        page_title=_title(organisation, period),
        form=choice.chooser,
        choice=choice,
        pdf_url=(
            f"{reverse('reporting:download_board_report', args=[organisation.ods_code])}?{query}"
        ),
        inputs_url=(
            f"{reverse('reporting:edit_board_report_inputs', args=[organisation.ods_code])}?{query}"
        ),
        may_edit=can(request.user, "reporting.edit_board_report_inputs", organisation),
        **_context(request, organisation, period),
    )


def board_report_pdf(*, html: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only PDFs need

    return HTML(string=html).write_pdf()


@login_required
def download_board_report(request, ods_code):
    organisation = _organisation_for(request, ods_code)
    period, _choice, error_page = _period_or_errors(request, organisation)
    if error_page is not None:
        return error_page
    html = render_to_string(
        "reporting/board_report_pdf.jinja",
        {"title": _title(organisation, period), **_context(request, organisation, period)},
        request=request,
    )
    response = HttpResponse(board_report_pdf(html=html), content_type="application/pdf")
    name = f"ftsu-board-report-{organisation.ods_code}-{period.first_day}-to-{period.last_day}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def edit_board_report_inputs(request, ods_code):
    organisation = queries.organisation_by_code(ods_code)
    require(request.user, "reporting.edit_board_report_inputs", organisation)
    period, _choice, error_page = _period_or_errors(request, organisation)
    if error_page is not None:
        return error_page
    from speakup.reporting.models import BoardReportInputs

    existing = BoardReportInputs.objects.filter(
        organisation=organisation, start=period.first_day, end=period.last_day
    ).first()
    back_url = (
        f"{reverse('reporting:show_board_report', args=[organisation.ods_code])}"
        f"?{urlencode(period.query())}"
    )
    form = InputsForm(request.POST or None, instance=existing)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in InputsForm.Meta.fields}
        board_report_inputs_save(
            organisation=organisation, period=period, values=values, by=request.user
        )
        messages.success(request, "The survey scores and narrative are saved")
        return redirect(back_url)
    return render_page(
        request,
        "reporting/edit_board_report_inputs.jinja",
        page_title="Staff survey scores and narrative",
        form=form,
        organisation=organisation,
        period=period,
        back_url=back_url,
        status=400 if form.is_bound and form.errors else 200,
    )
