"""Changing training state: module progress, passes, policies and imported completions."""

from __future__ import annotations

import copy
import csv
import datetime
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from speakup.core import csvfiles
from speakup.core.audit import audit_by
from speakup.core.dates import day_in_words
from speakup.core.numbers import percent
from speakup.core.words import counted, listed
from speakup.organisations.models import Organisation
from speakup.training.bands import bands_from
from speakup.training.content import (
    MODULE_ORDER,
    Course,
    counting_versions,
    course,
    take_first_sentence,
)
from speakup.training.models import (
    Completion,
    CompletionSource,
    Module,
    ModuleProgress,
    StaffRecord,
    TrainingPolicy,
    XapiVoiding,
)
from speakup.training.queries import (
    given_back_within_a_year,
    missing_prerequisites,
    training_organisations_of,
)
from speakup.training.roster.columns import (
    missing_columns,
    normalised_title,
    other_separator,
    row_width_problem,
    unread_columns,
)
from speakup.training.roster.file_encoding import UnreadableFile, detect_encoding
from speakup.training.roster.results import (
    EVERY_ROW_BAD,
    ON_THE_PAGE,
    Channel,
    ImportResult,
    RowError,
    nothing_imported,
)
from speakup.training.roster.row_checks import EMPTY, TOO_LONG_AGO, check_date, too_long_ago
from speakup.training.tallies import MadeLate, newly_late

# Course titles in learning records (ESR, e-Learning for Healthcare) mapped to our modules.
# Override or extend with the TRAINING_COURSE_TITLES setting (title -> module key).
DEFAULT_COURSE_TITLES = {
    "speak up": Module.SPEAK_UP,
    "freedom to speak up: speak up": Module.SPEAK_UP,
    "nhs|csth|freedom to speak up - speak up": Module.SPEAK_UP,
    "listen up": Module.LISTEN_UP,
    "freedom to speak up: listen up": Module.LISTEN_UP,
    "nhs|csth|freedom to speak up - listen up": Module.LISTEN_UP,
    "follow up": Module.FOLLOW_UP,
    "freedom to speak up: follow up": Module.FOLLOW_UP,
    "nhs|csth|freedom to speak up - follow up": Module.FOLLOW_UP,
}


def module_for_title(text: str) -> str | None:
    """A module key from its key or a configured course title; None when unknown (never guessed)."""

    def key(title: str) -> str:  # case and runs of spaces differ between exports
        return " ".join(title.casefold().split())

    if key(text) in Module.values:
        return key(text)
    titles = {**DEFAULT_COURSE_TITLES, **settings.TRAINING_COURSE_TITLES}
    return {key(title): module for title, module in titles.items()}.get(key(text))


# --- taking a module --------------------------------------------------------------------


def module_progress(*, user, module: str, for_update: bool = False) -> ModuleProgress:
    """Where `user` is in the current version of `module`, kept from an older version that counts.

    With no row for the current version yet, the result is unsaved unless `for_update`, which
    saves it and locks it (inside a transaction).
    """
    the_course = course(module)
    version = str(the_course.version)
    rows = ModuleProgress.objects.filter(
        user=user, module=module, version__in=counting_versions(module)
    )
    newest = max(rows, key=lambda row: int(row.version), default=None)
    if newest is not None and newest.version == version and not for_update:
        return newest
    # Reading never writes (opening the module page saves nothing); the first visit or check
    # saves the carried-over row. get_or_create, so two first visits at once share one row.
    # The older version's row stays as it was.
    kept = {"screen_count": the_course.screen_count}
    if newest is not None and newest.version != version:
        kept |= {
            **_place_in_a_newer_version(newest, the_course),
            "attempts": newest.attempts,
            "best_score_percent": newest.best_score_percent,
            "started_at": newest.started_at,
        }
    if for_update:
        progress, _ = ModuleProgress.objects.select_for_update().get_or_create(
            user=user, module=module, version=version, defaults=kept
        )
        return progress
    return ModuleProgress(user=user, module=module, version=version, **kept)


def _place_in_a_newer_version(older: ModuleProgress, the_course: Course) -> dict[str, int]:
    """Where a worker's place in an older version that still counts puts them in `the_course`.

    Screens are kept by number, a screen past the end of a shorter version becoming its last.
    A worker who had gone on to the older version's check had read every one of its screens:
    they go on to this version's check, or to the first screen it adds, read before the check.
    """
    last = the_course.screen_count
    # The older check's place is past its last screen, and is no screen of this version.
    reached = min(older.furthest_screen, older.screen_count, last)
    if older.last_screen <= older.screen_count:
        return {"furthest_screen": reached, "last_screen": min(older.last_screen, last)}
    going_on_to = the_course.check_screen if reached == last else reached + 1
    return {"furthest_screen": reached, "last_screen": going_on_to}


