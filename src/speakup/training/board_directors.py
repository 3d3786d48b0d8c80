"""Follow Up for the directors on the register: what the register asks training (ADR 0018).

One rule gives a director's Follow Up everywhere: `queries.module_status`, over the worker on
the roster of the organisation they are appointed to. So the register's pages, the board
report's register section and the register officer's counts say what the worker's home page,
the training dashboard and the board report's training section say. A director with no active
roster record there is taken as a board member who started on the day of their appointment.

The register's appointment is the day a director joined a board: `board_member_dated` writes
it on their roster record, so their Follow Up is due the board's days (90 by default) after it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower

from speakup.core.audit import audit_by
from speakup.organisations.models import Organisation, User
from speakup.training.models import Completion, Module, StaffRecord, TrainingPolicy
from speakup.training.queries import RECORD_COLUMNS, ModuleStatus, WorkerFacts, module_status


def _accounts_of(emails: set[str]):
    """The accounts with one of `emails` (lower-cased), found by their lower-cased email."""
    return User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)


def _records_of(*, emails: set[str], organisation_ids: set[int]):
    """Active roster records of these organisations whose email, or whose account's, is one of
    `emails` (lower-cased). Each way is looked up by its own index (the records' lower-cased
    email; the accounts', then the records' account): one query asking either way read the
    organisations' whole rosters, 30 ms a board and 25 s for the national counts."""
    here = StaffRecord.objects.filter(organisation_id__in=organisation_ids, active=True)
    by_email = here.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    by_account = here.filter(user__in=_accounts_of(emails).values("pk"))
    ids = {*by_email.values_list("pk", flat=True), *by_account.values_list("pk", flat=True)}
    return (
        StaffRecord.objects.filter(pk__in=ids)
        .annotate(email_lower=Lower("email"), account_email=Lower("user__email"))
        .order_by("organisation_id", "employee_number")
    )


@transaction.atomic
def board_member_dated(
    *, actor, organisation: Organisation, email: str, appointed_on: datetime.date
) -> int:
    """Record on the roster that the worker with `email` joined `organisation`'s board on
    `appointed_on` (the start of their register appointment there): their board member's day,
    unless they were appointed on or before their assignment start (a board member since they
    started). Only records the roster has as board members; returns how many changed."""
    changed = 0
    records = _records_of(emails={email.lower()}, organisation_ids={organisation.pk}).filter(
        is_board_member=True
    )
    for record in records.select_for_update(of=("self",)):
        since = (
            appointed_on
            if record.assignment_start and appointed_on > record.assignment_start
            else None
        )
        if record.board_member_since == since:
            continue
        before = record.board_member_since
        record.board_member_since = since
        record.save(update_fields=["board_member_since", "updated_at"])
        changed += 1
        audit_by(
            actor,
            action="training.board_member_dated",
            object_type="staff_record",
            object_ref=record.employee_number,
            organisation=organisation,
            detail={
                "from": before.isoformat() if before else None,
                "to": since.isoformat() if since else None,
                "register_appointment": appointed_on.isoformat(),
            },
        )
    return changed


def follow_up_of_appointed(
    *, appointments: Iterable[tuple[str, int, datetime.date]], today: datetime.date
) -> dict[tuple[str, int], ModuleStatus]:
    """Follow Up of each (email, organisation id, appointed on), by (lower-cased email,
    organisation id): the status training gives the worker with that email on the
    organisation's roster, or, with none, a board member who started on the day appointed.

    A handful of queries for any number of directors."""
    appointed: dict[tuple[str, int], datetime.date] = {}
    for email, organisation_id, day in appointments:
        key = (email.lower(), organisation_id)
        appointed[key] = min(day, appointed.get(key, day))
    if not appointed:
        return {}
    emails = {email for email, _ in appointed}
    organisation_ids = {organisation_id for _, organisation_id in appointed}
    records: dict[tuple[str, int], dict] = {}
    for record in _records_of(emails=emails, organisation_ids=organisation_ids).values(
        *RECORD_COLUMNS, "organisation_id", "email_lower", "account_email"
    ):
        for email in {record["email_lower"], record["account_email"]} & emails:
            records.setdefault((email, record["organisation_id"]), record)
    policies = {
        policy.organisation_id: policy
        for policy in TrainingPolicy.objects.filter(organisation_id__in=organisation_ids)
    }
    completions = _follow_up_completions(emails=emails, records=records.values())
    statuses = {}
    for key, day in appointed.items():
        email, organisation_id = key
        record = records.get(key)
        if record is not None and (record["is_board_member"] or record["is_senior_leader"]):
            facts = WorkerFacts.of_record(record)
            done = [
                *completions["record"].get(record["id"], []),
                *completions["user"].get(record["user_id"], []),
            ]
        else:
            # Not on the roster as a board member there: on the board since their appointment.
            facts = WorkerFacts(is_board_member=True, start=day)
            done = completions["email"].get(email, [])
        statuses[key] = module_status(
            facts=facts,
            module=Module.FOLLOW_UP,
            policy=policies.get(organisation_id) or TrainingPolicy(organisation_id=organisation_id),
            completions=done,
            today=today,
        )
    return statuses


def _follow_up_completions(*, emails: set[str], records: Iterable[dict]) -> dict[str, dict]:
    """Follow Up completions by roster record, by account (wherever recorded: training goes
    with the person, as `queries.organisation_completions`) and by email (for directors not on
    a roster), each as [(completed on, version)].

    The people are found by email first (both emails have a lower-cased index), then only their
    completions: comparing the email of every completion's record and account read every
    Follow Up in England."""
    records = list(records)
    ids = {record["id"] for record in records}
    users = {record["user_id"] for record in records if record["user_id"]}
    email_of_record = dict(
        StaffRecord.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("pk", "email_lower")
    )
    email_of_user = dict(_accounts_of(emails).values_list("pk", "email_lower"))
    rows = (
        Completion.objects.filter(module=Module.FOLLOW_UP)
        .filter(
            Q(staff_record_id__in=ids | email_of_record.keys())
            | Q(user_id__in=users | email_of_user.keys())
        )
        .values_list("staff_record_id", "user_id", "completed_on", "version")
    )
    found: dict[str, dict] = {"record": {}, "user": {}, "email": {}}
    for record_id, user_id, day, version in rows:
        if record_id in ids:
            found["record"].setdefault(record_id, []).append((day, version))
        elif user_id in users:
            found["user"].setdefault(user_id, []).append((day, version))
        for email in {email_of_record.get(record_id), email_of_user.get(user_id)} & emails:
            found["email"].setdefault(email, []).append((day, version))
    return found
