"""An organisation's board on the register: compliance, appointments, import and FPPT."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone

from speakup.core.dates import day_in_words
from speakup.core.permissions import can, require
from speakup.core.words import counted
from speakup.organisations.models import Organisation
from speakup.register import duties, queries, rules
from speakup.register.forms import (
    AppointmentForm,
    EndAppointmentForm,
    FpptForm,
    ImportForm,
)
from speakup.register.services import board_files, entries, fppt_and_attestation
from speakup.register.services.common import RegisterRefusal
from speakup.register.views import page


def _organisation(request, ods_code: str, action: str) -> Organisation:
    organisation = Organisation.objects.filter(ods_code=ods_code.upper()).first()
    if organisation is None:
        raise Http404  # a mistyped or out-of-date address, whoever asks
    require(request.user, action, organisation)
    return organisation


@login_required
def list_boards(request):
    require(request.user, "register.view_boards")
    organisations = [
        o
        for o in Organisation.objects.filter(active=True).order_by("name")
        if can(request.user, "register.view_board", o)
    ]
    return page(
        request, "boards.jinja", page_title="Boards on the register", organisations=organisations
    )


@login_required
def show_board(request, ods_code):
    organisation = _organisation(request, ods_code, "register.view_board")
    today = timezone.localdate()
    appointments = queries.appointments_by_timing(
        queries.board_appointments(organisation=organisation), today
    )
    return page(
        request,
        "board.jinja",
        page_title=f"Board of {organisation.name}",
        organisation=organisation,
        compliance=duties.board_compliance(organisation=organisation, today=today),
        today=today,
        current=appointments[queries.Timing.CURRENT],
        upcoming=appointments[queries.Timing.UPCOMING],
        past=appointments[queries.Timing.PAST],
        may_manage=can(request.user, "register.manage_board", organisation),
        may_record_fppt=can(request.user, "register.record_fppt", organisation),
    )


@login_required
def add_appointment(request, ods_code):
    organisation = _organisation(request, ods_code, "register.manage_board")
    form = AppointmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appointment = entries.appointment_add(
                actor=request.user, organisation=organisation, **form.appointment_fields()
            )
        except RegisterRefusal as refusal:
            form.add_error(None, refusal)
        else:
            director = appointment.director
            messages.success(
                request,
                f"{director.name} ({director.register_number}) is appointed "
                f"{appointment.role_title}.",
            )
            return redirect("register:show_board", organisation.ods_code)
    return page(
        request,
        "add_appointment.jinja",
        page_title="Add an appointment",
        subject=organisation.name,
        form=form,
        organisation=organisation,
    )


@login_required
def end_appointment(request, ods_code, appointment_id):
    organisation = _organisation(request, ods_code, "register.manage_board")
    appointment = (
        queries.board_appointments(organisation=organisation).filter(pk=appointment_id).first()
    )
    if appointment is None:
        raise Http404
    form = EndAppointmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entries.appointment_end(
                actor=request.user, appointment=appointment, end_date=form.cleaned_data["end_date"]
            )
        except RegisterRefusal as refusal:
            form.add_error(None, refusal)
        else:
            ended = form.cleaned_data["end_date"]
            messages.success(
                request,
                f"The appointment of {appointment.director.name} "
                + (
                    "has ended."
                    if ended <= timezone.localdate()
                    else f"ends on {day_in_words(ended)}."
                ),
            )
            return redirect("register:show_board", organisation.ods_code)
    return page(
        request,
        "end_appointment.jinja",
        page_title="End an appointment",
        subject=f"{appointment.director.name}, {appointment.role_title}",
        form=form,
        organisation=organisation,
        appointment=appointment,
    )


@login_required
def import_board(request, ods_code):
    organisation = _organisation(request, ods_code, "register.manage_board")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = board_files.board_import(
                actor=request.user, csv_text=form.cleaned_data["file"], organisation=organisation
            )
        except RegisterRefusal as refusal:
            form.add_error("file", refusal)
        else:
            unchanged = "none" if result.unchanged == 0 else f"{result.unchanged:,}"
            messages.success(
                request,
                f"Board imported: {counted(result.added, 'appointment')} added, "
                f"{unchanged} already on the register.",
            )
            return redirect("register:show_board", organisation.ods_code)
    return page(
        request,
        "import_board.jinja",
        page_title="Import the board",
        subject=organisation.name,
        form=form,
        organisation=organisation,
        columns=board_files.IMPORT_COLUMNS,
    )


@login_required
def record_fppt(request, ods_code):
    organisation = _organisation(request, ods_code, "register.record_fppt")
    board = [row.director for row in duties.board_compliance(organisation=organisation)]
    # Their own entry is not offered: nobody records their own checks (the service refuses it
    # too).
    directors = [d for d in board if not rules.is_own_entry(request.user, d)]
    form = FpptForm(
        request.POST or None, directors=directors, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        director = next(d for d in directors if d.register_number == data["director"])
        checks = set(data["checks"])
        try:
            fppt_and_attestation.fppt_record(
                actor=request.user,
                director=director,
                organisation=organisation,
                year=data["year"],
                outcome=data["outcome"],
                recorded_on=data["recorded_on"],
                references_6_years="references_6_years" in checks,
                qualifications="qualifications" in checks,
                disqualified_director_check="disqualified_director_check" in checks,
                right_to_work="right_to_work" in checks,
                chair_signed_off="chair_signed_off" in checks,
            )
        except RegisterRefusal as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, f"Fit and proper person checks recorded for {director.name}.")
            return redirect("register:show_board", organisation.ods_code)
    return page(
        request,
        "record_fppt.jinja",
        page_title="Record fit and proper person checks",
        subject=organisation.name,
        form=form,
        organisation=organisation,
        own_entry_left_out=len(directors) < len(board),
    )
