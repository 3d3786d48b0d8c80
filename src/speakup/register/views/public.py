"""The public register: search, a director's entry, the code of practice and open data."""

import io

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import condition, require_GET

from speakup.core import csvfiles
from speakup.core.pages import pagination
from speakup.core.permissions import can
from speakup.register import queries
from speakup.register.forms import SearchForm
from speakup.register.presenters import code_versions_listed, ftsu_role
from speakup.register.throttling import RegisterRateThrottle, register_etag
from speakup.register.views import page

PAGE_SIZE = 20


@require_GET
def search_register(request):
    form = SearchForm(request.GET or None)
    results = None  # an invalid search lists nobody: the error summary says what to change
    if not form.is_bound or form.is_valid():
        criteria = form.cleaned_data if form.is_bound else {}
        directors = queries.directors_search(
            q=criteria.get("q", ""),
            organisation=criteria.get("organisation", ""),
            status=criteria.get("status", ""),
        )
        results = Paginator(directors, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {key: value for key, value in request.GET.items() if key != "page"}
    return page(
        request,
        "search.jinja",
        page_title="Search the register of board directors",
        form=form,
        searched=form.is_bound,
        results=results,
        pagination=pagination(results, query, label="Pages of directors") if results else None,
        today=timezone.localdate(),
    )


@require_GET
def show_director(request, register_number):
    director = queries.director_by_number(register_number)
    if director is None:
        raise Http404
    today = timezone.localdate()
    appointments = queries.appointments_by_timing(director.appointments.all(), today)
    return page(
        request,
        "director.jinja",
        page_title=f"{director.name}, {director.register_number}",
        director=director,
        current=appointments[queries.Timing.CURRENT],
        upcoming=appointments[queries.Timing.UPCOMING],
        past=appointments[queries.Timing.PAST],
        conditions=queries.conditions_in_force(director),
        decisions=queries.published_decisions(director),
        may_open_case=can(request.user, "register.run_register"),
        may_correct_entry=can(request.user, "register.correct_entry", director),
        today=today,
    )


CODE_TITLE = "Code of practice for board directors"


@require_GET
def show_code(request):
    code = queries.current_code()
    return page(request, "code.jinja", page_title=CODE_TITLE, code=code, current=code)


@require_GET
def list_code_versions(request):
    return page(
        request,
        "code_versions.jinja",
        page_title="Versions of the code of practice",
        versions=code_versions_listed(queries.code_versions()),
    )


@require_GET
def show_code_version(request, version: int):
    """Any version ever published: directors attested to each, and an officer told that another
    published a version reads it here."""
    code = queries.code_by_version(version)
    if code is None:
        raise Http404
    return page(
        request,
        "code.jinja",
        page_title=CODE_TITLE,
        subject=f"version {code.version}",
        code=code,
        current=queries.current_code(),
    )


@require_GET
def redirect_padded_code_version(request, version: int):
    """/code-of-practice/04/ is version 4's address typed with a zero: one address per version."""
    return redirect("register:show_code_version", version, permanent=True)


OPEN_DATA_COLUMNS = [
    "Register Number",
    "First Name",
    "Last Name",
    "Status",
    "Organisation Code",
    "Organisation",
    "Role Title",
    "Executive (Y/N)",
    "FTSU Role",
    "Start Date",
    "End Date",
]


@require_GET
def download_open_data(request):
    if not RegisterRateThrottle().allow_request(request, None):
        return HttpResponse(
            "Too many requests: try again in a minute.",
            status=429,
            headers={"Retry-After": "60", "Content-Type": "text/plain; charset=utf-8"},
        )
    return _open_data(request)


@condition(etag_func=register_etag)
def _open_data(request):
    buffer = io.StringIO()
    writer = csvfiles.DownloadWriter(buffer)
    writer.writerow(OPEN_DATA_COLUMNS)
    for appointment in queries.open_data_rows():
        director = appointment.director
        writer.writerow(
            [
                director.register_number,
                director.first_name,
                director.last_name,
                queries.effective_status(director).label,
                appointment.organisation.ods_code,
                appointment.organisation.name,
                appointment.role_title,
                "Y" if appointment.executive else "N",
                ftsu_role(appointment.ftsu_role),
                appointment.start_date.isoformat(),
                appointment.end_date.isoformat() if appointment.end_date else "",
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="register-of-board-directors.csv"'
    response["Cache-Control"] = "public, max-age=300"
    return response