def resume_screen(progress: ModuleProgress) -> int | None:
    """Where "Continue where you left off" goes: the screen last seen (the check's own number
    once the worker has gone on to it, or the first screen a newer version added that they have
    not seen); None before they have gone past the first screen."""
    the_course, last = course(progress.module), progress.last_screen
    return last if last == the_course.check_screen or 1 < last <= the_course.screen_count else None


def modules_under_way(*, user) -> set[str]:
    """The modules this person has a place to continue from (`resume_screen`): their home page
    says "Continue" for these, as each module's page does."""
    return {
        module
        for module in Module.values
        if resume_screen(module_progress(user=user, module=module)) is not None
    }


def screen_is_open(progress: ModuleProgress, number: int) -> bool:
    """Screens open in order: those already reached (shown, or read and gone on from by their
    "Continue") and the one after the furthest of them, which that "Continue" leads to."""
    return number <= progress.furthest_screen + 1


def screen_before_check(progress: ModuleProgress) -> int | None:
    """The screen to go on from before the knowledge check opens; None once every screen of this
    version has been reached (a retake after failing reads nothing again). It is the furthest
    reached, or the first screen a newer version added for a worker who had gone on to the check
    (`_place_in_a_newer_version` puts them there, one past the furthest)."""
    if progress.furthest_screen >= course(progress.module).screen_count:
        return None
    return max(progress.furthest_screen, progress.last_screen, 1)


def kept_check_answers(progress: ModuleProgress) -> dict[int, str]:
    """The knowledge check's answers saved so far."""
    return _check_answers(progress.module, progress.check_answers)


def _check_answers(module: str, answers: dict) -> dict[int, str]:
    """`answers` by question number, leaving out any that is not one of its question's options."""
    questions = course(module).questions
    return {
        int(number): answer
        for number, answer in answers.items()
        if 1 <= int(number) <= len(questions) and answer in questions[int(number) - 1].options
    }


def check_attempt(progress: ModuleProgress) -> int:
    """The attempt at the knowledge check under way (from 1): the one its page's answers are for."""
    return progress.attempts + 1


class CheckNotOpen(ValueError):
    """The knowledge check is not open to these answers now: not every screen reached yet, or the
    attempt they were given in was submitted meanwhile (in a request that came first)."""


@transaction.atomic
def knowledge_check_save(*, user, module: str, answers: dict[int, str], attempt: int) -> int:
    """Keep the answers given so far, for a worker who leaves before submitting the check; an
    answer that is not one of its question's options is left out. Returns how many are kept.

    `attempt` is the `check_attempt` the page showed: once that attempt is submitted, a save
    for it arriving late (the page's script, a second tab) would bring emptied answers back.
    """
    progress = module_progress(user=user, module=module, for_update=True)
    if screen_before_check(progress) is not None:
        raise CheckNotOpen("Go through every screen before the knowledge check")
    if attempt != check_attempt(progress):
        raise CheckNotOpen("The attempt at the knowledge check these answers are for was submitted")
    progress.check_answers = {str(n): a for n, a in _check_answers(module, answers).items()}
    progress.updated_at = timezone.now()
    progress.save(update_fields=["check_answers", "updated_at"])
    return len(progress.check_answers)


@transaction.atomic
def progress_visit(*, user, module: str, screen: int) -> ModuleProgress:
    """Remember that `user` reached `screen` (from 1) of `module`, so they can resume there:
    called when the screen is shown, and when its "Continue" is pressed (it was read), never for
    a screen not yet shown (leaving then would resume past it, and open the check unread)."""
    progress = module_progress(user=user, module=module, for_update=True)
    progress.last_screen = screen
    progress.furthest_screen = max(progress.furthest_screen, screen)
    progress.updated_at = timezone.now()
    progress.save(update_fields=["last_screen", "furthest_screen", "updated_at"])
    return progress


@dataclass
class CheckResult:
    score_percent: int
    correct: int
    total: int
    passed: bool
    wrong: list[int] = field(default_factory=list)  # question numbers, from 1
    completion: Completion | None = None


