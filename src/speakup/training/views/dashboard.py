"""An organisation's training dashboard, its CSV export and the roster and completions uploads."""

import datetime
import uuid
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from speakup.core.audit import audit_by
from speakup.core.charts import bar_chart, line_chart
from speakup.core.numbers import percent
from speakup.core.pages import render_page
from speakup.core.permissions import require
from speakup.core.views.auth import sign_in_first
from speakup.core.words import counted
from speakup.organisations.models import Organisation
from speakup.training.content import MODULE_ORDER
from speakup.training.exports import compliance_csv, leavers_csv
from speakup.training.forms import (
    CompletionsUploadForm,
    ExpectLateForm,
    RosterUploadForm,
    TrainingPolicyForm,
)
from speakup.training.models import ImportStatus, StaffImport, UploadKind
from speakup.training.presenters import (
    NATIONAL_RECOMMENDATION,
    adoption_in_words,
    made_late_summary,
    mandatory_tag,
    not_mandatory_but_due,
    policy_changes,
    rows_with_problems,
)
from speakup.training.queries import (
    MODULE_TITLES,
    dashboard_organisations,
    organisation_compliance,
    organisation_leavers,
    policy_for,
)
from speakup.training.roster.columns import COLUMNS, REQUIRED_COLUMNS, STAFF_GROUPS
from speakup.training.roster.results import named_groups
from speakup.training.roster.row_checks import DATE_FORMS
from speakup.training.services import (
    REQUIRED_COMPLETION_COLUMNS,
    LateWorkersToConfirm,
    policy_update,
)
from speakup.training.tallies import (
    MadeLate,
    board_compliance,
    compliance_figures,
    compliance_trend,
)
from speakup.training.tasks import result_of, run_staff_import

BREAKDOWNS = [
    ("staff_group", "Staff group"),
    ("directorate", "Directorate"),
    ("band", "Band"),
]


def _organisation(request, ods_code: str, action: str) -> Organisation:
    organisation = get_object_or_404(Organisation, ods_code=ods_code.upper(), active=True)
    require(request.user, action, organisation)
    return organisation


@login_required
def dashboards(request):
    require(request.user, "training.view_any_dashboard")
    organisations = dashboard_organisations(user=request.user)
    if len(organisations) == 1:
        return redirect("training:show_dashboard", organisations[0].ods_code)
    return render_page(
        request,
        "training/dashboards.jinja",
        page_title="Training dashboards",
        organisations=organisations,
    )


# The dashboard's address after the second factor was asked for one of its downloads gives
# `code-given-for`, the download's key here: the link to choose again.
DOWNLOADS = {
    "download": "Download every worker's compliance (CSV)",  # export_compliance
    "leavers": "Download the leavers (CSV)",  # export_leavers
}


@login_required
def show_dashboard(request, ods_code):
    organisation = _organisation(request, ods_code, "training.view_dashboard")
    download = DOWNLOADS.get(request.GET.get("code-given-for", ""))
    if download and request.user.is_verified():
        messages.success(
            request, f"Your security code is accepted. Choose “{download}” again to download it."
        )
    today = timezone.localdate()
    figures = compliance_figures(organisation=organisation, today=today)
    summary = figures["summary"]
    for row in summary["modules"]:
        row["title"] = MODULE_TITLES[row["module"]]
        row["percent"] = percent(row["compliant"], row["required"])
    breakdowns = [(key, label, figures["breakdowns"][key]) for key, label in BREAKDOWNS]
    trend = compliance_trend(organisation=organisation, today=today, figures=figures)
    board = board_compliance(organisation=organisation, today=today, policy=figures["policy"])
    audit_by(  # the page names the board members with their training
        request.user,
        action="training.dashboard_view",
        object_type="roster",
        object_ref=organisation.ods_code,
        organisation=organisation,
        detail={"board_members": len(board)},
    )
    return render_page(
        request,
        "training/show_dashboard.jinja",
        page_title=f"Training: {organisation.name}",
        organisation=organisation,
        today=today,
        summary=summary,
        adoption={module: mandatory_tag(*flag) for module, flag in figures["flags"].items()},
        not_mandatory_note=not_mandatory_but_due(
            modules=summary["modules"], flags=figures["flags"]
        ),
        module_titles=MODULE_TITLES,
        modules=MODULE_ORDER,
        breakdowns=breakdowns,
        board=board,
        trend=trend,
        charts=_charts(summary=summary, by_staff_group=breakdowns[0][2], trend=trend, today=today),
        may_manage=request.user.is_authenticated
        and _may(request.user, "training.manage_roster", organisation),
    )


