"""Reading training: policies, who must take which module, and compliance.

Compliance is computed, never stored: from the roster, the organisation's policy and the
completions, as of a day. An organisation's whole roster takes a handful of queries.
"""

from __future__ import annotations

import datetime
import uuid
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.utils import timezone

from speakup.core.dates import day_in_words, years_after
from speakup.core.names import name_order
from speakup.core.numbers import percent
from speakup.organisations.models import Organisation, RoleMembership
from speakup.organisations.roles import NATIONAL_ROLES, Role
from speakup.training.bands import (
    VERY_SENIOR_MANAGER,
    band_code,
    band_normalised,
    band_order,
    band_rank,
)
from speakup.training.content import (
    MODULE_ORDER,
    course,
    is_current_version,
    modules_to_take_first,
    retake_from,
    take_first_sentence,
)
from speakup.training.models import Completion, Module, StaffRecord, TrainingPolicy
from speakup.training.roster.columns import esr_staff_group

NOT_REQUIRED = "not_required"
DUE = "due"
OVERDUE = "overdue"
COMPLIANT = "compliant"
EXPIRED = "expired"
# Training a worker should already have done: they are told, and so is their line manager.
LATE = (OVERDUE, EXPIRED)
STATUS_LABELS = {
    NOT_REQUIRED: "Not required",
    DUE: "Due",
    OVERDUE: "Overdue",
    COMPLIANT: "Complete",
    EXPIRED: "Expired",
}
MODULE_TITLES = dict(Module.choices)


# --- policy -----------------------------------------------------------------------------


def policy_for(*, organisation: Organisation) -> TrainingPolicy:
    """The organisation's policy, or the national recommendation if it has not set one."""
    policy = TrainingPolicy.objects.filter(organisation=organisation).first()
    return policy or TrainingPolicy(organisation=organisation)


def mandatory_flag(
    mandatory: bool, mandatory_from: datetime.date | None, *, today: datetime.date
) -> tuple[bool, datetime.date | None]:
    """(mandatory on `today`, from when). A module is mandatory only from its date: ticked with
    a date still to come it is (False, that date); not ticked, (False, None). A headline
    figure only: it moves nobody's due date (`module_status`)."""
    if not mandatory:
        return False, None
    return mandatory_from is None or mandatory_from <= today, mandatory_from


def mandatory_flags(
    policy: TrainingPolicy, *, today: datetime.date
) -> dict[str, tuple[bool, datetime.date | None]]:
    return {
        module: mandatory_flag(
            getattr(policy, f"{module}_mandatory"),
            getattr(policy, f"{module}_mandatory_from"),
            today=today,
        )
        for module in MODULE_ORDER
    }


def mandatory_fields(flag: tuple[bool, datetime.date | None]) -> dict:
    """A module's mandatory flag as the compliance API gives it: mandatory today, and from when
    (YYYY-MM-DD, also for a date still to come; null when not ticked or ticked with no date)."""
    mandatory, since = flag
    return {"mandatory": mandatory, "mandatory_from": since.isoformat() if since else None}


# --- who must take what -----------------------------------------------------------------


@dataclass(frozen=True)
class WorkerFacts:
    """What the requirement rules need to know about one worker."""

    active: bool = True
    is_line_manager: bool = False
    is_senior_leader: bool = False
    is_board_member: bool = False
    band: str = ""
    start: datetime.date | None = None
    # The day a re-import made them a line manager, senior leader or board member (None: since
    # they started): StaffRecord's fields of the same names.
    line_manager_since: datetime.date | None = None
    senior_leader_since: datetime.date | None = None
    board_member_since: datetime.date | None = None
    # The day a band change brought them under the "Listen Up from band" rule (None: since
    # they started): StaffRecord.band_since.
    band_since: datetime.date | None = None

    @classmethod
    def of_record(cls, record) -> WorkerFacts:
        get = record.get if isinstance(record, dict) else lambda name: getattr(record, name)
        return cls(
            active=get("active"),
            is_line_manager=get("is_line_manager"),
            is_senior_leader=get("is_senior_leader"),
            is_board_member=get("is_board_member"),
            band=get("band") or "",
            start=get("assignment_start"),
            line_manager_since=get("line_manager_since"),
            senior_leader_since=get("senior_leader_since"),
            board_member_since=get("board_member_since"),
            band_since=get("band_since"),
        )


def requirement(*, facts: WorkerFacts, module: str, policy: TrainingPolicy) -> tuple[bool, str]:
    """Whether this worker must take `module`, and why (or why not)."""
    if not facts.active:
        return False, "Not on the current staff list"
    leader = facts.is_senior_leader or facts.is_board_member
    if module == Module.SPEAK_UP:
        return True, "Every worker takes Speak Up"
    if module == Module.FOLLOW_UP:
        if facts.is_board_member:
            return True, "Board members take Follow Up"
        if facts.is_senior_leader:
            return True, "Senior leaders take Follow Up"
        return False, "Follow Up is for senior leaders and board members"
    if facts.is_line_manager:
        return True, "Line managers take Listen Up"
    if leader:
        return True, "Needed before Follow Up"
    if under_band_rule(facts, policy):
        band = band_normalised(policy.listen_up_from_band)
        if band == VERY_SENIOR_MANAGER:
            return True, "Very senior managers (VSM) take Listen Up"
        return True, f"Everyone from {band} up takes Listen Up"
    return False, "Listen Up is for line managers"