@transaction.atomic
def knowledge_check_submit(
    *,
    user,
    module: str,
    answers: dict[int, str],
    attempt: int | None = None,
    today: datetime.date | None = None,
) -> CheckResult:
    """Mark a knowledge check; a pass at the pass mark records a completion with a certificate.

    `answers` maps question numbers (from 1) to the chosen option's text. The answers saved on
    the way are emptied; a pass starts the module afresh, so a refresher reads the screens again.
    `attempt` is the `check_attempt` the page showed: the same answers sent again once it was
    marked (a double click) raise CheckNotOpen rather than count a second attempt.
    """
    if missing := missing_prerequisites(user=user, module=module):
        raise ValueError(take_first_sentence(module, missing))
    the_course = course(module)
    total = len(the_course.questions)
    wrong = [
        number
        for number, question in enumerate(the_course.questions, start=1)
        if answers.get(number) != question.correct
    ]
    correct = total - len(wrong)
    score = percent(correct, total)
    passed = score >= the_course.pass_mark
    version = str(the_course.version)
    progress = module_progress(user=user, module=module, for_update=True)
    if screen_before_check(progress) is not None:
        raise ValueError(f"Go through every screen of {the_course.title} before its check")
    if attempt is not None and attempt != check_attempt(progress):
        raise CheckNotOpen("This attempt at the knowledge check was marked already")
    progress.attempts += 1
    progress.best_score_percent = max(progress.best_score_percent or 0, score)
    progress.check_answers = {}
    if passed:
        progress.furthest_screen = progress.last_screen = 0
    progress.updated_at = timezone.now()
    progress.save()
    result = CheckResult(score, correct, total, passed, wrong)
    if passed:
        result.completion = completion_in_product(
            user=user, module=module, version=version, score_percent=score, today=today
        )
    return result


def completion_in_product(
    *, user, module: str, version: str, score_percent: int, today: datetime.date | None = None
) -> Completion:
    organisations = training_organisations_of(user=user)
    if not organisations:
        raise ValueError("Only people who work for an organisation take its training")
    organisation = organisations[0]
    record = StaffRecord.objects.filter(user=user, organisation=organisation, active=True).first()
    # One completion, linked to the person: it counts in every organisation they work for.
    completion = Completion.objects.create(
        organisation=organisation,
        staff_record=record,
        user=user,
        module=module,
        version=version,
        completed_on=today or timezone.localdate(),
        source=CompletionSource.IN_PRODUCT,
        score_percent=score_percent,
        certificate_id=uuid.uuid4(),
    )
    audit_by(
        user,
        action="training.module_pass",
        object_type="completion",
        object_ref=str(completion.pk),
        organisation=organisation,
        detail={"module": module, "version": version, "score_percent": score_percent},
    )
    return completion


# --- policies ---------------------------------------------------------------------------

POLICY_FIELDS = [
    "speak_up_mandatory",
    "speak_up_mandatory_from",
    "listen_up_mandatory",
    "listen_up_mandatory_from",
    "follow_up_mandatory",
    "follow_up_mandatory_from",
    "speak_up_refresher_years",
    "listen_up_refresher_years",
    "follow_up_refresher_years",
    "new_starter_due_days",
    "board_follow_up_due_days",
    "listen_up_from_band",
]


class LateWorkersToConfirm(Exception):
    """A policy change not saved: it would make more workers' training late at once, on some
    module, than the admin said they expect (`policy_update`'s `expect_late`)."""

    def __init__(self, late: MadeLate):
        super().__init__(f"the change would make {late.workers} workers' training late")
        self.late = late


@transaction.atomic
def policy_update(
    *,
    organisation: Organisation,
    actor=None,
    expect_late: dict[str, int] | None = None,
    **values,
) -> TrainingPolicy:
    """Save the organisation's policy with `values` changed.

    A change that would make workers' training overdue or expired at once (a shorter
    refresher or due period, a wider Listen Up band rule) is refused with LateWorkersToConfirm,
    nothing saved, unless `expect_late` (module -> workers) says the admin expects at least
    that many on each module: the next reminders email each of them, and their managers, as
    late. As with a whole roster's leavers (roster.importing.MANY_LEAVERS), the numbers are a
    ceiling.
    """
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"not policy fields: {', '.join(sorted(unknown))}")
    policy, _ = TrainingPolicy.objects.select_for_update().get_or_create(organisation=organisation)
    before = copy.copy(policy)
    covered_before = set(bands_from(policy.listen_up_from_band))
    for name, value in values.items():
        setattr(policy, name, value)
    policy_band_days(policy, covered_before=covered_before, today=timezone.localdate())
    policy.updated_at = timezone.now()
    policy.full_clean()
    late = newly_late(
        organisation=organisation, before=before, after=policy, today=timezone.localdate()
    )
    expected = expect_late or {}
    if any(late.of_module(module) > expected.get(module, 0) for module in MODULE_ORDER):
        raise LateWorkersToConfirm(late)
    policy.save()
    detail: dict = {"fields": sorted(values)}
    if late.workers:  # kept, as a roster's expected leavers are
        detail["made_late"] = {module: late.of_module(module) for module in MODULE_ORDER}
    audit_by(
        actor,
        action="training.policy_update",
        object_type="training_policy",
        object_ref=organisation.ods_code,
        organisation=organisation,
        detail=detail,
    )
    return policy