def _charts(
    *, summary: dict, by_staff_group: list[dict], trend: list[dict], today: datetime.date
) -> dict:
    """The dashboard's three charts, each drawn from the figures of the table beside it."""
    titles = [MODULE_TITLES[module] for module in MODULE_ORDER]
    per_cent = {"unit": "%", "limit": 100, "value_label": "Per cent of those required"}
    return {
        "modules": bar_chart(
            chart_id="chart-modules",
            title="Compliance by module",
            labels=[row["title"] for row in summary["modules"]],
            series={"Compliance": [row["percent"] for row in summary["modules"]]},
            **per_cent,
        ),
        # With no roster there is no staff group to draw (and the table has no rows).
        "staff_group": by_staff_group
        and bar_chart(
            chart_id="chart-staff-group",
            title="Compliance per module by staff group",
            labels=[row["value"] for row in by_staff_group],
            series={
                title: [row[module]["percent"] for row in by_staff_group]
                for module, title in zip(MODULE_ORDER, titles, strict=True)
            },
            horizontal=True,
            **per_cent,
        ),
        "trend": line_chart(
            chart_id="chart-trend",
            # The last point is today, not a month's end ("Today": a longer label would not
            # fit beside the others; the table gives its date).
            title="Compliance at each month end and today",
            labels=[
                "Today" if row["as_of"] == today else row["as_of"].strftime("%-d %b")
                for row in trend
            ],
            series={
                title: [row[module] for row in trend]
                for module, title in zip(MODULE_ORDER, titles, strict=True)
            },
            **per_cent,
        ),
    }


def _may(user, action, obj) -> bool:
    from speakup.core.permissions import can

    return can(user, action, obj)


def _second_factor_for(request, organisation: Organisation, download: str):
    """The way to the code page for someone without the second factor, which a download of
    workers' names needs (a board member signs in with a password alone), or None. Back to the
    dashboard once the code is given, not to the file: a download leaves the browser on the
    code page, which would go on saying "Enter your security code"."""
    dashboard = reverse("training:show_dashboard", args=[organisation.ods_code])
    return sign_in_first(request, come_back_to=f"{dashboard}?code-given-for={download}")


@login_required
def export_compliance(request, ods_code):
    """Every active worker with their status per module, for the organisation's own analysis.
    The whole roster's names and training leave with it: the second factor is given first."""
    organisation = _organisation(request, ods_code, "training.view_dashboard")
    if first := _second_factor_for(request, organisation, "download"):
        return first
    today = timezone.localdate()
    workers = organisation_compliance(organisation=organisation, today=today)
    return compliance_csv(
        f"training-compliance-{organisation.ods_code}-{today}.csv",
        workers,
        reader=request.user,
        organisation=organisation,
        what="roster",
    )


@login_required
def export_leavers(request, ods_code):
    """The organisation's leavers, each with the day they left: the dashboard, its compliance
    download and the team pages count active workers only, and an import's result names only
    the first few it made. For those who see the dashboard (organisation admins import), with
    the second factor, as the compliance download."""
    organisation = _organisation(request, ods_code, "training.view_dashboard")
    if first := _second_factor_for(request, organisation, "leavers"):
        return first
    today = timezone.localdate()
    return leavers_csv(
        f"training-leavers-{organisation.ods_code}-{today}.csv",
        organisation_leavers(organisation=organisation, today=today),
        today=today,
        reader=request.user,
        organisation=organisation,
    )


@dataclass(frozen=True)
class Upload:
    """One kind of upload from the web: who may make it, its form and its pages."""

    action: str
    form: type[forms.Form]
    template: str
    page_title: str
    called: str  # in the heading of its result page: "Roster upload: Imported"
    upload_page: str
    result_page: str