def under_band_rule(facts: WorkerFacts, policy: TrainingPolicy) -> bool:
    """Whether the worker's band is at or above the policy's "Listen Up from band"."""
    return band_under_rule(facts.band, policy)


def band_under_rule(band: str, policy: TrainingPolicy) -> bool:
    """Whether `band` is at or above the policy's "Listen Up from band". A band that is no
    Agenda for Change band ("Band 10", "Consultant") never is: it has no rank to be above
    anything, so a rule cannot make its workers late at once with no day recorded."""
    from_band = band_rank(policy.listen_up_from_band or "")
    rank = band_rank(band or "")
    return bool(from_band and rank and rank >= from_band)


def band_rule_since(
    band: str, band_since: datetime.date | None, policy: TrainingPolicy
) -> datetime.date | None:
    """The day a worker in `band` came under the "Listen Up from band" rule: the later of the
    day the policy brought the band under it and the day a band change brought the worker
    into it (`band_since`). None: since they started (neither day recorded)."""
    recorded = policy.listen_up_band_since.get(band_code(band))
    days = [band_since, datetime.date.fromisoformat(recorded) if recorded else None]
    return max((day for day in days if day), default=None)


# A role, or a band under the "Listen Up from band" rule, taken away and given back within this
# long is the same one: it keeps the day it began, so taking it away for a while cannot turn
# overdue training into training due afresh. Given back later, it is new (ADR 0016).
SAME_ROLE_WITHIN = datetime.timedelta(days=365)


def given_back_within_a_year(ended: datetime.date | str | None, today: datetime.date) -> bool:
    """Whether a role or band that `ended` (a day, or a policy's ISO day) and is given back
    `today` is the same one, and keeps its day (`SAME_ROLE_WITHIN`)."""
    if isinstance(ended, str):
        ended = datetime.date.fromisoformat(ended)
    return ended is not None and today - ended <= SAME_ROLE_WITHIN


# The roles that make a worker take each module (Listen Up comes before Follow Up, so leaders
# take it too), each recorded with the day it began as StaffRecord.<role>_since.
ROLES_REQUIRING = {
    Module.SPEAK_UP: (),
    Module.LISTEN_UP: ("line_manager", "senior_leader", "board_member"),
    Module.FOLLOW_UP: ("senior_leader", "board_member"),
}


def requirement_since(
    *, facts: WorkerFacts, module: str, policy: TrainingPolicy
) -> datetime.date | None:
    """The day the worker came to need `module`, when that was after they started (a role
    given on a re-import, a band brought under the "from band" rule, a worker moved into such
    a band): their due date runs from then. With several reasons, the earliest counts: they
    have needed it since then. None: since they started (every worker's Speak Up; a role or
    band without a day recorded)."""
    days = [
        getattr(facts, f"{role}_since")
        for role in ROLES_REQUIRING[module]
        if getattr(facts, f"is_{role}")
    ]
    if module == Module.LISTEN_UP and under_band_rule(facts, policy):
        days.append(band_rule_since(facts.band, facts.band_since, policy))
    if not days or None in days:
        return None
    return min(days)


# --- compliance -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModuleStatus:
    module: str
    status: str
    why: str  # why the module is (or is not) required
    due_on: datetime.date | None = None
    valid_until: datetime.date | None = None
    completed_on: datetime.date | None = None
    replaced: bool = False  # the completed version was replaced by one that must be retaken
    take_first: tuple[str, ...] = ()  # modules to pass before starting this one
    # A module not required, taken anyway: its refresher's day has gone by (`with_completion`).
    lapsed: bool = False

    @property
    def required(self) -> bool:
        return self.status != NOT_REQUIRED

    @property
    def title(self) -> str:
        return MODULE_TITLES[self.module]

    @property
    def label(self) -> str:
        if self.status == COMPLIANT and self.valid_until:
            return f"Complete until {day_in_words(self.valid_until)}"
        return STATUS_LABELS[self.status]

    @property
    def reason(self) -> str:
        """The reason in words (built only when shown: dashboards count thousands of these)."""
        if self.take_first:
            return f"{self._reason}. {take_first_sentence(self.module, self.take_first)}"
        return self._reason

    @property
    def _reason(self) -> str:
        why, status = self.why, self.status
        if status == NOT_REQUIRED:
            return f"{why}; {self._held}" if self.completed_on else why
        if status == COMPLIANT:
            if self.valid_until is None:
                return f"{why}; completed on {day_in_words(self.completed_on)}"
            return (
                f"{why}; completed on {day_in_words(self.completed_on)}, "
                f"refresher due {day_in_words(self.valid_until)}"
            )
        if status == EXPIRED:
            if self.replaced:
                return (
                    f"{why}; a new version of the module replaced the one completed on "
                    f"{day_in_words(self.completed_on)}"
                )
            return (
                f"{why}; completed on {day_in_words(self.completed_on)}, the refresher was due by "
                f"{day_in_words(self.valid_until)}"
            )
        return f"{why}; {'due' if status == DUE else 'was due'} by {day_in_words(self.due_on)}"

    @property
    def _held(self) -> str:
        """A completion of a module not required, as proof of it: "completed on 1 June 2025,
        valid until 1 June 2028"."""
        held = f"completed on {day_in_words(self.completed_on)}"
        if self.replaced:
            return f"{held}, in a version of the module since replaced"
        if self.valid_until is None:
            return held
        held = f"{held}, valid until {day_in_words(self.valid_until)}"
        return f"{held} (now out of date)" if self.lapsed else held


