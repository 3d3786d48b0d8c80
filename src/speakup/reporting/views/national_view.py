"""National analysts: adoption, follow-up and speaking up per organisation and per region."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.http import urlencode

from speakup.core import charts, csvfiles
from speakup.core.pages import render_page
from speakup.core.permissions import can
from speakup.reporting.board_report_forms import read_period
from speakup.reporting.board_report_periods import NATIONAL_PARTS, latest_ended
from speakup.reporting.national_view import (
    COLUMNS,
    ENGLAND,
    HEADINGS,
    MEASURE_KEYS,
    MODULE_TITLES,
    SPEAKING_KEYS,
    national_view,
    national_view_csv_rows,
)
from speakup.reporting.national_view_forms import KINDS, REGIONS, FiltersForm
from speakup.training.content import MODULE_ORDER
from speakup.training.models import Module


def _require_analyst(request):
    if not can(request.user, "reporting.view_national_view"):
        raise Http404


def _choices(request):
    """Period, filters and sort from the query string; a bad period or filter is a 400 with
    the forms.

    Whole financial quarters, half-years and years that have ended only: any two dates would
    let two views a day apart be subtracted to single out a case (docs/adr/0012)."""
    filters = FiltersForm(request.GET)
    sort = request.GET.get("sort", "name")
    descending = request.GET.get("order") == "desc"
    default = latest_ended(NATIONAL_PARTS)
    choice = read_period(request.GET, parts=NATIONAL_PARTS, any_dates=False, default=default)
    period = choice.period if filters.is_valid() else None
    return choice.chooser, filters, period, sort, descending


def unmarked_note(unmarked: list[str], *, organisations: int) -> str:
    """Why no organisation is marked "Worst 10%" on some measures, or "" when all can be."""
    if not unmarked:
        return ""
    if organisations < 10:
        return (
            f"No organisation is marked Worst 10%: that needs at least ten organisations, and "
            f"{organisations} {'is' if organisations == 1 else 'are'} shown."
        )
    names = [f"“{HEADINGS[key]}”" for key in unmarked]
    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return (
        f"No organisation is marked Worst 10% on {listed}: "
        "fewer than ten organisations have a figure shown for "
        f"{'them' if len(names) > 1 else 'it'}, and marking needs at least ten."
    )


@login_required
def show_national_view(request):
    _require_analyst(request)
    form, filters, period, sort, descending = _choices(request)
    if period is None:
        return render_page(
            request,
            "reporting/show_national_view.jinja",
            page_title="National view",
            form=form,
            other_forms=[filters],
            filters=filters,
            view=None,
            status=400,
        )
    region, kind = filters.cleaned_data["region"], filters.cleaned_data["kind"]
    view = national_view(period=period, region=region, kind=kind, sort=sort, descending=descending)
    base = {
        **period.query(),
        **({"region": region} if region else {}),
        **({"kind": kind} if kind else {}),
    }

    def sort_url(key):
        order = "asc" if view.sort == key and view.descending else "desc"
        if view.sort != key and key == "name":
            order = "asc"
        # The page opens at the table, and the next Tab goes to its headings: a keyboard user
        # sorting again does not start from the top of the page.
        return "?" + urlencode({**base, "sort": key, "order": order}) + "#organisations"

    sorted_by = "name" if view.sort == "name" else COLUMNS[view.sort]
    if not sorted_by.startswith(tuple(MODULE_TITLES.values())):  # "Speak Up" stays as it is
        sorted_by = sorted_by[:1].lower() + sorted_by[1:]
    if view.descending:
        sorted_by += " (most first)" if view.sort == "mandatory" else " (highest first)"
    # The regions and, last, England: in the regions' tables and their charts alike.
    region_lines = [*view.regions, view.england]
    return render_page(
        request,
        "reporting/show_national_view.jinja",
        page_title="National view",
        form=form,
        filters=filters,
        view=view,
        headings=list(COLUMNS.items()),
        column_names=COLUMNS,
        speaking_keys=SPEAKING_KEYS,
        region_lines=region_lines,
        england_label=ENGLAND,
        unmarked_note=unmarked_note(view.unmarked, organisations=len(view.organisations)),
        sorted_by=sorted_by,
        sort_url=sort_url,
        measure_keys=MEASURE_KEYS,
        module_order=MODULE_ORDER,
        module_titles=dict(Module.choices),
        csv_url="?"
        + urlencode({**base, "sort": view.sort, "order": "desc" if view.descending else "asc"}),
        charts={
            "regions": charts.bar_chart(
                chart_id="chart-regions",
                title="Cases per 1,000 workers by region",
                labels=[row.label for row in region_lines],
                series={
                    "Cases per 1,000 workers": [
                        row.measures["cases_per_thousand"] for row in region_lines
                    ]
                },
                horizontal=True,
                value_label="Cases per 1,000 workers",
            ),
            "compliance": charts.bar_chart(
                chart_id="chart-region-compliance",
                title="Training compliance by region",
                labels=[row.label for row in region_lines],
                series={
                    dict(Module.choices)[m]: [
                        row.measures[f"{m}_compliance"] for row in region_lines
                    ]
                    for m in MODULE_ORDER
                },
                horizontal=True,
                unit="%",
                limit=100,
                value_label="Per cent of those required",
            ),
        },
    )


@login_required
def download_national_view(request):
    _require_analyst(request)
    form, filters, period, sort, descending = _choices(request)
    for name, choices in (("region", REGIONS), ("kind", KINDS)):
        if name in filters.errors:  # an address: the codes, not the list's words
            codes = ", ".join(code for code, _ in choices)
            refusal = (
                f"There is no {name} “{request.GET[name]}”: leave it out, or give one of {codes}"
            )
            return HttpResponse(refusal, status=400, content_type="text/plain; charset=utf-8")
    if period is None:
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    region, kind = filters.cleaned_data["region"], filters.cleaned_data["kind"]
    view = national_view(period=period, region=region, kind=kind, sort=sort, descending=descending)
    name = f"ftsu-national-view-{period.first_day}-to-{period.last_day}.csv"
    response = csvfiles.spreadsheet_download(name)
    csvfiles.DownloadWriter(response).writerows(national_view_csv_rows(view))
    return response