def policy_band_days(
    policy: TrainingPolicy, *, covered_before: set[str], today: datetime.date
) -> None:
    """Date the bands the policy's "Listen Up from band" rule reaches, and those it no longer
    reaches, now it is changed from covering `covered_before`: a band the rule reaches for the
    first time, or again after more than a year, is dated today, so its workers have the new
    starters' days to take Listen Up instead of being overdue at once; a band it leaves keeps
    its day, ended today, and brought back within a year has it again (ADR 0016), so turning
    the rule off and on cannot make overdue workers due."""
    covered = set(bands_from(policy.listen_up_from_band))
    since = dict(policy.listen_up_band_since)
    ended = dict(policy.listen_up_band_ended)
    for code in covered - covered_before:
        if not given_back_within_a_year(ended.pop(code, None), today):
            since[code] = today.isoformat()
    for code in covered_before - covered:
        ended[code] = today.isoformat()
    policy.listen_up_band_since, policy.listen_up_band_ended = since, ended


# --- completions from outside ----------------------------------------------------------

COMPLETION_COLUMNS = {
    "employee number": "employee_number",
    "organisation": "organisation",
    "module": "module",
    "completed on": "completed_on",
    "source": "source",
}
REQUIRED_COMPLETION_COLUMNS = ["Employee Number", "Organisation", "Module", "Completed On"]
COMPLETION_TITLES = [*REQUIRED_COMPLETION_COLUMNS, "Source"]


@dataclass
class CompletionImportResult:
    rows_read: int = 0
    created: int = 0
    already_recorded: int = 0  # before this import
    # Rows that repeat an earlier row's completion in the same file: counted as recorded before,
    # a tester's 600,000-row file of 3,000 completions said "597,000 already recorded".
    repeated_in_file: int = 0
    bad_rows: int = 0  # rows with at least one problem (a row can have several)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    imported: bool = False

    # What the upload's page shows, worded as for a roster from the same counts.
    row_errors = ImportResult.row_errors
    failure = ImportResult.failure
    leavers_to_confirm = 0  # a completions file makes nobody a leaver

    def summary(self, channel: Channel = ON_THE_PAGE) -> str:
        """What the import did, in a line; a refusal says how this `channel` (the page, the
        command, the API, as for a roster) imports the rows without problems."""
        if not self.imported:
            return nothing_imported(self.failure(channel))
        text = (
            f"{counted(self.rows_read, 'row')} read: {counted(self.created, 'completion')} "
            f"added, {self.already_recorded:,} already recorded"
        )
        if self.repeated_in_file:
            text += (
                f", {counted(self.repeated_in_file, 'row')} repeating a completion on an earlier "
                "row of the file"
            )
        if self.bad_rows:  # imported with skip_invalid
            text += f", {counted(self.bad_rows, 'row')} skipped because of problems"
        return text + "."

    def headline(self, channel: Channel = ON_THE_PAGE) -> str:
        """The upload page's panel: all a completions import says (it names nobody)."""
        return self.summary(channel)

    def as_dict(self) -> dict:
        return {
            "rows_read": self.rows_read,
            "created": self.created,
            "already_recorded": self.already_recorded,
            "repeated_in_file": self.repeated_in_file,
            "skipped": self.bad_rows if self.imported else 0,
            "imported": self.imported,
            "bad_rows": self.bad_rows,
            "errors": [{"row": e.row, "column": e.column, "reason": e.reason} for e in self.errors],
            "warnings": self.warnings,
        }

    @classmethod
    def from_dict(cls, data: dict) -> CompletionImportResult:
        """The result an upload's job stored (`as_dict`)."""
        fields = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        fields["errors"] = [RowError(**error) for error in data.get("errors", [])]
        return cls(**fields)