def module_status(
    *,
    facts: WorkerFacts,
    module: str,
    policy: TrainingPolicy,
    completions: Iterable[tuple[datetime.date, str]],
    today: datetime.date,
) -> ModuleStatus:
    """Not required / due / overdue / compliant (until) / expired, for one worker and module.

    `completions` are (completed_on, version) pairs of this worker for this module. Training
    done before never leaves a worker worse off than none: a completion that no longer counts
    makes them expired only if it still counted on their due date and that date has gone by;
    otherwise they are due (or overdue) by that date, as with no completion. A pass of a
    replaced version still valid on the day it must be retaken from leaves them due until the
    due days after that day.
    """
    required, why = requirement(facts=facts, module=module, policy=policy)
    if not required:
        return ModuleStatus(module, NOT_REQUIRED, why)
    latest_current = latest_replaced = None
    for day, version in completions:
        if day > today:
            continue
        if is_current_version(module, version):
            if latest_current is None or day > latest_current:
                latest_current = day
        elif latest_replaced is None or day > latest_replaced:
            latest_replaced = day
    years = getattr(policy, f"{module}_refresher_years")
    if latest_current is not None:
        until = None if years is None else years_after(latest_current, years)
        if until is None or until >= today:
            return ModuleStatus(
                module, COMPLIANT, why, valid_until=until, completed_on=latest_current
            )
    due_on = due_date(facts=facts, module=module, policy=policy, today=today)
    by = due_on
    replaced_on = retake_from(module)
    if latest_replaced is not None:
        replaced_until = None if years is None else years_after(latest_replaced, years)
        # A pass still valid when its version was replaced gives the new starters' days from
        # the day it must be retaken from, as a new starter has (ADR 0015).
        if replaced_on is not None and (replaced_until is None or replaced_until >= replaced_on):
            by = max(by, replaced_on + datetime.timedelta(days=due_days(facts, module, policy)))
    if by < today:
        if latest_current is not None and until >= due_on:
            return ModuleStatus(
                module, EXPIRED, why, due_on=until, valid_until=until, completed_on=latest_current
            )
        # Expired if the pass still counted on the due date: neither run out nor replaced.
        if latest_replaced is not None and all(
            day is None or day >= due_on for day in (replaced_until, replaced_on)
        ):
            return ModuleStatus(
                module, EXPIRED, why, due_on=by, completed_on=latest_replaced, replaced=True
            )
    return ModuleStatus(module, DUE if by >= today else OVERDUE, why, due_on=by)


def due_date(
    *, facts: WorkerFacts, module: str, policy: TrainingPolicy, today: datetime.date
) -> datetime.date:
    """The day a worker must have taken `module` by: the new starters' days (the board's days
    for a board member's Follow Up) after the later of their start and the day they came to
    need it (`requirement_since`). Never from the day the module became mandatory: an adoption
    figure (ADR 0014)."""
    base = facts.start or today
    since = requirement_since(facts=facts, module=module, policy=policy)
    if since and since > base:
        base = since
    return base + datetime.timedelta(days=due_days(facts, module, policy))


def due_days(facts: WorkerFacts, module: str, policy: TrainingPolicy) -> int:
    """The days a worker has to take `module` once they need it: the board's days for a board
    member's Follow Up, else the new starters' days."""
    if module == Module.FOLLOW_UP and facts.is_board_member:
        return policy.board_follow_up_due_days
    return policy.new_starter_due_days


def worker_statuses(
    *,
    facts: WorkerFacts,
    policy: TrainingPolicy,
    completions: dict[str, list[tuple[datetime.date, str]]],
    today: datetime.date,
) -> list[ModuleStatus]:
    """The three modules' status for one worker, in the order they are taken."""
    statuses = []
    for module in MODULE_ORDER:
        status = module_status(
            facts=facts,
            module=module,
            policy=policy,
            completions=completions.get(module, []),
            today=today,
        )
        # Training to start (not a refresher falling due) says what must be passed first.
        before = status.status in {DUE, OVERDUE, EXPIRED} and modules_to_take_first(
            module, completions
        )
        if before:
            status = replace(status, take_first=tuple(before))
        statuses.append(status)
    return statuses


def with_completion(
    status: ModuleStatus,
    *,
    policy: TrainingPolicy,
    completions: Iterable[tuple[datetime.date, str]],
    today: datetime.date,
) -> ModuleStatus:
    """A module not required of a person, with their latest completion of it and the day that
    is valid until, for their own pages: a leaver keeps the proof of their training, and so does
    anyone who took a module they need not. Only there: dashboards, exports, reminders and the
    register count a module not required as nothing, completed or not."""
    done = [(day, version) for day, version in completions if day <= today]
    if status.status != NOT_REQUIRED or not done:
        return status
    # The latest day; on the same day, a version that still counts before one replaced.
    day, version = max(done, key=lambda held: (held[0], is_current_version(status.module, held[1])))
    years = getattr(policy, f"{status.module}_refresher_years")
    until = None if years is None else years_after(day, years)
    return replace(
        status,
        completed_on=day,
        valid_until=until,
        replaced=not is_current_version(status.module, version),
        lapsed=until is not None and until < today,
    )


# --- a person's own training -------------------------------------------------------------


