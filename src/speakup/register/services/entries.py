"""Register entries and board appointments: creating a director's entry, adding and ending
appointments, and keeping the public search text up to date."""

from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from speakup.core.dates import (
    day_in_words,
    more_than_a_year_ahead,
    years_after,
)
from speakup.core.text import trimmed
from speakup.core.words import listed, too_long
from speakup.organisations.models import Organisation, User
from speakup.register import training_link
from speakup.register.models import (
    Appointment,
    Director,
    FtsuRole,
    RegisterSequence,
    Status,
    StatusChange,
)
from speakup.register.rules import correct_blocker
from speakup.register.services.common import RegisterRefusal, audit_change

# Longest free text on a register entry: the public pages show these in full.
ROLE_TITLE_MAX = 100


NAME_MAX = 100


EMAIL_MAX = 254

# The reason an officer gives for a correction is kept in the entry's history
# (StatusChange.reason, 200 characters) after the fields corrected: the longest such
# prefix, "Corrected the first name, last name and email address: ", is 56.
CORRECTION_REASON_MAX = 140

ENTRY_FIELDS = {"first_name": "first name", "last_name": "last name", "email": "email address"}


def _next_register_number() -> str:
    sequence, _ = RegisterSequence.objects.select_for_update().get_or_create(name="director")
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    return f"D{sequence.last_value:06d}"


def set_status(*, director: Director, to: Status, until=None, actor=None, reason: str) -> None:
    StatusChange.objects.create(
        director=director,
        from_status=director.status,
        to_status=to,
        until=until,
        changed_by=actor,
        reason=reason,
    )
    director.status = to
    director.status_until = until
    director.save(update_fields=["status", "status_until", "updated_at"])


def search_text_for(director: Director) -> str:
    organisations = Organisation.objects.filter(board_appointments__director=director).distinct()
    parts = [director.register_number, director.first_name, director.last_name]
    parts += [f"{o.name} {o.ods_code}" for o in organisations]
    return " ".join(parts).lower()


def director_reindex(*, director: Director) -> None:
    """Refresh the one column the public search reads (after appointments or names change)."""
    director.search_text = search_text_for(director)
    director.save(update_fields=["search_text", "updated_at"])


def _refuse_too_long(text: str, *, called: str, limit: int) -> None:
    if len(text) > limit:
        raise RegisterRefusal(too_long(f"the {called}", limit) + ".")


def _checked_entry(first_name: str, last_name: str, email: str) -> dict[str, str]:
    """The names and email address of an entry, trimmed (the email lower case), or a refusal."""
    first_name, last_name = trimmed(first_name or ""), trimmed(last_name or "")
    email = (email or "").strip().lower()
    if not (first_name and last_name and email):
        raise RegisterRefusal("Enter the director's first name, last name and email address.")
    _refuse_too_long(first_name, called="first name", limit=NAME_MAX)
    _refuse_too_long(last_name, called="last name", limit=NAME_MAX)
    _refuse_too_long(email, called="email address", limit=EMAIL_MAX)
    return {"first_name": first_name, "last_name": last_name, "email": email}


@transaction.atomic
def director_create(*, actor, first_name: str, last_name: str, email: str) -> Director:
    entry = _checked_entry(first_name, last_name, email)
    first_name, last_name, email = entry["first_name"], entry["last_name"], entry["email"]
    director = Director.objects.create(
        register_number=_next_register_number(),
        first_name=first_name,
        last_name=last_name,
        email=email,
        user=User.objects.filter(email__iexact=email).first(),
    )
    director_reindex(director=director)
    StatusChange.objects.create(
        director=director,
        from_status="",
        to_status=Status.REGISTERED,
        changed_by=actor,
        reason="Added to the register",
    )
    audit_change(
        actor=actor,
        action="register.director_create",
        object_type="director",
        object_ref=director.register_number,
    )
    return director


def _in_words(names: list[str]) -> str:
    return listed([ENTRY_FIELDS[name] for name in names])