UPLOADS = {
    UploadKind.ROSTER: Upload(
        "training.manage_roster",
        RosterUploadForm,
        "training/upload_roster.jinja",
        "Upload your staff roster",
        "Roster",
        "training:upload_roster",
        "training:show_import",
    ),
    UploadKind.COMPLETIONS: Upload(
        "training.import_completions",
        CompletionsUploadForm,
        "training/upload_completions.jinja",
        "Upload completions from your learning records",
        "Completions",
        "training:upload_completions",
        "training:show_completions_import",
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def upload_roster(request, ods_code):
    return _upload_page(
        request,
        ods_code,
        UploadKind.ROSTER,
        columns=COLUMNS,
        required_columns=[COLUMNS[key] for key in REQUIRED_COLUMNS],
        staff_groups=STAFF_GROUPS,
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload_completions(request, ods_code):
    return _upload_page(
        request,
        ods_code,
        UploadKind.COMPLETIONS,
        required_columns=REQUIRED_COMPLETION_COLUMNS,
    )


def _upload_page(request, ods_code: str, kind: str, **context):
    upload = UPLOADS[kind]
    organisation = _organisation(request, ods_code, upload.action)
    posted = request.method == "POST"
    # The leavers a refused whole roster would have made, from its result page's link (the
    # form posts back to this address, so a POST has them too).
    leavers = {"expect_leavers": _leavers_in(request)} if kind == UploadKind.ROSTER else {}
    form = upload.form(
        request.POST if posted else None, request.FILES if posted else None, **leavers
    )
    if posted and form.is_valid():
        job = _start_import(request, organisation, form, kind=kind)
        return redirect(upload.result_page, organisation.ods_code, job.pk)
    return render_page(
        request,
        upload.template,
        page_title=upload.page_title,
        form=form,
        organisation=organisation,
        date_forms=DATE_FORMS,
        **context,
    )


def _leavers_in(request) -> int:
    value = request.GET.get("expect_leavers", "")
    return int(value) if value.isdigit() and len(value) <= 9 else 0


def _start_import(request, organisation, form, *, kind: str) -> StaffImport:
    """Keep the uploaded file and hand it to the background job (inline without a broker)."""
    upload = form.cleaned_data["file"]
    folder = Path(settings.MEDIA_ROOT) / "training" / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    job = StaffImport(
        organisation=organisation,
        kind=kind,
        uploaded_by=request.user,
        file_name=Path(upload.name).name[:255],
        full=form.cleaned_data.get("full", False),  # rosters only
        skip_invalid=form.cleaned_data["skip_invalid"],
        expect_leavers=form.expected_leavers(),
        bytes_total=upload.size,
    )
    path = folder / f"{uuid.uuid4()}.csv"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job.stored_path = str(path)
    job.save()
    run_staff_import.delay(str(job.pk))
    return job


@login_required
def show_import(request, ods_code, import_id, kind=UploadKind.ROSTER):
    upload = UPLOADS[kind]
    organisation = _organisation(request, ods_code, upload.action)
    staff_import = StaffImport.objects.filter(
        pk=import_id, organisation=organisation, kind=kind
    ).first()
    if staff_import is None:
        raise Http404
    result = result_of(staff_import)
    roster = result is not None and kind == UploadKind.ROSTER
    return render_page(
        request,
        "training/show_import.jinja",
        page_title=f"{upload.called} upload: {_import_state(staff_import)}",
        organisation=organisation,
        staff_import=staff_import,
        result=result,
        # A roster's result names workers, and notes what is worth knowing but not a warning.
        named=named_groups(result) if roster else [],
        notes=result.notes if roster else [],
        problems=rows_with_problems(result.row_errors, bad_rows=result.bad_rows)
        if result
        else None,
        imported_heading=f"{upload.called} imported",
        # Read after the callout's hidden "Important:": "Important: 2 things to check".
        warnings_heading=(
            counted(len(result.warnings), "thing to check", "things to check") if result else ""
        ),
        page_url=request.path,
        upload_page=upload.upload_page,
    )


def _import_state(staff_import: StaffImport) -> str:
    # One heading while the job waits and runs: the page updates its status line, not this.
    if staff_import.status in (ImportStatus.WAITING, ImportStatus.RUNNING):
        return "Importing"
    return staff_import.get_status_display()


@login_required
@require_http_methods(["GET", "POST"])
def edit_policy(request, ods_code):
    organisation = _organisation(request, ods_code, "training.manage_roster")
    policy = policy_for(organisation=organisation)
    data = request.POST if request.method == "POST" else None
    form = TrainingPolicyForm(data, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            policy_update(
                organisation=organisation,
                actor=request.user,
                expect_late=ExpectLateForm(data).expected(),
                **form.cleaned_data,
            )
        except LateWorkersToConfirm as refusal:
            return _policy_page(request, organisation, policy, form, late=refusal.late)
        messages.success(request, "Your training policy has been saved")
        return redirect("training:show_dashboard", organisation.ods_code)
    return _policy_page(request, organisation, policy, form)


def _policy_page(request, organisation, policy, form, *, late: MadeLate | None = None):
    """The policy form, opening with how the saved policy differs from the national
    recommendation; with `late`, the change just refused for the workers it would make late at
    once, and the tick box to go ahead (a fresh one: unticked, with these numbers)."""
    return render_page(
        request,
        "training/edit_policy.jinja",
        page_title="Your training policy: not saved yet" if late else "Your training policy",
        form=form,
        organisation=organisation,
        national=NATIONAL_RECOMMENDATION,
        changes=policy_changes(policy),
        adoption=adoption_in_words(policy, today=timezone.localdate()),
        late=made_late_summary(late) if late else None,
        expect_form=ExpectLateForm(late=late) if late else None,
    )