def training_organisations_of(*, user) -> list[Organisation]:
    """The organisations a person trains for: an active roster record or a role there."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = set(
        StaffRecord.objects.filter(user=user, active=True).values_list("organisation_id", flat=True)
    )
    ids |= set(
        RoleMembership.objects.filter(user=user, organisation__isnull=False)
        .exclude(role__in=[r.value for r in NATIONAL_ROLES])
        .values_list("organisation_id", flat=True)
    )
    return list(Organisation.objects.filter(pk__in=ids, active=True).order_by("name"))


def _facts_from_roles(user, organisation) -> WorkerFacts:
    roles = set(
        RoleMembership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )
    first = (
        RoleMembership.objects.filter(user=user, organisation=organisation)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return WorkerFacts(
        is_line_manager=Role.LINE_MANAGER in roles,
        is_senior_leader=bool(roles & {Role.EXECUTIVE_LEAD, Role.NON_EXECUTIVE_LEAD}),
        is_board_member=Role.BOARD_MEMBER in roles,
        start=timezone.localdate(first) if first else None,
    )


def completions_of_user(*, user, organisation) -> dict[str, list[tuple[datetime.date, str]]]:
    found: dict[str, list] = defaultdict(list)
    rows = Completion.objects.filter(
        Q(user=user) | Q(staff_record__user=user, staff_record__organisation=organisation)
    ).values_list("module", "completed_on", "version")
    for module, day, version in rows:
        found[module].append((day, version))
    return found


@dataclass
class MyTraining:
    organisation: Organisation
    record: StaffRecord | None
    statuses: list[ModuleStatus] = field(default_factory=list)
    today: datetime.date | None = None
    # The person's certificates, by (module, day completed): `certificates_of`.
    certificates: dict[tuple[str, datetime.date], uuid.UUID] = field(default_factory=dict)

    def certificate_id(self, status: ModuleStatus) -> uuid.UUID | None:
        """The certificate of the completion a module's status shows, if it has one (a pass in
        speakup; an imported completion has none)."""
        return self.certificates.get((status.module, status.completed_on))

    @property
    def staff_list_notice(self) -> str:
        """What a leaver who still trains here (through a role) is told: that they are not on
        its staff list, since when if known, and that nothing is required of them. Empty for
        anyone else."""
        if self.record is None or self.record.active:
            return ""
        not_on = f"You are not on the current staff list of {self.organisation.name}"
        since = _left_because(self.record, self.today or timezone.localdate())
        return (
            f"{not_on}{': ' + since if since else ''}. It does not currently require any "
            "training of you, but you can still take the modules. If you still work there, ask "
            "your organisation admin to correct the staff list."
        )


# Why a leaver is one, as the roster recorded it (`why_a_leaver`).
LEFT_BY_ASSIGNMENT_END = "assignment_end"
LEFT_THE_WHOLE_ROSTER = "whole_roster"


def why_a_leaver(
    assignment_end: datetime.date | None, left_on: datetime.date | None, today: datetime.date
) -> tuple[str, datetime.date] | None:
    """Why a leaver's record is inactive and since when, when the roster recorded it: their
    Assignment End gone by, else the day a whole roster was found without them (ADR 0022).
    `organisation_leavers` orders by the same day."""
    if assignment_end and assignment_end < today:
        return LEFT_BY_ASSIGNMENT_END, assignment_end
    if left_on:
        return LEFT_THE_WHOLE_ROSTER, left_on
    return None


def _left_because(record: StaffRecord, today: datetime.date) -> str:
    """Why a leaver's record is inactive, in words for them (`why_a_leaver`)."""
    why = why_a_leaver(record.assignment_end, record.left_on, today)
    if why is None:
        return ""
    reason, day = why
    if reason == LEFT_BY_ASSIGNMENT_END:
        return f"your assignment there ended on {day_in_words(day)}"
    return f"the staff list it sent on {day_in_words(day)} did not include you"


def organisation_leavers(*, organisation: Organisation, today: datetime.date) -> list[dict]:
    """The organisation's leavers, the latest to leave first, each with the day they left
    (`left`) by the rule of `why_a_leaver`, here in SQL: their Assignment End when it has gone
    by, else the day a whole roster was found without them (`left_on`); None when neither is
    recorded, last. Those who left on the same day are in name order (`core.names.name_order`,
    in Python: the download has every leaver, read whole either way)."""
    left = Case(When(assignment_end__lt=today, then=F("assignment_end")), default=F("left_on"))
    leavers = (
        StaffRecord.objects.filter(organisation=organisation, active=False)
        .annotate(left=left)
        .order_by()
        .values(
            "employee_number",
            "first_name",
            "last_name",
            "staff_group",
            "directorate",
            "assignment_end",
            "left_on",
            "left",
        )
    )
    return sorted(leavers, key=_latest_to_leave_then_by_name)


def _latest_to_leave_then_by_name(leaver: dict) -> tuple:
    left = leaver["left"]
    return (
        left is None,
        -left.toordinal() if left else 0,
        _name_order_of(leaver),
    )


def _name_order_of(record: dict) -> tuple[str, ...]:
    """`core.names.name_order` of a roster record's values."""
    return name_order(
        last_name=record["last_name"],
        first_name=record["first_name"],
        number=record["employee_number"],
    )


def _own_record(*, user, organisation: Organisation) -> StaffRecord | None:
    """A person's record on an organisation's roster: the active one, else their latest as a
    leaver (kept, inactive); None if the roster has never had them."""
    return (
        StaffRecord.objects.filter(user=user, organisation=organisation)
        .order_by("-active", "-updated_at", "-pk")
        .first()
    )


