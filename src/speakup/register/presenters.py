"""Display values for the register's pages: dates, status and duty tags, so templates stay dumb."""

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from speakup.core.dates import day_in_words
from speakup.register.duties import State
from speakup.register.models import CodeOfPractice, FtsuRole, Outcome, Status
from speakup.register.queries import Timing, appointments_by_timing, effective_status

STATUS_COLOURS = {
    Status.REGISTERED: "nhsuk-tag--green",
    Status.CONDITIONS: "nhsuk-tag--yellow",
    Status.SUSPENDED: "nhsuk-tag--orange",
    Status.REMOVED: "nhsuk-tag--red",
}
STATE_COLOURS = {
    State.COMPLIANT: "nhsuk-tag--green",
    State.DUE: "nhsuk-tag--yellow",
    State.OVERDUE: "nhsuk-tag--red",
    State.NOT_KNOWN: "nhsuk-tag--grey",
}


def status_tag(director) -> dict:
    status = effective_status(director)
    text = status.label
    if status == Status.SUSPENDED and director.status_until:
        text = f"Suspended until {day_in_words(director.status_until)}"
    return {"text": text, "classes": STATUS_COLOURS[status]}


def state_tag(duty_status) -> dict:
    return {
        "text": str(duty_status.state).capitalize(),
        "classes": STATE_COLOURS[duty_status.state],
    }


def ftsu_role(value: str) -> str:
    return "" if value == FtsuRole.NONE else FtsuRole(value).label


def kind(appointment) -> str:
    return "Executive" if appointment.executive else "Non-executive"


def outcome(value: str) -> str:
    return Outcome(value).label


# A numbered point: "3. Text". A number of more than nine digits is a slip, shown as written.
POINT = re.compile(r"^([0-9]{1,9})\.\s+(.*)$")


def code_html(body: str) -> Markup:
    """The code of practice's small Markdown subset: ## headings, numbered points, paragraphs."""
    html: list[str] = []
    in_list = False
    for line in body.splitlines():
        text = line.strip()
        point = POINT.match(text)
        if in_list and not point:
            html.append("</ol>")
            in_list = False
        if not text:
            continue
        if text.startswith("## "):
            html.append(f"<h2>{escape(text[3:])}</h2>")
        elif point:
            if not in_list:
                html.append(f'<ol start="{int(point.group(1))}">')
                in_list = True
            html.append(f"<li>{escape(point.group(2))}</li>")
        else:
            html.append(f"<p>{escape(text)}</p>")
    if in_list:
        html.append("</ol>")
    return Markup("\n".join(html))  # noqa: S704  (every piece of text was escaped above)


@dataclass(frozen=True)
class CodeLine:
    """One line of a comparison of two versions of the code: "added", "removed" or
    "unchanged"."""

    change: str
    text: str


def code_changes(before: str, after: str, *, around: int = 1) -> list[list[CodeLine]]:
    """What changed from the text `before` to `after`, compared line by line as the page shows
    them (each line a heading, a numbered point or a paragraph; blank lines show as nothing).
    One group per change, with `around` unchanged lines either side to say where it is."""
    old, new = _shown_lines(before), _shown_lines(after)
    if old == new:
        return []
    # autojunk would skip lines common in a long text, such as a repeated "## Duties".
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    groups = []
    for opcodes in matcher.get_grouped_opcodes(around):
        lines = []
        for tag, old_from, old_to, new_from, new_to in opcodes:
            if tag == "equal":
                lines += [CodeLine("unchanged", text) for text in old[old_from:old_to]]
                continue
            # A changed line reads as the old one removed, then the new one added.
            lines += [CodeLine("removed", text) for text in old[old_from:old_to]]
            lines += [CodeLine("added", text) for text in new[new_from:new_to]]
        groups.append(lines)
    return groups


def code_change_size(before: str, after: str) -> str:
    """How much `after` changed from `before`, as the comparison on the publish page counts it:
    "3 lines added, 1 removed"."""
    changed = [line.change for group in code_changes(before, after) for line in group]
    added, removed = changed.count("added"), changed.count("removed")
    if added and removed:
        return f"{_lines(added)} added, {removed} removed"
    if added or removed:
        return f"{_lines(added or removed)} {'added' if added else 'removed'}"
    # A version whose only change was spacing that the page shows as nothing.
    return "No lines added or removed"


def _lines(count: int) -> str:
    return f"{count} line" if count == 1 else f"{count} lines"


@dataclass(frozen=True)
class ListedVersion:
    """A row of the list of versions: the version, and how much it changed the one before."""

    code: CodeOfPractice
    change: str


def code_versions_listed(versions) -> list[ListedVersion]:
    """Each version, newest first, with its change from the version published before it, so
    that two versions with the same title and day can be told apart."""
    versions = list(versions)
    earlier = [*versions[1:], None] if versions else []  # the first version has none
    return [
        ListedVersion(code, code_change_size(before.body, code.body) if before else "First version")
        for code, before in zip(versions, earlier, strict=True)
    ]


def _shown_lines(body: str) -> list[str]:
    return [line.strip() for line in body.splitlines() if line.strip()]


def typed(text: str) -> Markup:
    """What a person wrote (grounds, a response, reasons, conditions), with its line breaks:
    numbered points and paragraphs stay as written. Each line is escaped."""
    return Markup("<br>").join(escape(line) for line in (text or "").splitlines())


def condition_review(condition, today) -> str:
    """When a condition in force is reviewed, in the public's words. It stays in force until an
    officer reviews it, so once its review date has passed it is "due for review since" then."""
    if condition.review_date < today:
        return f"due for review since {day_in_words(condition.review_date)}"
    return f"to be reviewed on {day_in_words(condition.review_date)}"


def appeal_of(decision):
    return getattr(decision, "appeal", None)


def decision_of(case):
    return getattr(case, "decision", None)


def roles_in_brief(director, today) -> str:
    """A search result's line: the current roles, then the upcoming ones with their start."""
    grouped = appointments_by_timing(director.appointments.all(), today)
    roles = [f"{a.role_title}, {a.organisation.name}" for a in grouped[Timing.CURRENT]]
    roles += [
        f"{a.role_title}, {a.organisation.name} (starts {day_in_words(a.start_date)})"
        for a in grouped[Timing.UPCOMING]
    ]
    return "; ".join(roles)
