"""National analysts: every organisation's submitted return for a quarter, and who is missing.

The returns are the aggregate national collection, exempt from small-number suppression by
design (docs/reporting.md). Any national view of live per-organisation figures is not, and
must show them through speakup.reporting.disclosure.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from speakup.core.pages import render_page
from speakup.core.permissions import can
from speakup.reporting import formats, queries
from speakup.reporting.forms import QuarterForm
from speakup.reporting.quarters import QuarterError, current_quarter, parse_quarter
from speakup.reporting.views.data_returns import bad_quarter


def _require_analyst(request):
    if not can(request.user, "reporting.view_national_returns"):
        raise Http404


@login_required
def show_national_returns(request):
    _require_analyst(request)
    quarter = current_quarter().previous()
    form = QuarterForm(request.GET if "quarter" in request.GET else None)
    if form.is_bound and form.is_valid():
        quarter = form.cleaned_data["quarter"]
    national = queries.national_returns(quarter=quarter)
    return render_page(
        request,
        "reporting/show_national_returns.jinja",
        page_title=f"National data returns for {quarter.label}",
        form=form if form.is_bound else QuarterForm(initial={"quarter": str(quarter)}),
        quarter=quarter,
        national=national,
        is_required=queries.return_required,
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def download_national_returns(request, quarter):
    _require_analyst(request)
    try:
        parsed = parse_quarter(quarter)
    except QuarterError as error:
        return bad_quarter(request, error)
    national = queries.national_returns(quarter=parsed)
    response = HttpResponse(
        formats.national_returns_csv(national, required=queries.return_required),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="ftsu-data-returns-{parsed}.csv"'
    return response