def certificates_of(*, user) -> dict[tuple[str, datetime.date], uuid.UUID]:
    """A person's certificates by (module, day completed); of two passes on a day, the later."""
    rows = (
        Completion.objects.filter(user=user, certificate_id__isnull=False)
        .order_by("created_at", "pk")
        .values_list("module", "completed_on", "certificate_id")
    )
    return {(module, day): certificate for module, day, certificate in rows}


def my_training(*, user, today: datetime.date | None = None) -> list[MyTraining]:
    """A person's required modules and status, per organisation they train for. A leaver who
    still holds a role there is required nothing: their inactive record says so; only someone
    the roster has never had is taken from their roles, as starting when first given one. A
    module not required still shows their completion of it (`with_completion`)."""
    today = today or timezone.localdate()
    certificates = certificates_of(user=user)
    result = []
    for organisation in training_organisations_of(user=user):
        record = _own_record(user=user, organisation=organisation)
        facts = WorkerFacts.of_record(record) if record else _facts_from_roles(user, organisation)
        completions = completions_of_user(user=user, organisation=organisation)
        policy = policy_for(organisation=organisation)
        statuses = [
            with_completion(
                status, policy=policy, completions=completions.get(status.module, []), today=today
            )
            for status in worker_statuses(
                facts=facts, policy=policy, completions=completions, today=today
            )
        ]
        result.append(MyTraining(organisation, record, statuses, today, certificates))
    return result


def missing_prerequisites(*, user, module: str) -> list[str]:
    """The modules this person must pass before starting `module` (`modules_to_take_first`),
    from their completions anywhere, as the team page counts them."""
    found: dict[str, list] = defaultdict(list)
    rows = Completion.objects.filter(Q(user=user) | Q(staff_record__user=user)).values_list(
        "module", "completed_on", "version"
    )
    for done, day, version in rows:
        found[done].append((day, version))
    return modules_to_take_first(module, found)


def certificate_of(*, user, certificate_id) -> Completion | None:
    return (
        Completion.objects.filter(user=user, certificate_id=certificate_id)
        .select_related("organisation")
        .first()
    )


def latest_completion(*, user, module: str) -> Completion | None:
    """The person's latest completion of `module` at any organisation, however it was recorded:
    taken in speakup, or from learning records (imported, or xAPI)."""
    return (
        Completion.objects.filter(Q(user=user) | Q(staff_record__user=user), module=module)
        .order_by("-completed_on", "-created_at")
        .first()
    )


def latest_pass(*, user, module: str) -> Completion | None:
    return (
        Completion.objects.filter(user=user, module=module, certificate_id__isnull=False)
        .order_by("-completed_on", "-created_at")
        .first()
    )


# --- an organisation's compliance ------------------------------------------------------

RECORD_COLUMNS = [
    "id",
    "user_id",
    "employee_number",
    "first_name",
    "last_name",
    "staff_group",
    "directorate",
    "band",
    "active",
    "is_line_manager",
    "is_senior_leader",
    "is_board_member",
    "assignment_start",
    "line_manager_since",
    "senior_leader_since",
    "board_member_since",
    "band_since",
]


def active_records(*, organisation: Organisation):
    return (
        StaffRecord.objects.filter(organisation=organisation, active=True)
        .order_by("last_name", "first_name", "employee_number")
        .values(*RECORD_COLUMNS)
    )


@dataclass
class WorkerCompliance:
    record: dict
    statuses: list[ModuleStatus]

    @property
    def name(self) -> str:
        return f"{self.record['first_name']} {self.record['last_name']}"

    def status_of(self, module: str) -> ModuleStatus:
        return next(s for s in self.statuses if s.module == module)


def organisation_completions(*, organisation: Organisation) -> dict:
    """(("record", id) | ("user", id)) -> module -> [(completed_on, version)]: two queries."""
    found: dict = defaultdict(lambda: defaultdict(list))
    rows = Completion.objects.filter(organisation=organisation).values_list(
        "staff_record_id", "user_id", "module", "completed_on", "version"
    )
    for record_id, user_id, module, day, version in rows:
        if record_id:
            found[("record", record_id)][module].append((day, version))
        elif user_id:
            found[("user", user_id)][module].append((day, version))
    # Completed while working elsewhere (or recorded there): training goes with the person.
    users = StaffRecord.objects.filter(organisation=organisation, user__isnull=False).values(
        "user_id"
    )
    rows = (
        Completion.objects.filter(user_id__in=users)
        .exclude(organisation=organisation)
        .values_list("user_id", "module", "completed_on", "version")
    )
    for user_id, module, day, version in rows:
        found[("user", user_id)][module].append((day, version))
    return found


def completions_of_records(*, organisation: Organisation, records: list[dict]) -> dict:
    """As `organisation_completions`, for a few roster records only (a team, the board)."""
    found: dict = defaultdict(lambda: defaultdict(list))
    ids = [record["id"] for record in records]
    users = {record["user_id"] for record in records if record["user_id"]}
    if not ids:
        return found
    rows = Completion.objects.filter(Q(staff_record_id__in=ids) | Q(user_id__in=users)).values_list(
        "organisation_id", "staff_record_id", "user_id", "module", "completed_on", "version"
    )
    for organisation_id, record_id, user_id, module, day, version in rows:
        here = organisation_id == organisation.pk
        if here and record_id:
            found[("record", record_id)][module].append((day, version))
        elif user_id in users:
            found[("user", user_id)][module].append((day, version))
    return found