def completions_import(
    *,
    file: IO[bytes],
    organisations: set[str] | None = None,
    skip_invalid: bool = False,
    today: datetime.date | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    actor=None,
) -> CompletionImportResult:
    """Import completions (CSV: Employee Number, Organisation, Module, Completed On, Source).

    Unknown workers, organisations and modules are reported per row, never guessed. With
    `organisations`, rows for any other ODS code are refused (an admin imports their own).
    `on_progress(bytes done, bytes in all)` is called after each batch, inside the import's
    transaction, so it must not use the database (as for staff_import).
    """
    today = today or timezone.localdate()
    result = CompletionImportResult()
    try:
        encoding, warning = detect_encoding(file)
    except UnreadableFile as error:
        result.errors.append(RowError(0, "", str(error)))
        return result
    if warning:
        result.warnings.append(warning)
    start, total_bytes = csvfiles.file_extent(file)

    def progress() -> None:
        if on_progress:
            on_progress(csvfiles.bytes_read(file, start), total_bytes)

    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    last_row = 0  # the last row read (the header is row 1), to say where a file stops being CSV

    def counted_rows(reader):
        nonlocal last_row
        for cells in reader:
            last_row += 1
            yield cells

    try:
        reader = counted_rows(csvfiles.records(text))
        found = csvfiles.header_row(reader)
        if found is None:
            result.errors.append(RowError(0, "", "The file is empty"))
            return result
        header_number, header = found
        # As for a roster, and said also when the file is refused: "Completed" is named as a
        # column left out beside the missing "Completed On".
        if other_separator(header) is None and (
            unread := unread_columns(header, COMPLETION_TITLES)
        ):
            result.warnings.append(unread)
        positions = {}
        for index, title in enumerate(header):
            key = COMPLETION_COLUMNS.get(normalised_title(title))
            if key and key not in positions:
                positions[key] = index
        missing = [
            title
            for title in REQUIRED_COMPLETION_COLUMNS
            if COMPLETION_COLUMNS[title.casefold()] not in positions
        ]
        if missing:
            result.errors.append(RowError(0, "", missing_columns(missing, header)))
            return result
        with transaction.atomic():
            _import_completion_rows(
                reader,
                positions,
                organisations,
                today,
                result,
                header_number,
                progress,
                columns=len(header),
            )
            refused = result.errors and not skip_invalid
            if not refused and not result.created and not result.already_recorded:
                # Nothing to import is no success of "0 completions added".
                why = EVERY_ROW_BAD if result.rows_read else "The file has no completions in it"
                result.errors.append(RowError(0, "", why))
                refused = True
            if refused:
                transaction.set_rollback(True)
                result.created = result.already_recorded = 0
                return result
            result.imported = True
            audit_by(
                actor,
                action="training.completions_import",
                object_type="completions",
                object_ref="csv",
                # In that organisation's audit trail when the import was limited to it (an
                # upload on its page, an admin of one organisation).
                organisation=_only_organisation(organisations),
                detail={
                    "rows_read": result.rows_read,
                    "created": result.created,
                    "already_recorded": result.already_recorded,
                    "rows_refused": result.bad_rows,
                },
            )
    except csv.Error as error:
        result.errors.append(RowError(0, "", csvfiles.unreadable_row(last_row + 1, error)))
        result.imported = False
        result.created = result.already_recorded = 0
    finally:
        text.detach()
    return result


def _only_organisation(ods_codes: set[str] | None) -> Organisation | None:
    if not ods_codes or len(ods_codes) != 1:
        return None
    return Organisation.objects.filter(ods_code=next(iter(ods_codes))).first()


# Rows checked against the roster and written together: a few queries a batch, not three a row.
COMPLETION_BATCH = 2_000


@dataclass
class _CompletionRow:
    row: int
    organisation: Organisation | None
    number: str
    module: str | None
    completed_on: datetime.date | None
    source: str | None
    problems: list[tuple[str, str]]


def _import_completion_rows(
    reader, positions, allowed, today, result, header_number, progress, *, columns: int
) -> None:
    # The organisations this import may write to: those `allowed`, or every one (the command).
    everyone = Organisation.objects.all()
    importable = everyone if allowed is None else everyone.filter(ods_code__in=allowed)
    orgs = {o.ods_code: o for o in importable}
    known_codes = set(everyone.values_list("ods_code", flat=True))
    sources = {s.value: s for s in CompletionSource} | {"": CompletionSource.IMPORT}
    batch: list[_CompletionRow] = []
    # Completions with a higher id are this file's own (ids only grow; a clock may stand still).
    last_before = Completion.objects.aggregate(last=Max("pk"))["last"] or 0
    for row, cells in enumerate(reader, start=header_number + 1):
        if not any(cell.strip() for cell in cells):
            continue
        result.rows_read += 1
        if misfit := row_width_problem(len(cells), columns):
            # Its values cannot be told to be in their columns (as a roster's row).
            batch.append(_CompletionRow(row, None, "", None, None, None, [("", misfit)]))
        else:
            batch.append(_completion_row(row, cells, positions, orgs, known_codes, sources, today))
        if len(batch) == COMPLETION_BATCH:
            _write_completion_batch(batch, result, orgs, last_before)
            batch = []
            progress()
    _write_completion_batch(batch, result, orgs, last_before)


# What a Module cell speakup cannot map is told, with what it can (a tester's "Speak-Up").
NOT_A_MODULE = (
    "is not a module speakup knows: write speak_up, listen_up or follow_up, or the course title "
    "used in e-Learning for Healthcare or ESR"
)


