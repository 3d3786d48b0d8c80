"""Fictional rosters, policies and completions for the demo organisations. Never real people.

The demo people (organisations/demo.py) get roster records matched by email, and each
organisation gets extra synthetic staff, so dashboards show something real on first run.
DEMO1 has made all three modules mandatory, DEMO2 only Speak Up, DEMO3 none; some board
members are overdue on Follow Up.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from speakup.organisations.demo import FIRST_NAMES, LAST_NAMES
from speakup.organisations.models import Organisation, RoleMembership
from speakup.organisations.roles import Role
from speakup.training.models import (
    Completion,
    CompletionSource,
    StaffRecord,
    TrainingPolicy,
)
from speakup.training.roster.columns import STAFF_GROUPS
from speakup.training.trend_months import trend_months_record

EXTRA_STAFF = {"DEMO1": 80, "DEMO2": 60, "DEMO3": 30}
# Share of workers who have completed each module (before refreshers expire).
COMPLETION_RATES = {"DEMO1": 0.85, "DEMO2": 0.6, "DEMO3": 0.3}
DIRECTORATES = ["Medicine", "Surgery", "Women and Children", "Community", "Corporate"]
BANDS = ["Band 2", "Band 3", "Band 4", "Band 5", "Band 6", "Band 7", "Band 8a", "Band 8b"]
# The share of each band's synthetic staff who manage people, as in a trust: some ward sisters
# at Band 6, half at Band 7, most above. Spread evenly through each band (`_manages`), not
# drawn by chance: chance made every one of DEMO1's Band 8b workers a line manager.
LINE_MANAGER_SHARE = {"Band 6": 0.25, "Band 7": 0.5, "Band 8a": 0.6, "Band 8b": 0.7}
# Demo board members who have not done Follow Up, so the board's figure is not perfect.
FOLLOW_UP_OVERDUE = {"board-member2", "board-member3"}
# Demo workers left untrained, so the Speak Up journey can be tried from the start.
UNTRAINED = {"worker1", "worker2"}


def _policies(today: datetime.date) -> None:
    start = datetime.date(today.year - 1, 4, 1)
    settings = {
        "DEMO1": {
            "speak_up_mandatory": True,
            "speak_up_mandatory_from": start,
            "listen_up_mandatory": True,
            "listen_up_mandatory_from": start,
            "follow_up_mandatory": True,
            "follow_up_mandatory_from": start,
        },
        "DEMO2": {
            "speak_up_mandatory": True,
            "speak_up_mandatory_from": start,
            "listen_up_from_band": "7",
        },
        "DEMO3": {},
    }
    for code, values in settings.items():
        organisation = Organisation.objects.filter(ods_code=code).first()
        if organisation is not None:
            TrainingPolicy.objects.update_or_create(organisation=organisation, defaults=values)


def _people_records(organisation: Organisation, today: datetime.date) -> list[StaffRecord]:
    memberships = (
        RoleMembership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__email")
    )
    roles_by_user: dict = {}
    for membership in memberships:
        roles_by_user.setdefault(membership.user, set()).add(membership.role)
    records = []
    for number, (user, roles) in enumerate(roles_by_user.items(), start=1):
        first, _, last = (user.full_name or "Demo Person").partition(" ")
        board = bool(roles & {Role.BOARD_MEMBER, Role.EXECUTIVE_LEAD, Role.NON_EXECUTIVE_LEAD})
        record, _ = StaffRecord.objects.update_or_create(
            organisation=organisation,
            employee_number=f"{organisation.ods_code}{number:05d}",
            defaults={
                "first_name": first,
                "last_name": last or "Person",
                "email": user.email,
                "user": user,
                "staff_group": "Administrative and Clerical"
                if board or Role.ORGANISATION_ADMIN in roles
                else "Nursing and Midwifery Registered",
                "job_role": ", ".join(sorted(Role(r).label for r in roles)),
                "directorate": "Board" if board else DIRECTORATES[number % len(DIRECTORATES)],
                "band": "VSM" if board else ("Band 7" if Role.LINE_MANAGER in roles else "Band 5"),
                "is_line_manager": Role.LINE_MANAGER in roles,
                "is_senior_leader": bool(roles & {Role.EXECUTIVE_LEAD, Role.NON_EXECUTIVE_LEAD}),
                "is_board_member": board,
                "assignment_start": today - datetime.timedelta(days=400 + 37 * number),
                "active": True,
            },
        )
        records.append(record)
    return records


def _extra_records(organisation: Organisation, today: datetime.date) -> list[StaffRecord]:
    chance = random.Random(organisation.ods_code)
    records = []
    seen_in_band: dict[str, int] = {}
    for number in range(1, EXTRA_STAFF.get(organisation.ods_code, 20) + 1):
        band = chance.choice(BANDS)
        seen_in_band[band] = seen_in_band.get(band, 0) + 1
        record, _ = StaffRecord.objects.update_or_create(
            organisation=organisation,
            employee_number=f"{organisation.ods_code}9{number:04d}",
            defaults={
                "first_name": chance.choice(FIRST_NAMES),
                "last_name": chance.choice(LAST_NAMES),
                "staff_group": chance.choice(STAFF_GROUPS[:9]),
                "directorate": chance.choice(DIRECTORATES),
                "band": band,
                "job_role": "Team member",
                "is_line_manager": _manages(band, seen_in_band[band]),
                # Starters spread over four years; every tenth started in the last month.
                "assignment_start": today
                - datetime.timedelta(
                    days=chance.randint(2, 25) if number % 10 == 0 else chance.randint(31, 1500)
                ),
                "active": True,
            },
        )
        records.append(record)
    return records


def _manages(band: str, nth: int) -> bool:
    """Whether the `nth` synthetic worker of `band` manages people: the share of the band's
    workers up to the nth rounds down, so the first of each band does not and a band of two or
    more is a mix."""
    share = LINE_MANAGER_SHARE.get(band, 0)
    return int(nth * share) > int((nth - 1) * share)


def _completions(organisation, records, today: datetime.date) -> None:
    if Completion.objects.filter(
        organisation=organisation, source=CompletionSource.IMPORT
    ).exists():
        return  # loaded before: keep it idempotent
    chance = random.Random(f"{organisation.ods_code}-completions")
    rate = COMPLETION_RATES.get(organisation.ods_code, 0.5)
    rows = []
    for record in records:
        local = (record.email or "").split("@")[0]
        if local in UNTRAINED or _new_starter(record, today):
            continue  # untrained, or started this month: due, not yet done
        modules = ["speak_up"]
        if record.is_line_manager or record.is_board_member or record.is_senior_leader:
            modules.append("listen_up")
        if record.is_board_member or record.is_senior_leader:
            modules.append("follow_up")
        # Mostly within the last two years; some over three years ago (expired). Modules in order.
        earliest = record.assignment_start or today - datetime.timedelta(days=1400)
        span = max(1, (today - earliest).days)
        base = today - datetime.timedelta(days=chance.randint(15, max(15, min(span, 1300))))
        for step, module in enumerate(modules):
            if module == "follow_up" and local in FOLLOW_UP_OVERDUE:
                continue
            if local.startswith(("board-member1", "executive-lead", "non-executive-lead")):
                pass  # the named leads lead by example
            elif chance.random() > rate:
                break  # not done yet, nor the modules after it: Listen Up follows Speak Up
            completed_on = min(today, base + datetime.timedelta(days=7 * step))
            rows.append(
                Completion(
                    organisation=organisation,
                    staff_record=record,
                    user=record.user,
                    module=module,
                    completed_on=completed_on,
                    source=CompletionSource.IMPORT,
                )
            )
    Completion.objects.bulk_create(rows)


def _new_starter(record: StaffRecord, today: datetime.date) -> bool:
    return record.assignment_start is not None and (today - record.assignment_start).days < 30


@transaction.atomic
def load_demo() -> None:
    today = timezone.localdate()
    _policies(today)
    for organisation in Organisation.objects.filter(ods_code__in=EXTRA_STAFF).order_by("ods_code"):
        records = _people_records(organisation, today) + _extra_records(organisation, today)
        _completions(organisation, records, today)
    # The trend's past months, as the tick would have recorded them at each month's end (here
    # from the roster and policy just made): a policy changed to try the demo leaves them.
    trend_months_record(
        today=today,
        organisations=Organisation.objects.filter(ods_code__in=EXTRA_STAFF),
        before_first_roster=True,
    )
