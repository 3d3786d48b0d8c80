"""Training reminders, sent by `speakup tick` (issue 4, "Reminders").

Once a day, every active worker with an email address whose module is due within 14 days,
overdue or expired (or whose refresher falls due within 14 days) is emailed; for overdue and
expired modules their line managers are emailed too (the rule is in queries.py: the worker's
named line manager, else the line managers of their directorate). At most one reminder per 14
days per worker per module, recorded as a TrainingReminder. The statuses come from
`worker_statuses`, the one rule set every other training page uses.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from speakup.core.dates import day_in_words
from speakup.core.links import absolute_url
from speakup.organisations.models import Organisation
from speakup.training.content import take_first_sentence
from speakup.training.models import StaffRecord, TrainingReminder, TrainingReminderRun
from speakup.training.queries import (
    COMPLIANT,
    DUE,
    EXPIRED,
    LATE,
    OVERDUE,
    ModuleStatus,
    WorkerCompliance,
    line_managers_in,
    organisation_compliance,
)

log = logging.getLogger(__name__)

REMIND_EVERY = datetime.timedelta(days=14)
DUE_WITHIN = datetime.timedelta(days=14)
# A line manager's email names at most this many late modules; their team page lists all.
MOST_NAMED = 25


def _address(row: dict) -> str:
    """The worker's account email when linked to an active account, else the roster email."""
    if row.get("user__email") and row.get("user__is_active"):
        return row["user__email"]
    return row.get("email") or ""


def needs_reminder(status: ModuleStatus, today: datetime.date) -> bool:
    if status.status in LATE:
        return True
    if status.status == DUE:
        return status.due_on is not None and status.due_on <= today + DUE_WITHIN
    if status.status == COMPLIANT:  # a refresher falling due
        return status.valid_until is not None and status.valid_until <= today + DUE_WITHIN
    return False


def _when(status: ModuleStatus) -> str:
    """What is due and by when, in words."""
    if status.status == DUE:
        return f"due by {day_in_words(status.due_on)}"
    if status.status == OVERDUE:
        return f"overdue: it was due by {day_in_words(status.due_on)}"
    # "Expired", as the worker's and the team's pages say it.
    if status.status == EXPIRED and status.replaced:
        return "expired: a new version of the module must be taken"
    if status.status == EXPIRED:
        return f"expired: the refresher was due by {day_in_words(status.valid_until)}"
    return f"refresher due by {day_in_words(status.valid_until)}"


def _named(worker: WorkerCompliance) -> str:
    """A worker as a manager's email names them: with their employee number, since two of a
    team can share a name (the team page has it in a column of its own)."""
    return f"{worker.name} (employee number {worker.record['employee_number']})"


def worker_email(*, first_name: str, organisation: Organisation, statuses: list) -> str:
    lines = [
        f"Hello {first_name},",
        "",
        f"Your Freedom to Speak Up training for {organisation.name}:",
        "",
    ]
    for status in statuses:
        line = f"- {status.title}: {_when(status)}."
        if status.take_first:
            line += f" {take_first_sentence(status.module, status.take_first)}."
        lines.append(line)
        lines.append(
            f"  Take it here: {absolute_url(reverse('training:show_module', args=[status.module]))}"
        )
    return "\n".join(lines) + "\n"


def late_in_words(kinds: set[str]) -> str:
    """What a manager's list holds, as the team page says it: "overdue or expired", or only
    the one of them it holds."""
    return " or ".join(kind for kind in LATE if kind in kinds)


def manager_email(
    *, first_name: str, organisation: Organisation, late: list, more: int = 0, kinds: set[str]
) -> str:
    """`late` is (name, status) pairs; `more` counts the late modules left unnamed; `kinds`
    are the statuses (overdue, expired) of them all, named or not."""
    lines = [
        f"Hello {first_name},",
        "",
        f"Freedom to Speak Up training that is {late_in_words(kinds)} in your team at "
        f"{organisation.name}:",
        "",
    ]
    for name, status in late:
        lines.append(f"- {name}, {status.title}: {_when(status)}.")
    if more:
        lines.append(f"- and {more:,} more.")
    lines += ["", f"See your team's training: {absolute_url(reverse('training:show_team'))}"]
    return "\n".join(lines) + "\n"


@dataclass
class ReminderReport:
    workers_emailed: int = 0
    managers_emailed: int = 0
    already_run: bool = False

    def lines(self) -> list[str]:
        if self.already_run:
            return ["Training reminders: already sent today"]
        return [
            f"Training reminders sent to workers: {self.workers_emailed}",
            f"Training reminders sent to line managers: {self.managers_emailed}",
        ]


def _send(subject: str, body: str, address: str) -> bool:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:  # one bad address or a mail server hiccup must not stop the others
        log.exception("Could not send a training reminder")
        return False
    return True


