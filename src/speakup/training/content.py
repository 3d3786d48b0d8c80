"""The three modules, read from the YAML files in `content/` that organisations can review.

The files are checked when read: a course with a missing lesson, fewer than six questions or an
answer that is not one of its options is refused with a message naming the file and the place.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markupsafe import Markup

from speakup.core.words import listed

CONTENT_DIR = Path(__file__).parent / "content"
MODULE_ORDER = ["speak_up", "listen_up", "follow_up"]
# What must be completed before a module is started (domain.md, "The three modules").
PREREQUISITES = {"speak_up": [], "listen_up": ["speak_up"], "follow_up": ["speak_up", "listen_up"]}
MIN_QUESTIONS = 6

_markdown = MarkdownIt("commonmark", {"html": False})


class ContentError(ValueError):
    pass


@dataclass(frozen=True)
class Screen:
    title: str
    body: str

    @property
    def html(self) -> Markup:
        return Markup(_markdown.render(self.body))  # noqa: S704  (raw HTML is turned off)


@dataclass(frozen=True)
class Lesson:
    title: str
    screens: tuple[Screen, ...]


@dataclass(frozen=True)
class Question:
    text: str
    options: tuple[str, ...]
    correct: str
    explanation: str


@dataclass(frozen=True)
class Course:
    module: str
    title: str
    version: int
    minimum_version: int
    # The day from which workers who passed a version below `minimum_version` must take the
    # module again: they have the new starters' days from it (None: no version is replaced).
    retake_from: datetime.date | None
    minutes: int
    audience: str
    summary: str
    pass_mark: int
    lessons: tuple[Lesson, ...]
    questions: tuple[Question, ...]

    @property
    def screens(self) -> list[tuple[Lesson, Screen]]:
        """Every screen in order, with its lesson: screen numbers count from 1 in URLs."""
        return [(lesson, screen) for lesson in self.lessons for screen in lesson.screens]

    @property
    def screen_count(self) -> int:
        return sum(len(lesson.screens) for lesson in self.lessons)

    @property
    def check_screen(self) -> int:
        """The place a worker's progress records once they have gone on to the knowledge check,
        so that they come back to it (one past the last screen)."""
        return self.screen_count + 1


def _need(data: dict, key: str, kind, where: str):
    value = data.get(key)
    if not isinstance(value, kind) or (isinstance(value, str | list) and not value):
        raise ContentError(f"{where}: “{key}” is missing or not a {kind.__name__}")
    return value


def _retake_from(data: dict, minimum_version: int, where: str) -> datetime.date | None:
    """The day a version that must be retaken is retaken from: required with a minimum_version
    above 1, since without it everyone who passed before would be late the day it shipped."""
    day = data.get("retake_from")
    if minimum_version == 1:
        if day is not None:
            raise ContentError(
                f"{where}: retake_from is only for a version that must be retaken "
                "(a minimum_version above 1)"
            )
        return None
    if not isinstance(day, datetime.date) or isinstance(day, datetime.datetime):
        raise ContentError(
            f"{where}: retake_from is missing or not a date: give the day from which workers "
            f"who passed a version below {minimum_version} must take this one, as 2026-12-01"
        )
    return day


def parse_course(data, where: str) -> Course:
    if not isinstance(data, dict):
        raise ContentError(f"{where}: the file must hold one course")
    module = _need(data, "module", str, where)
    if module not in MODULE_ORDER:
        raise ContentError(f"{where}: module must be one of {', '.join(MODULE_ORDER)}")
    version = _need(data, "version", int, where)
    minimum_version = data.get("minimum_version", version)
    if not isinstance(minimum_version, int) or not 1 <= minimum_version <= version:
        raise ContentError(f"{where}: minimum_version must be between 1 and the version")
    retake_from = _retake_from(data, minimum_version, where)
    pass_mark = data.get("pass_mark", 80)
    if not isinstance(pass_mark, int) or not 1 <= pass_mark <= 100:
        raise ContentError(f"{where}: pass_mark must be a percentage")
    lessons = []
    for number, lesson in enumerate(_need(data, "lessons", list, where), start=1):
        at = f"{where}, lesson {number}"
        if not isinstance(lesson, dict):
            raise ContentError(f"{at}: a lesson needs a title and screens")
        screens = []
        for screen_number, screen in enumerate(_need(lesson, "screens", list, at), start=1):
            screen_at = f"{at}, screen {screen_number}"
            if not isinstance(screen, dict):
                raise ContentError(f"{screen_at}: a screen needs a title and a body")
            title = _need(screen, "title", str, screen_at)
            screens.append(Screen(title, _need(screen, "body", str, screen_at)))
        lessons.append(Lesson(_need(lesson, "title", str, at), tuple(screens)))
    questions = []
    for number, question in enumerate(_need(data, "questions", list, where), start=1):
        at = f"{where}, question {number}"
        if not isinstance(question, dict):
            raise ContentError(f"{at}: a question needs text, options and the correct answer")
        options = tuple(str(option) for option in _need(question, "options", list, at))
        if len(options) < 2 or len(set(options)) != len(options):
            raise ContentError(f"{at}: give at least two different options")
        correct = _need(question, "correct", str, at)
        if correct not in options:
            raise ContentError(f"{at}: the correct answer is not one of the options")
        questions.append(
            Question(
                _need(question, "question", str, at),
                options,
                correct,
                str(question.get("explanation", "")),
            )
        )
    if len(questions) < MIN_QUESTIONS:
        raise ContentError(f"{where}: a knowledge check needs at least {MIN_QUESTIONS} questions")
    return Course(
        module=module,
        title=_need(data, "title", str, where),
        version=version,
        minimum_version=minimum_version,
        retake_from=retake_from,
        minutes=int(data.get("minutes", 30)),
        audience=_need(data, "audience", str, where),
        summary=_need(data, "summary", str, where),
        pass_mark=pass_mark,
        lessons=tuple(lessons),
        questions=tuple(questions),
    )


def load_course(path: Path) -> Course:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ContentError(f"{path.name}: not valid YAML ({error})") from error
    return parse_course(data, path.name)


@cache
def courses() -> dict[str, Course]:
    """The three courses, by module key, in the order they are taken."""
    loaded = {}
    for module in MODULE_ORDER:
        course = load_course(CONTENT_DIR / f"{module}.yaml")
        if course.module != module:
            raise ContentError(f"{module}.yaml holds the course for {course.module}")
        loaded[module] = course
    return loaded


def course(module: str) -> Course:
    return courses()[module]


def superseded_versions(module: str) -> tuple[str, ...]:
    """The versions of `module` that no longer count: every version below `minimum_version`.

    The one definition of "current" for both Python and SQL (``version NOT IN (...)``).
    Completions store the version as written by speakup (``str(int)``); imported ones have none.
    """
    return tuple(str(number) for number in range(course(module).minimum_version))


def is_current_version(module: str, version: str) -> bool:
    """Whether a completion of `version` still counts (an imported one, with no version, does)."""
    return version not in superseded_versions(module)


def retake_from(module: str) -> datetime.date | None:
    """The day from which a pass of a replaced version (`superseded_versions`) must be retaken:
    its workers are due by this day plus the due days (`queries.module_status`)."""
    return course(module).retake_from


def counting_versions(module: str) -> tuple[str, ...]:
    """The versions of `module` that still count, newest (the current one) first."""
    newest = course(module).version
    return tuple(
        str(number) for number in range(newest, 0, -1) if is_current_version(module, str(number))
    )


# --- the order of the modules ------------------------------------------------------------


def modules_to_take_first(
    module: str, completions: Mapping[str, Sequence[tuple[datetime.date, str]]]
) -> list[str]:
    """The modules a worker must have passed before starting `module`, and has not, in the
    order they are taken. `completions` are the worker's (completed_on, version) per module.

    The one order rule (Listen Up needs Speak Up; Follow Up needs Speak Up and Listen Up) for
    the module page, starting a module, its knowledge check, the team page and the reminders.
    A pass is a pass, however old and of whatever version: an earlier module whose refresher
    has run out, or whose version must be retaken, is due on its own and bars nothing.
    """
    return [earlier for earlier in PREREQUISITES[module] if not completions.get(earlier)]


def take_first_sentence(module: str, first: Iterable[str]) -> str:
    """The rule's answer as every page and email says it: "Complete Speak Up and Listen Up
    before starting Follow Up"."""
    return (
        f"Complete {listed([course(earlier).title for earlier in first])} "
        f"before starting {course(module).title}"
    )
