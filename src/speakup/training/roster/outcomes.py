"""Who an import changed, found once the roster is written by a bounded query or two, the same
on both import paths: the leavers a whole roster made, and the line managers of the workers it
added or brought back. Never a query per row: a national roster has 1.5 million of them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q

from speakup.organisations.models import Organisation
from speakup.training.models import StaffRecord
from speakup.training.roster.results import LEAVERS_NAMED, NAMES_READ_AT_ONCE, FirstByName


def leavers_made(
    *,
    organisation: Organisation,
    today: datetime.date,
    now: datetime.datetime,
    up_to: int = LEAVERS_NAMED,
) -> list[dict[str, str]]:
    """The first `up_to` workers (by name, `core.names.name_order`) a whole roster imported
    `today` made leavers: those its UPDATE stamped found missing `today` at `now` (a leaver
    already keeps their day). Also of a roster refused for them, before its transaction is
    rolled back (who lists more of them). Read in chunks, only the first `up_to` kept: no
    database orders names as a reader does, and a national roster's leavers can be many."""
    made = (
        StaffRecord.objects.filter(
            organisation=organisation, active=False, left_on=today, updated_at=now
        )
        .order_by()
        .values_list("first_name", "last_name", "employee_number")
    )
    first = FirstByName(up_to=up_to)
    for names in made.iterator(chunk_size=NAMES_READ_AT_ONCE):
        first.add_worker(*names)
    return first.workers()


def last_worker_id() -> int:
    """The highest roster record id so far: the workers an import adds come after it."""
    return StaffRecord.objects.aggregate(last=Max("pk"))["last"] or 0


@dataclass(frozen=True)
class AddedWorkersManagers:
    """Of the active workers an import added or brought back with no line manager named: how
    many have line managers in their directorate, and how many have none, by directorate (""
    for none)."""

    managed: int
    unmanaged: dict[str, int]


def added_workers_managers(
    *,
    organisation: Organisation,
    after: int,
    returned: dict[tuple[str, bool], int] | None = None,
) -> AddedWorkersManagers:
    """Whom the rule of queries.managed_by gives a line manager, of the active workers added
    (ids `after` the last before the import) from a file without Line Manager Employee Numbers,
    and of those it brought back with none named (`returned`: how many, by directorate and
    whether a line manager, as the import found them): the active workers flagged Line Manager
    in their directorate, less themselves. Two `GROUP BY`s, one of the line managers and one of
    the workers added, by directorate: no subquery run for each worker added (SQLite would scan
    the roster for each)."""
    active = StaffRecord.objects.filter(organisation=organisation, active=True)
    line_managers = dict(
        active.filter(is_line_manager=True)
        .exclude(directorate="")
        .values("directorate")
        .annotate(workers=Count("pk"))
        .values_list("directorate", "workers")
        .order_by()
    )
    added = (
        active.filter(pk__gt=after, line_manager_number="")
        .values("directorate", "is_line_manager")
        .annotate(workers=Count("pk"))
        .order_by()
    )
    groups = [((row["directorate"], row["is_line_manager"]), row["workers"]) for row in added]
    managed, unmanaged = 0, {}
    for (directorate, is_line_manager), workers in [*groups, *(returned or {}).items()]:
        # A line manager added is one of their directorate's: the others manage them.
        others = line_managers.get(directorate, 0) - is_line_manager
        if directorate and others > 0:
            managed += workers
        else:
            unmanaged[directorate] = unmanaged.get(directorate, 0) + workers
    return AddedWorkersManagers(managed=managed, unmanaged=unmanaged)


def left_without_line_managers(
    *, organisation: Organisation, today: datetime.date, now: datetime.datetime
) -> dict[str, int]:
    """The directorates whose every line manager a whole roster imported `today` (at `now`)
    made leavers, with their active workers who name no line manager: by the rule of
    queries.managed_by (as `added_workers_managers`), nobody manages them now. One `GROUP BY`
    of the organisation's roster by directorate."""
    made_leavers = Q(active=False, left_on=today, updated_at=now)
    found = (
        StaffRecord.objects.filter(organisation=organisation)
        .exclude(directorate="")
        .values("directorate")
        .annotate(
            unmanaged=Count("pk", filter=Q(active=True, line_manager_number="")),
            line_managers=Count("pk", filter=Q(active=True, is_line_manager=True)),
            line_managers_left=Count("pk", filter=made_leavers & Q(is_line_manager=True)),
        )
        .filter(unmanaged__gt=0, line_managers=0, line_managers_left__gt=0)
        .values_list("directorate", "unmanaged")
        .order_by()
    )
    return dict(found)