def _remind_organisation(organisation: Organisation, today: datetime.date, report) -> None:
    needing = {}
    for worker in organisation_compliance(organisation=organisation, today=today):
        statuses = [s for s in worker.statuses if needs_reminder(s, today)]
        if statuses:
            needing[worker.record["id"]] = (worker, statuses)
    if not needing:
        return
    recent = set(
        TrainingReminder.objects.filter(
            staff_record__organisation=organisation, sent_on__gt=today - REMIND_EVERY
        ).values_list("staff_record_id", "module")
    )
    contacts = {
        row["id"]: row
        for row in StaffRecord.objects.filter(organisation=organisation, active=True).values(
            "id",
            "first_name",
            "directorate",
            "line_manager_number",
            "email",
            "user__email",
            "user__is_active",
        )
        if row["id"] in needing
    }
    managers = line_managers_in(organisation=organisation)
    reachable: dict[tuple[str, str] | None, set[int]] = {}  # team -> its managers with an email
    late_by_team: dict[tuple[str, str], list[tuple[int, str, ModuleStatus]]] = defaultdict(list)
    reminders = []
    for record_id, (worker, statuses) in needing.items():
        statuses = [s for s in statuses if (record_id, s.module) not in recent]
        contact = contacts.get(record_id)
        if not statuses or contact is None:
            continue
        address = _address(contact)
        emailed = bool(address) and _send(
            "Your Freedom to Speak Up training",
            worker_email(
                first_name=contact["first_name"], organisation=organisation, statuses=statuses
            ),
            address,
        )
        report.workers_emailed += emailed
        team = managers.team_of(contact)
        if team not in reachable:
            reachable[team] = {m["id"] for m in managers.of_team(team) if _address(m)}
        its_managers = len(reachable[team]) - (record_id in reachable[team])  # not themselves
        for status in statuses:
            told = its_managers if status.status in LATE else 0
            if told:
                late_by_team[team].append((record_id, _named(worker), status))
            if emailed or told:
                reminders.append(
                    TrainingReminder(
                        staff_record_id=record_id,
                        module=status.module,
                        sent_on=today,
                        status=status.status,
                        due_on=status.due_on or status.valid_until,
                        managers_emailed=told,
                    )
                )
    TrainingReminder.objects.bulk_create(reminders, batch_size=1000)
    _email_line_managers(organisation, managers, late_by_team, report)


def _email_line_managers(organisation, managers, late_by_team: dict, report) -> None:
    """One email per line manager about every team of theirs with late modules (never naming
    themselves), naming at most MOST_NAMED. In a directorate whose workers name no manager,
    every flagged manager has the whole directorate as their team: the list is shared, not
    copied per manager, and the email stays short (the team page lists everyone)."""
    teams_of: dict[int, list] = defaultdict(list)
    rows: dict[int, dict] = {}
    for team in late_by_team:
        for manager in managers.of_team(team):
            if _address(manager):
                teams_of[manager["id"]].append(team)
                rows[manager["id"]] = manager
    entries_of = {
        team: Counter(worker_id for worker_id, _, _ in late) for team, late in late_by_team.items()
    }
    # Counted once per team, not per manager: a directorate can have hundreds of both.
    kinds_of = {
        team: Counter(status.status for _, _, status in late) for team, late in late_by_team.items()
    }
    own_kinds_of = {
        team: Counter((worker_id, status.status) for worker_id, _, status in late)
        for team, late in late_by_team.items()
    }
    for manager_id, teams in teams_of.items():
        total = sum(len(late_by_team[team]) - entries_of[team][manager_id] for team in teams)
        if not total:
            continue  # the only late worker in their team is themselves
        named = list(
            islice(
                (
                    (name, status)
                    for team in teams
                    for worker_id, name, status in late_by_team[team]
                    if worker_id != manager_id
                ),
                MOST_NAMED,
            )
        )
        kinds = {
            kind
            for team in teams
            for kind in LATE
            if kinds_of[team][kind] > own_kinds_of[team][(manager_id, kind)]
        }
        manager = rows[manager_id]
        report.managers_emailed += _send(
            f"{late_in_words(kinds).capitalize()} Freedom to Speak Up training in your team",
            manager_email(
                first_name=manager["first_name"],
                organisation=organisation,
                late=named,
                more=total - len(named),
                kinds=kinds,
            ),
            _address(manager),
        )


def training_reminders_send(*, today: datetime.date | None = None) -> ReminderReport:
    """Email today's training reminders; a second call on the same day does nothing."""
    today = today or timezone.localdate()
    report = ReminderReport()
    try:
        with transaction.atomic():
            run = TrainingReminderRun.objects.create(day=today)
    except IntegrityError:
        report.already_run = True
        return report
    organisations = Organisation.objects.filter(
        active=True, pk__in=StaffRecord.objects.filter(active=True).values("organisation_id")
    ).order_by("pk")
    for organisation in organisations:
        _remind_organisation(organisation, today, report)
    run.finished_at = timezone.now()
    run.workers_emailed = report.workers_emailed
    run.managers_emailed = report.managers_emailed
    run.save(update_fields=["finished_at", "workers_emailed", "managers_emailed"])
    return report