def records_compliance(
    *, organisation: Organisation, records, today: datetime.date, policy=None
) -> list[WorkerCompliance]:
    """Some of an organisation's workers with their status for each module."""
    records = list(records)
    return organisation_compliance(
        organisation=organisation,
        today=today,
        policy=policy,
        data=completions_of_records(organisation=organisation, records=records),
        records=records,
    )


_NONE: dict = {}


def _completions_of_record(record: dict, completions: dict) -> dict:
    mine = completions.get(("record", record["id"]), _NONE)
    if record["user_id"] and ("user", record["user_id"]) in completions:
        theirs = completions[("user", record["user_id"])]
        mine = {m: [*mine.get(m, []), *theirs.get(m, [])] for m in MODULE_ORDER}
    return mine


def organisation_compliance(
    *,
    organisation: Organisation,
    today: datetime.date | None = None,
    policy=None,
    data=None,
    records=None,
) -> list[WorkerCompliance]:
    """Every active worker on the roster with their status for each module, by name as a
    reader looks for it (`core.names.name_order`: the CSV, the board's table, a team)."""
    today = today or timezone.localdate()
    policy = policy or policy_for(organisation=organisation)
    completions = data if data is not None else organisation_completions(organisation=organisation)
    if records is None:
        records = active_records(organisation=organisation).iterator(chunk_size=5000)
    workers = []
    for record in records:
        mine = _completions_of_record(record, completions)
        statuses = worker_statuses(
            facts=WorkerFacts.of_record(record), policy=policy, completions=mine, today=today
        )
        workers.append(WorkerCompliance(record, statuses))
    return sorted(workers, key=lambda worker: _name_order_of(worker.record))


def _counts(statuses: Iterable[ModuleStatus]) -> dict[str, int]:
    counts = {"required": 0, COMPLIANT: 0, DUE: 0, OVERDUE: 0, EXPIRED: 0}
    for status in statuses:
        if status.required:
            counts["required"] += 1
            counts[status.status] += 1
    return counts


def compliance_summary(
    *, organisation: Organisation, today: datetime.date | None = None, workers=None
) -> dict:
    """The headline figures, as the JSON API gives them."""
    today = today or timezone.localdate()
    if workers is None:  # counted by the database (tallies.py applies the same rules in SQL)
        from speakup.training.tallies import compliance_figures

        return compliance_figures(organisation=organisation, today=today)["summary"]
    policy = policy_for(organisation=organisation)
    flags = mandatory_flags(policy, today=today)
    modules = []
    for module in MODULE_ORDER:
        counts = _counts(w.status_of(module) for w in workers)
        modules.append({"module": module, **mandatory_fields(flags[module]), **counts})
    board = [w.status_of(Module.FOLLOW_UP) for w in workers if w.record["is_board_member"]]
    return {
        "organisation": organisation.ods_code,
        "as_of": today.isoformat(),
        "modules": modules,
        "board_follow_up": {
            "required": sum(1 for s in board if s.required),
            "compliant": sum(1 for s in board if s.status == COMPLIANT),
        },
    }


# A breakdown's row for the workers with no value (no directorate, no band).
NOT_GIVEN = "Not given"


def breakdown_order(by: str, values: Iterable[str]) -> list[str]:
    """The rows of a breakdown by `by` in the order they are shown: bands in Agenda for Change
    order, those not on it after them and "Not given" last (`bands.band_order`, so "Band 10"
    comes after "Band 9", not between "Band 1" and "Band 2"); the rest in alphabetical order."""
    if by != "band":
        return sorted(values)
    return sorted(values, key=lambda value: band_order("" if value == NOT_GIVEN else value))


# What a breakdown's row says of a value the roster import kept as written but warned of
# (roster.unknown_values), so that the dashboard flags it as the upload's result did.
UNUSUAL = {
    "staff_group": ("not an ESR staff group", lambda value: esr_staff_group(value) is None),
    "band": ("not an Agenda for Change band", lambda value: band_rank(value) is None),
}


def unusual_value(by: str, value: str) -> str:
    """Why a breakdown's `value` of `by` is flagged on the dashboard; "" when it is not."""
    said, is_unusual = UNUSUAL.get(by, ("", lambda value: False))
    return said if value != NOT_GIVEN and is_unusual(value) else ""


def compliance_breakdown(*, workers: list[WorkerCompliance], by: str) -> list[dict]:
    """Per value of `by` (staff_group, directorate or band): counts for each module."""
    groups: dict[str, list[WorkerCompliance]] = defaultdict(list)
    for worker in workers:
        groups[worker.record[by] or NOT_GIVEN].append(worker)
    rows = []
    for value in breakdown_order(by, groups):
        row = {"value": value, "workers": len(groups[value])}
        for module in MODULE_ORDER:
            counts = _counts(w.status_of(module) for w in groups[value])
            row[module] = {**counts, "percent": percent(counts[COMPLIANT], counts["required"])}
        rows.append(row)
    return rows


def board_follow_up(*, workers: list[WorkerCompliance]) -> list[WorkerCompliance]:
    return [w for w in workers if w.record["is_board_member"]]


def month_ends(today: datetime.date, months: int) -> list[datetime.date]:
    ends = []
    first = today.replace(day=1)
    for _ in range(months):
        ends.append(first - datetime.timedelta(days=1))
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return [today, *ends][:months][::-1]