def _completion_row(row, cells, positions, orgs, known_codes, sources, today) -> _CompletionRow:
    """A file's row read and checked, short of finding its worker on the roster."""

    def cell(key):
        index = positions.get(key)
        return cells[index].strip() if index is not None else ""

    # A required cell left empty is said to be empty, as in a roster, not named as an unknown.
    problems = [
        (title, EMPTY)
        for title in REQUIRED_COMPLETION_COLUMNS
        if not cell(COMPLETION_COLUMNS[title.casefold()])
    ]
    code = cell("organisation").upper()
    organisation = orgs.get(code)
    if organisation is None and code:
        if code in known_codes:
            why = f"“{code}” is not an organisation you can import for"
        else:
            why = f"“{code}” is not the ODS code of any organisation on speakup"
        problems.append(("Organisation", why))
    module = module_for_title(cell("module"))
    if module is None and cell("module"):
        problems.append(("Module", f"“{cell('module')}” {NOT_A_MODULE}"))
    completed_on = None
    if cell("completed_on"):
        completed_on, reason = check_date(cell("completed_on"), today)
        if reason:
            problems.append(("Completed On", reason))
    source = sources.get(cell("source").casefold().replace(" ", "_"))
    if source is None:
        problems.append(("Source", f"“{cell('source')}” should be import or xapi"))
    return _CompletionRow(
        row, organisation, cell("employee_number"), module, completed_on, source, problems
    )


# Other rosters named where a row's worker is on them rather than the one its Organisation names.
OTHER_ROSTERS_LISTED = 3


def _write_completion_batch(
    batch: list[_CompletionRow], result, orgs: dict[str, Organisation], last_before: int
) -> None:
    """Find the batch's workers on their rosters, report those missing with the rows' other
    problems (in row order), and record the completions not recorded before, in this file or
    earlier. A worker missing from the roster named but on another of the `orgs` the import may
    write to is said to be there: the row's Organisation is more likely wrong than its number."""
    numbers_by_org: dict[int, set[str]] = {}
    for line in batch:
        if line.organisation is not None:
            numbers_by_org.setdefault(line.organisation.pk, set()).add(line.number)
    on_roster = Q(pk__in=[])
    for organisation_id, numbers in numbers_by_org.items():
        on_roster |= Q(organisation_id=organisation_id, employee_number__in=numbers)
    records = {
        (record.organisation_id, record.employee_number): record
        for record in StaffRecord.objects.filter(on_roster)
    }
    elsewhere = _rosters_elsewhere(batch, records, orgs)
    # Each completion recorded, and whether this file recorded it (an earlier batch of it).
    recorded = {
        (record_id, module, day): pk > last_before
        for record_id, module, day, pk in Completion.objects.filter(
            staff_record__in=[record.pk for record in records.values()],
            completed_on__in={line.completed_on for line in batch if line.completed_on},
        ).values_list("staff_record_id", "module", "completed_on", "pk")
    }
    new = []
    for line in batch:
        record = None
        if line.organisation is not None and line.number:
            record = records.get((line.organisation.pk, line.number))
            if record is None:
                line.problems.append(_not_on_roster(line, elsewhere.get(line.number, [])))
        if line.problems:
            result.bad_rows += 1
            result.errors.extend(RowError(line.row, column, why) for column, why in line.problems)
            continue
        # The rule of _already_recorded, for the whole batch at once.
        key = (record.pk, line.module, line.completed_on)
        if key in recorded:
            if recorded[key]:
                result.repeated_in_file += 1
            else:
                result.already_recorded += 1
            continue
        recorded[key] = True
        new.append(
            Completion(
                organisation=line.organisation,
                staff_record=record,
                user_id=record.user_id,
                module=line.module,
                completed_on=line.completed_on,
                source=line.source,
            )
        )
    Completion.objects.bulk_create(new)
    result.created += len(new)


def _rosters_elsewhere(
    batch: list[_CompletionRow], records: dict, orgs: dict[str, Organisation]
) -> dict[str, list[str]]:
    """The ODS codes of the `orgs` on whose rosters each employee number of the batch is that
    is not on the roster its row names: one query, only when some are not."""
    missing = {
        line.number
        for line in batch
        if line.organisation is not None
        and line.number
        and (line.organisation.pk, line.number) not in records
    }
    if not missing:
        return {}
    codes = {organisation.pk: code for code, organisation in orgs.items()}
    found: dict[str, list[str]] = {}
    for number, organisation_id in (
        StaffRecord.objects.filter(employee_number__in=missing, organisation_id__in=codes)
        .order_by("organisation__ods_code")
        .values_list("employee_number", "organisation_id")
    ):
        found.setdefault(number, []).append(codes[organisation_id])
    return found


def _not_on_roster(line: _CompletionRow, others: list[str]) -> tuple[str, str]:
    """(column, reason) for a row whose worker is not on the roster its Organisation names: the
    Organisation when they are on `others` (rosters the import may write to), else the number."""
    named = line.organisation.ods_code
    if not others:
        return "Employee Number", f"“{line.number}” is not on the roster of {named}"
    shown = others[:OTHER_ROSTERS_LISTED]
    if len(others) > len(shown):
        shown.append(f"{len(others) - len(shown):,} more")
    rosters = "the roster" if len(others) == 1 else "the rosters"
    return "Organisation", f"“{line.number}” is on {rosters} of {listed(shown)}, not {named}"