@transaction.atomic
def director_correct(
    *, actor, director: Director, first_name: str, last_name: str, email: str, reason: str
) -> list[str]:
    """Correct a director's name or email address on their entry (a misspelt name, a wrong
    address), with the officer's reason kept in the entry's history. Returns the fields
    corrected. A new email address links the entry to that address's account, or to none."""
    director = Director.objects.select_for_update().get(pk=director.pk)
    blocker = correct_blocker(actor, director)
    if blocker:
        raise RegisterRefusal(blocker)
    entry = _checked_entry(first_name, last_name, email)
    reason = trimmed(reason or "")
    if not reason:
        raise RegisterRefusal("Enter the reason for the correction.")
    _refuse_too_long(reason, called="reason for the correction", limit=CORRECTION_REASON_MAX)
    held = {"first_name": director.first_name, "last_name": director.last_name}
    held["email"] = director.email.lower()
    changed = [name for name, value in entry.items() if value != held[name]]
    if not changed:
        raise RegisterRefusal(
            "Nothing has changed: the names and email address are the same as on the entry. "
            "Change what is wrong, or go back to the entry."
        )
    if "email" in changed:
        other = Director.objects.filter(email__iexact=entry["email"]).exclude(pk=director.pk)
        other = other.first()
        if other is not None:
            raise RegisterRefusal(
                f"The email address {entry['email']} is on the entry of {other.name} "
                f"({other.register_number}). Each director has their own email address: "
                "check the address."
            )
    corrected = _in_words(changed)
    for name in changed:
        setattr(director, name, entry[name])
    fields = list(changed)
    if "email" in changed:
        # director_for_user matches the linked account first: the old one must let go.
        user = User.objects.filter(email__iexact=entry["email"]).first()
        if user != director.user:
            director.user = user
            fields.append("user")
    director.save(update_fields=[*fields, "updated_at"])
    director_reindex(director=director)  # the public search finds the corrected name at once
    # The status stays: the row keeps who corrected what, when and why with the entry's history.
    StatusChange.objects.create(
        director=director,
        from_status=director.status,
        to_status=director.status,
        until=director.status_until,
        changed_by=actor,
        reason=f"Corrected the {corrected}: {reason}",
    )
    audit_change(
        actor=actor,
        action="register.director_correct",
        object_type="director",
        object_ref=director.register_number,
        detail={"fields": fields},
    )
    return changed


def _director_for_appointment(
    *, actor, register_number: str, first_name: str, last_name: str, email: str
) -> Director:
    register_number = (register_number or "").strip().upper()
    if register_number:
        director = Director.objects.filter(register_number=register_number).first()
        if director is None:
            raise RegisterRefusal(f"There is no director with register number {register_number}.")
        return director
    existing = (
        Director.objects.filter(email__iexact=(email or "").strip()).first() if email else None
    )
    if existing is not None:
        return existing
    return director_create(
        actor=actor, first_name=first_name or "", last_name=last_name or "", email=email or ""
    )


def _same_name(given: str, held: str) -> bool:
    return " ".join(given.lower().split()) == " ".join(held.lower().split())


def _refuse_someone_else(*, director, register_number, first_name, last_name, email) -> None:
    """A name given with a register number or an email address already on the register must
    be the entry's: a mistyped number would otherwise appoint another person, in public."""
    first_name, last_name = trimmed(first_name or ""), trimmed(last_name or "")
    if not (first_name or last_name):
        return  # the register number alone says who
    if _same_name(first_name, director.first_name) and _same_name(last_name, director.last_name):
        return
    given = f"{first_name} {last_name}".strip()
    if (register_number or "").strip():
        raise RegisterRefusal(
            f"Register number {director.register_number} is the entry of {director.name}, "
            f"not {given}. Check the register number, or leave it blank for a director new to "
            "the register."
        )
    raise RegisterRefusal(
        f"The email address {email.strip().lower()} is on the entry of {director.name} "
        f"({director.register_number}), not {given}. Check the email address; to appoint "
        f"{director.name}, give their register number."
    )