# --- the trend: who was on the roster at a month end, and what they had to take ------------
# A month's figure is counted against the workers on the roster at its end, so that a new
# starter or a leaver does not move the months gone by. The roster keeps no history, only each
# worker's Assignment Start and End and whether they are active today: a worker was on it at
# the end of a month if they had started by then (or no start is given), and are active today
# or left after it. A leaver is on the roster up to and including their Assignment End when it
# has gone by (their last day); a leaver without one, up to the day before a whole roster was
# found without them (`left_on`: the first day known to be off it, ADR 0022). A leaver with
# neither (an end still to come, or dropped before left_on was kept) left on a day not
# recorded, so counts in no month. Today's roster is the active workers, as the counts'.
# Who had to take a module then is decided by the roles and band they held then, from the
# days the roster keeps of each (`required_at`).


def on_roster_q(day: datetime.date, *, today: datetime.date) -> Q:
    """The roster records of workers on the roster at the end of `day` (`on_roster_at`)."""
    started = Q(assignment_start__isnull=True) | Q(assignment_start__lte=day)
    ended_after = Q(assignment_end__gte=day, assignment_end__lt=today)
    missing_after = Q(assignment_end__isnull=True, left_on__gt=day)
    return started & (Q(active=True) | Q(active=False) & (ended_after | missing_after))


def on_roster_at(record: dict, day: datetime.date, *, today: datetime.date) -> bool:
    """Whether the worker of `record` (TREND_COLUMNS) was on the roster at the end of `day`."""
    start, end = record["assignment_start"], record["assignment_end"]
    if start is not None and start > day:
        return False
    if record["active"]:
        return True
    if end is not None:
        return day <= end < today
    return record["left_on"] is not None and day < record["left_on"]


TREND_COLUMNS = [
    *RECORD_COLUMNS,
    "assignment_end",
    "left_on",
    "line_manager_ended",
    "senior_leader_ended",
    "board_member_ended",
    "band_ended",
]


def held_at(
    day: datetime.date, *, held: bool, since: datetime.date | None, ended: datetime.date | None
) -> bool:
    """Whether a role (or the band rule) was held at the end of `day`: from the day it began
    (None: since the worker started) while `held` today, or until the day it `ended`."""
    return (since is None or since <= day) and (held or (ended is not None and day < ended))


def required_at(
    record: dict, module: str, day: datetime.date, *, policy: TrainingPolicy, today: datetime.date
) -> bool:
    """Whether the worker of `record` (TREND_COLUMNS) had to take `module` at the end of
    `day`, by the roles and band they held then (`requirement`'s reasons, as they were)."""
    if day >= today:
        # Today's row is the headline figures': the roles held today, whatever their days (the
        # register dates a board appointment up to a year ahead).
        return requirement(facts=WorkerFacts.of_record(record), module=module, policy=policy)[0]
    if module == Module.SPEAK_UP:
        return True
    for role in ROLES_REQUIRING[module]:
        since, ended = record[f"{role}_since"], record[f"{role}_ended"]
        if held_at(day, held=record[f"is_{role}"], since=since, ended=ended):
            return True
    if module != Module.LISTEN_UP:
        return False
    # Their band today is under the rule since the policy brought it under (if recorded);
    # a band they moved out of was, from the day they came under the rule to the move.
    band = record["band"] or ""
    brought_under = band_rule_since(band, None, policy)
    under = band_under_rule(band, policy) and (brought_under is None or brought_under <= day)
    return held_at(day, held=under, since=record["band_since"], ended=record["band_ended"])


def trend_roster(*, organisation: Organisation, ends: list[datetime.date], today: datetime.date):
    """The roster records of everyone on the roster at one of the month ends `ends`."""
    on_any = Q(pk__in=[])
    for day in ends:
        on_any |= on_roster_q(day, today=today)
    return StaffRecord.objects.filter(on_any, organisation=organisation)


def compliance_trend(
    *, organisation: Organisation, today: datetime.date | None = None, months: int = 6
) -> list[dict]:
    """Percent compliant per module at the end of each recent month (today for this month), and
    the counts it is of (`counts`: per module, required and compliant).

    Each month end is measured against the workers on the roster then (`on_roster_at`) who
    had to take the module then (`required_at`), by the completions done by then and still
    valid then.
    """
    today = today or timezone.localdate()
    policy = policy_for(organisation=organisation)
    data = organisation_completions(organisation=organisation)
    ends = month_ends(today, months)
    required = {(day, module): 0 for day in ends for module in MODULE_ORDER}
    compliant = {(day, module): 0 for day in ends for module in MODULE_ORDER}
    records = trend_roster(organisation=organisation, ends=ends, today=today)
    for record in records.order_by().values(*TREND_COLUMNS).iterator(chunk_size=5000):
        there = [day for day in ends if on_roster_at(record, day, today=today)]
        mine = _completions_of_record(record, data)
        for module in MODULE_ORDER:
            needed = [
                day for day in there if required_at(record, module, day, policy=policy, today=today)
            ]
            days = sorted(d for d, v in mine.get(module, ()) if is_current_version(module, v))
            years = getattr(policy, f"{module}_refresher_years")
            for day in needed:
                required[(day, module)] += 1
                index = bisect_right(days, day)
                if index and (years is None or years_after(days[index - 1], years) >= day):
                    compliant[(day, module)] += 1
    rows = []
    for day in ends:
        row = {"month": day, "as_of": day, "counts": {}}
        for module in MODULE_ORDER:
            counts = {"required": required[(day, module)], COMPLIANT: compliant[(day, module)]}
            row[module] = percent(counts[COMPLIANT], counts["required"])
            row["counts"][module] = counts
        rows.append(row)
    return rows