def _already_recorded(record: StaffRecord, module: str, completed_on: datetime.date) -> bool:
    """Completions from outside (CSV or xAPI) count once a worker, module and day."""
    return Completion.objects.filter(
        staff_record=record, module=module, completed_on=completed_on
    ).exists()


# --- xAPI statements --------------------------------------------------------------------

XAPI_VERSION = "1.0.3"
XAPI_VERBS = {
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
}
# Activity IRIs mapped to modules; extend with the TRAINING_XAPI_ACTIVITIES setting.
DEFAULT_XAPI_ACTIVITIES = {
    "https://speakup.nhs.example/xapi/activities/speak_up": Module.SPEAK_UP,
    "https://speakup.nhs.example/xapi/activities/listen_up": Module.LISTEN_UP,
    "https://speakup.nhs.example/xapi/activities/follow_up": Module.FOLLOW_UP,
}
XAPI_TIMESTAMP = "The timestamp must be an ISO 8601 date and time, such as 2025-05-20T10:00:00Z"


XAPI_VOIDED = "http://adlnet.gov/expapi/verbs/voided"
XAPI_VERB_SHAPE = (
    'The verb must be an object with an id, such as {"id": '
    '"http://adlnet.gov/expapi/verbs/completed"} (or .../passed)'
)


@dataclass
class XapiResult:
    stored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    voided: list[str] = field(default_factory=list)  # ids of the statements voided
    errors: list[dict] = field(default_factory=list)


class XapiRefused(Exception):
    """A statement that is not recorded, and why (in words for the sender)."""


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _xapi_worker(actor, organisation_ids: set[int]) -> StaffRecord:
    """The one worker the actor names by mbox (email) or account (employee number): an active
    worker if any matches, else a leaver, whose completion is kept as the CSV import keeps it."""
    actor = actor if isinstance(actor, dict) else {}
    mbox = _text(actor.get("mbox"))
    account = actor.get("account") if isinstance(actor.get("account"), dict) else {}
    if mbox and mbox.lower().startswith("mailto:"):
        email = mbox[len("mailto:") :].strip().lower()
        ways = [Q(email=email), Q(user__email__iexact=email)]  # the roster's email first
    elif number := _text(account.get("name")):
        ways = [Q(employee_number=number)]
    else:
        raise XapiRefused(
            "Name the actor by mbox (mailto: and their email) or by account (name: their "
            "employee number)"
        )
    records = StaffRecord.objects.filter(organisation_id__in=organisation_ids).select_related(
        "organisation"
    )
    # Active workers first: a leaver's old record may share an email with someone working here
    # now (the same person come back under a new number, or an address passed on).
    for active in (True, False):
        for way in ways:
            if found := list(records.filter(way, active=active)[:10]):
                return _one_worker(found)
    raise XapiRefused("The actor is not on the roster of an organisation you can record for")


def _one_worker(found: list[StaffRecord]) -> StaffRecord:
    """The worker all of `found` are; XapiRefused when they are more than one person."""
    people = {record.user_id or f"record {record.pk}" for record in found}
    if len(people) > 1:  # two people, or one person's records not linked: never guessed
        which = ", ".join(f"{r.organisation.ods_code} {r.employee_number}" for r in found)
        raise XapiRefused(
            f"The actor matches more than one worker on your rosters ({which}), so none is "
            "guessed: name them by account (their employee number)"
        )
    return found[0]


def _xapi_completion(statement, activities: dict, organisation_ids: set[int], today):
    """(worker, module, day) of a statement that counts; raises XapiRefused if it does not."""
    verb_id = _verb_id(statement)
    if verb_id is None and statement.get("verb") is not None:  # "completed", or {} with no id
        raise XapiRefused(XAPI_VERB_SHAPE)
    if verb_id is None:
        raise XapiRefused("The statement has no verb: send completed or passed")
    if verb_id not in XAPI_VERBS:
        raise XapiRefused(f"The verb “{verb_id[:200]}” is not counted: send completed or passed")
    outcome = statement.get("result", {})
    success = outcome.get("success") if isinstance(outcome, dict) else None
    if not isinstance(outcome, dict) or success not in (None, True, False):
        raise XapiRefused("The result must be an object whose success is true or false")
    if success is False:
        raise XapiRefused("The result says the learner did not succeed")
    target = statement.get("object")
    activity = _text(target.get("id")) if isinstance(target, dict) else None
    if activity is None:
        raise XapiRefused("The statement has no activity (object.id)")
    module = activities.get(activity)
    if module is None:
        raise XapiRefused(f"The activity “{activity[:200]}” is not mapped to a module")
    record = _xapi_worker(statement.get("actor"), organisation_ids)
    completed_on = today
    if "timestamp" in statement:
        try:
            moment = datetime.datetime.fromisoformat(statement["timestamp"].replace("Z", "+00:00"))
        except (AttributeError, ValueError):  # not text, or not a date and time
            raise XapiRefused(XAPI_TIMESTAMP) from None
        # The day it was in England, as every other date in speakup.
        try:
            completed_on = timezone.localdate(moment) if moment.tzinfo else moment.date()
        except OverflowError:  # in year 1 or 9999, where England's day is past the calendar
            completed_on = moment.date()
    if too_long_ago(completed_on):
        raise XapiRefused(f"The timestamp's day, {day_in_words(completed_on)}, {TOO_LONG_AGO}")
    if completed_on > today:
        raise XapiRefused("The timestamp is in the future")
    return record, module, completed_on


