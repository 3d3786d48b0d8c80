"""An organisation's training dashboard, its CSV export and the roster upload."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from speakup.core.audit import audit_by
from speakup.core.charts import bar_chart, line_chart
from speakup.core.pages import render_page
from speakup.core.permissions import require
from speakup.organisations.models import Organisation
from speakup.training.content import MODULE_ORDER
from speakup.training.exports import compliance_csv
from speakup.training.forms import RosterUploadForm, TrainingPolicyForm
from speakup.training.models import ImportStatus, StaffImport
from speakup.training.presenters import mandatory_tag
from speakup.training.queries import (
    MODULE_TITLES,
    dashboard_organisations,
    organisation_compliance,
    percent,
    policy_for,
)
from speakup.training.roster import COLUMNS, REQUIRED_COLUMNS, STAFF_GROUPS, ImportResult
from speakup.training.services import policy_update
from speakup.training.tallies import board_compliance, compliance_figures, compliance_trend
from speakup.training.tasks import run_staff_import

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


@login_required
def show_dashboard(request, ods_code):
    organisation = _organisation(request, ods_code, "training.view_dashboard")
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
        module_titles=MODULE_TITLES,
        modules=MODULE_ORDER,
        breakdowns=breakdowns,
        board=board,
        trend=trend,
        charts=_charts(summary=summary, by_staff_group=breakdowns[0][2], trend=trend),
        may_manage=request.user.is_authenticated
        and _may(request.user, "training.manage_roster", organisation),
    )


def _charts(*, summary: dict, by_staff_group: list[dict], trend: list[dict]) -> dict:
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
            title="Compliance at each month end",
            labels=[row["as_of"].strftime("%-d %b") for row in trend],
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


@login_required
def export_compliance(request, ods_code):
    """Every active worker with their status per module, for the organisation's own analysis."""
    organisation = _organisation(request, ods_code, "training.view_dashboard")
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
@require_http_methods(["GET", "POST"])
def upload_roster(request, ods_code):
    organisation = _organisation(request, ods_code, "training.manage_roster")
    posted = request.method == "POST"
    form = RosterUploadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        folder = Path(settings.MEDIA_ROOT) / "training" / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        staff_import = StaffImport(
            organisation=organisation,
            uploaded_by=request.user,
            file_name=Path(upload.name).name[:255],
            full=form.cleaned_data["full"],
            skip_invalid=form.cleaned_data["skip_invalid"],
            bytes_total=upload.size,
        )
        path = folder / f"{uuid.uuid4()}.csv"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        staff_import.stored_path = str(path)
        staff_import.save()
        run_staff_import.delay(str(staff_import.pk))  # inline when no broker is configured
        return redirect("training:show_import", organisation.ods_code, staff_import.pk)
    return render_page(
        request,
        "training/upload_roster.jinja",
        page_title="Upload your staff roster",
        form=form,
        organisation=organisation,
        columns=COLUMNS,
        required_columns=[COLUMNS[key] for key in REQUIRED_COLUMNS],
        staff_groups=STAFF_GROUPS,
    )


@login_required
def show_import(request, ods_code, import_id):
    organisation = _organisation(request, ods_code, "training.manage_roster")
    staff_import = StaffImport.objects.filter(pk=import_id, organisation=organisation).first()
    if staff_import is None:
        raise Http404
    result = ImportResult.from_dict(staff_import.result) if staff_import.result else None
    return render_page(
        request,
        "training/show_import.jinja",
        page_title=f"Roster upload: {_import_state(staff_import)}",
        organisation=organisation,
        staff_import=staff_import,
        result=result,
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
        policy_update(organisation=organisation, actor=request.user, **form.cleaned_data)
        messages.success(request, "Your training policy has been saved")
        return redirect("training:show_dashboard", organisation.ods_code)
    return render_page(
        request,
        "training/edit_policy.jinja",
        page_title="Your training policy",
        form=form,
        organisation=organisation,
    )