def dashboard_organisations(*, user) -> list[Organisation]:
    from speakup.organisations.queries import organisation_ids_where
    from speakup.training.rules import DASHBOARD_ROLES

    ids = organisation_ids_where(user, *DASHBOARD_ROLES)
    return list(Organisation.objects.filter(pk__in=ids, active=True).order_by("name"))


def course_for(module: str):
    return course(module)


# --- who manages whom --------------------------------------------------------------------
# One rule, used by the team page and by reminders: a worker's line manager is the active
# worker whose employee number the roster gives in their "Line Manager Employee Number"; a
# worker with none given is managed by every active worker flagged Line Manager (Y) in the
# same directorate. A number that matches no active worker means no line manager: never guessed.


def managed_by(manager: StaffRecord) -> Q:
    """The active workers that `manager`'s roster record manages."""
    named = Q(line_manager_number=manager.employee_number)
    if manager.is_line_manager and manager.directorate:
        named |= Q(line_manager_number="", directorate=manager.directorate)
    return Q(organisation_id=manager.organisation_id, active=True) & named & ~Q(pk=manager.pk)


def line_manager_records_of(*, user) -> list[StaffRecord]:
    """The active roster records through which this person manages a team."""
    if not getattr(user, "is_authenticated", False):
        return []
    named_by_someone = StaffRecord.objects.filter(
        organisation_id=OuterRef("organisation_id"),
        active=True,
        line_manager_number=OuterRef("employee_number"),
    )
    return list(
        StaffRecord.objects.filter(user=user, active=True, organisation__active=True)
        .filter((Q(is_line_manager=True) & ~Q(directorate="")) | Exists(named_by_someone))
        .select_related("organisation")
        .order_by("organisation__name", "directorate")
    )


def team_records(*, manager: StaffRecord):
    """The workers a line manager's record manages, as `active_records` gives them."""
    return (
        StaffRecord.objects.filter(managed_by(manager))
        .order_by("last_name", "first_name", "employee_number")
        .values(*RECORD_COLUMNS)
    )


MANAGER_FIELDS = ("id", "first_name", "last_name", "email", "user__email", "user__is_active")


@dataclass
class LineManagers:
    """Who manages whom in one organisation, worked out for every worker at once."""

    by_directorate: dict[str, list[dict]]
    by_number: dict[str, dict]

    def team_of(self, worker: dict) -> tuple[str, str] | None:
        """Which team `worker` (directorate, line manager number) is in: ("number", their
        manager's employee number) or ("directorate", its name); None for no team. Everyone in
        a team has the same line managers (less themselves)."""
        if worker["line_manager_number"]:
            return ("number", worker["line_manager_number"])
        if worker["directorate"]:
            return ("directorate", worker["directorate"])
        return None

    def of_team(self, team: tuple[str, str] | None) -> list[dict]:
        """The line managers (MANAGER_FIELDS) of a team from `team_of`."""
        if team is None:
            return []
        kind, value = team
        if kind == "number":
            manager = self.by_number.get(value)
            return [manager] if manager else []
        return self.by_directorate.get(value, [])

    def of(self, worker: dict) -> list[dict]:
        """The line managers (MANAGER_FIELDS) of `worker` (id, directorate, line manager
        number): the rule of `managed_by`, seen from the worker's side."""
        managers = self.of_team(self.team_of(worker))
        return [manager for manager in managers if manager["id"] != worker["id"]]


def line_managers_in(*, organisation: Organisation) -> LineManagers:
    """Every line manager of the organisation's active workers: two queries."""
    active = StaffRecord.objects.filter(organisation=organisation, active=True)
    by_directorate: dict[str, list[dict]] = defaultdict(list)
    flagged = active.filter(is_line_manager=True).exclude(directorate="")
    for row in flagged.values("directorate", *MANAGER_FIELDS):
        by_directorate[row.pop("directorate")].append(row)
    named = active.exclude(line_manager_number="").values("line_manager_number")
    by_number = {
        row.pop("employee_number"): row
        for row in active.filter(employee_number__in=named).values(
            "employee_number", *MANAGER_FIELDS
        )
    }
    return LineManagers(by_directorate=dict(by_directorate), by_number=by_number)


# Who must act first: late, then due, then everyone else.
_URGENCY = {OVERDUE: 0, EXPIRED: 0, DUE: 1, COMPLIANT: 2, NOT_REQUIRED: 3}


def most_urgent_first(workers: list[WorkerCompliance]) -> list[WorkerCompliance]:
    """The workers, those with training overdue or expired first, then due; within each, the
    longest overdue (or the soonest due) first, by the day their training fell or falls due
    (a stable sort: workers on the same day stay in the order given). A tester's team page
    listed 100 late workers in name order, leaving out hundreds late for longer."""

    def urgency(worker: WorkerCompliance) -> tuple[int, datetime.date]:
        most = min(_URGENCY[status.status] for status in worker.statuses)
        days = [
            status.due_on or status.valid_until or datetime.date.max
            for status in worker.statuses
            if _URGENCY[status.status] == most and most < _URGENCY[COMPLIANT]
        ]
        return most, min(days, default=datetime.date.max)

    return sorted(workers, key=urgency)


def team_of(*, user, today: datetime.date | None = None) -> list[tuple[StaffRecord, list]]:
    """For each team this person manages: their record and the team's WorkerCompliance."""
    today = today or timezone.localdate()
    teams = []
    for manager in line_manager_records_of(user=user):
        workers = records_compliance(
            organisation=manager.organisation, records=team_records(manager=manager), today=today
        )
        teams.append((manager, workers))
    return teams