def _refuse_overlap(*, director, organisation, role_title, start_date, end_date, exclude=None):
    overlapping = Appointment.objects.filter(
        director=director, organisation=organisation, role_title__iexact=role_title
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
    if end_date is not None:
        overlapping = overlapping.filter(start_date__lte=end_date)
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    clash = overlapping.first()
    if clash is not None:
        raise RegisterRefusal(
            f"{director.name} already holds the role “{clash.role_title}” at "
            f"{organisation.name} from {day_in_words(clash.start_date)}"
            + (f" to {day_in_words(clash.end_date)}" if clash.end_date else "")
            + ". Appointments to the same role cannot overlap."
        )


def latest_start_date(today: date | None = None) -> date:
    """Boards appoint ahead of time, but not by more than a year: a later start is a typo."""
    return years_after(today or timezone.localdate())


def refuse_distant_start(start_date: date) -> None:
    latest = latest_start_date()
    if start_date > latest:
        raise RegisterRefusal(more_than_a_year_ahead("The start date", latest) + ".")


@transaction.atomic
def appointment_add(
    *,
    actor,
    organisation: Organisation,
    role_title: str,
    executive: bool,
    start_date: date,
    ftsu_role: str = FtsuRole.NONE,
    end_date: date | None = None,
    register_number: str = "",
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> Appointment:
    """Appoint a director (found by register number or email, or new) to a board."""
    role_title = trimmed(role_title or "")
    if not role_title:
        raise RegisterRefusal("Enter the role title, for example Chief Executive.")
    _refuse_too_long(role_title, called="role title", limit=ROLE_TITLE_MAX)
    refuse_distant_start(start_date)
    if end_date is not None and end_date < start_date:
        raise RegisterRefusal("The end date must be the same as or after the start date.")
    if ftsu_role not in FtsuRole.values:
        raise RegisterRefusal("Choose the FTSU role: none, executive FTSU lead or NED FTSU lead.")
    director = _director_for_appointment(
        actor=actor,
        register_number=register_number,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    if director.status == Status.REMOVED:
        raise RegisterRefusal(
            f"{director.name} ({director.register_number}) has been removed from the register "
            "and cannot be given a new appointment."
        )
    _refuse_someone_else(
        director=director,
        register_number=register_number,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    _refuse_overlap(
        director=director,
        organisation=organisation,
        role_title=role_title,
        start_date=start_date,
        end_date=end_date,
    )
    appointment = Appointment.objects.create(
        director=director,
        organisation=organisation,
        role_title=role_title,
        executive=executive,
        ftsu_role=ftsu_role,
        start_date=start_date,
        end_date=end_date,
        created_by=actor,
    )
    director_reindex(director=director)
    board_days_to_roster(actor=actor, director=director, organisation=organisation)
    audit_change(
        actor=actor,
        action="register.appointment_add",
        object_type="appointment",
        object_ref=str(appointment.pk),
        organisation=organisation,
        detail={"register_number": director.register_number, "role_title": role_title},
    )
    return appointment


def board_days_to_roster(*, actor, director: Director, organisation: Organisation) -> None:
    """Tell training the day the director joined this board (the earliest start of their
    appointments there not ended), so their roster record has it and Follow Up is due from it
    (ADR 0018)."""
    today = timezone.localdate()
    first = (
        Appointment.objects.filter(director=director, organisation=organisation)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    if first is not None:
        training_link.board_member_dated(
            actor=actor, organisation=organisation, email=director.email, appointed_on=first
        )


@transaction.atomic
def appointment_end(*, actor, appointment: Appointment, end_date: date) -> Appointment:
    """End an appointment, or end sooner one that is planned to end later (a director who
    resigns before the end of their term). A date that has passed is history: not changed."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    planned_end = appointment.end_date
    if planned_end is not None and planned_end <= timezone.localdate():
        raise RegisterRefusal(f"This appointment already ended on {day_in_words(planned_end)}.")
    if planned_end is not None and end_date >= planned_end:
        # Later would be a new term, which may overlap another appointment: add one instead.
        raise RegisterRefusal(
            f"This appointment is already planned to end on {day_in_words(planned_end)}: "
            "give an earlier date to end it sooner."
        )
    if end_date < appointment.start_date:
        raise RegisterRefusal(
            "The end date must be on or after the start date, "
            f"{day_in_words(appointment.start_date)}."
        )
    appointment.end_date = end_date
    appointment.ended_by = actor
    appointment.save(update_fields=["end_date", "ended_by", "updated_at"])
    appointment.director.save(update_fields=["updated_at"])
    audit_change(
        actor=actor,
        action="register.appointment_end",
        object_type="appointment",
        object_ref=str(appointment.pk),
        organisation=appointment.organisation,
        detail={"end_date": end_date.isoformat()},
    )
    return appointment