@transaction.atomic
def xapi_statements_record(
    *,
    statements: list,
    organisation_ids: set[int],
    today: datetime.date | None = None,
    actor=None,
) -> XapiResult:
    """Record xAPI 1.0.3 "completed"/"passed" statements as completions, one by one.

    A statement id seen before, or a completion already recorded (same worker, module and day),
    is a duplicate; unknown workers or activities are reported, never guessed; other verbs are
    reported as not counted. A statement without an id is given one, as an LRS does.
    """
    today = today or timezone.localdate()
    activities = {**DEFAULT_XAPI_ACTIVITIES, **settings.TRAINING_XAPI_ACTIVITIES}
    result = XapiResult()
    for index, statement in enumerate(statements):
        try:
            if not isinstance(statement, dict):
                raise XapiRefused("A statement must be a JSON object")
            try:
                statement_id = uuid.UUID(statement["id"]) if "id" in statement else uuid.uuid4()
            except (TypeError, ValueError, AttributeError):
                raise XapiRefused("The statement's id must be a UUID") from None
            if _statement_seen(statement_id):
                result.duplicates.append(str(statement_id))
                continue
            if _verb_id(statement) == XAPI_VOIDED:
                result.voided.append(_xapi_void(statement, statement_id, organisation_ids))
                continue
            record, module, completed_on = _xapi_completion(
                statement, activities, organisation_ids, today
            )
        except XapiRefused as refused:
            result.errors.append({"statement": index, "reason": str(refused)})
            continue
        # As the CSV import: one completion a worker, module and day, whatever the statement id.
        if _already_recorded(record, module, completed_on):
            result.duplicates.append(str(statement_id))
            continue
        Completion.objects.create(
            organisation_id=record.organisation_id,
            staff_record=record,
            user_id=record.user_id,
            module=module,
            completed_on=completed_on,
            source=CompletionSource.XAPI,
            statement_id=statement_id,
        )
        result.stored.append(str(statement_id))
    if result.stored or result.voided:
        audit_by(
            actor,
            action="training.xapi_statements",
            object_type="completions",
            object_ref="xapi",
            detail={
                "statements": result.stored,
                "duplicates": len(result.duplicates),
                **({"voided": result.voided} if result.voided else {}),
            },
        )
    return result


def _verb_id(statement: dict) -> str | None:
    verb = statement.get("verb")
    return _text(verb.get("id")) if isinstance(verb, dict) else None


def _statement_seen(statement_id: uuid.UUID) -> bool:
    """Whether a statement with this id came before: one that recorded a completion, a voiding
    statement, or one since voided (xAPI: a statement id is never used for another)."""
    return (
        Completion.objects.filter(statement_id=statement_id).exists()
        or XapiVoiding.objects.filter(
            Q(statement_id=statement_id) | Q(voided_statement_id=statement_id)
        ).exists()
    )


def _xapi_void(statement: dict, statement_id: uuid.UUID, organisation_ids: set[int]) -> str:
    """Void the completion an earlier statement recorded (xAPI's "voided" verb, its object a
    StatementRef): it no longer counts. The id of the statement voided; XapiRefused when the
    statement does not void one recorded here for an organisation the sender may record for."""
    target = statement.get("object")
    if not isinstance(target, dict) or target.get("objectType") != "StatementRef":
        raise XapiRefused("A voiding statement's object must be a StatementRef to the statement")
    try:
        voided_id = uuid.UUID(target.get("id"))
    except (TypeError, ValueError, AttributeError):
        raise XapiRefused("The StatementRef's id must be a UUID") from None
    completion = Completion.objects.filter(
        statement_id=voided_id, organisation_id__in=organisation_ids
    ).first()
    if completion is None:
        earlier = XapiVoiding.objects.filter(
            voided_statement_id=voided_id, organisation_id__in=organisation_ids
        ).first()
        if earlier is not None:
            raise XapiRefused(
                f"Statement {voided_id} was voided already, by statement {earlier.statement_id}: "
                "its completion no longer counts"
            )
        raise XapiRefused(f"No completion recorded here came from statement {voided_id}")
    XapiVoiding.objects.create(
        statement_id=statement_id,
        voided_statement_id=voided_id,
        organisation_id=completion.organisation_id,
    )
    completion.delete()
    return str(voided_id)
