"""The directors' yearly duties: fit and proper person checks recorded by the chair, the code
of practice published by the officer, and each director's attestation against it."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from speakup.core.text import one_line_ending, trimmed
from speakup.organisations.models import Organisation
from speakup.register import queries
from speakup.register.models import (
    Attestation,
    CodeOfPractice,
    Director,
    FpptCheck,
    FpptOutcome,
)
from speakup.register.rules import is_own_entry
from speakup.register.services.common import RegisterRefusal, audit_change

# The six Leadership Competency Framework domains (domain.md), in the framework's order.
LCF_DOMAINS = {
    "outcomes": "Driving high-quality, sustainable outcomes",
    "strategy": "Setting strategy and delivering long-term transformation",
    "equality": "Promoting equality and inclusion, and reducing health and workforce inequalities",
    "governance": "Providing robust governance and assurance",
    "culture": "Creating a compassionate, just and positive culture",
    "relationships": "Building trusted relationships with partners and communities",
}


LCF_RATINGS = {
    "strong": "I meet this well",
    "developing": "I am developing in this",
    "needs_support": "I need support with this",
}


@transaction.atomic
def fppt_record(
    *,
    actor,
    director: Director,
    organisation: Organisation,
    year: int,
    references_6_years: bool,
    qualifications: bool,
    disqualified_director_check: bool,
    right_to_work: bool,
    chair_signed_off: bool,
    outcome: str,
    recorded_on: date,
) -> FpptCheck:
    if not director.appointments.filter(organisation=organisation).exists():
        raise RegisterRefusal(f"{director.name} has no appointment at {organisation.name}.")
    if is_own_entry(actor, director):
        raise RegisterRefusal(
            "You cannot record your own fit and proper person checks: the company secretary or "
            "another director records them."
        )
    if recorded_on > timezone.localdate():
        # Named by field, so that the page shows it beside the date and links to it.
        raise RegisterRefusal({"recorded_on": "The date of the outcome cannot be in the future."})
    if outcome not in FpptOutcome.values:
        raise RegisterRefusal("Choose the outcome: fit, not fit or in progress.")
    all_done = all(
        [
            references_6_years,
            qualifications,
            disqualified_director_check,
            right_to_work,
            chair_signed_off,
        ]
    )
    if outcome == FpptOutcome.FIT and not all_done:
        raise RegisterRefusal(
            "A director can only be recorded as fit when every check is done and the chair has "
            "signed off. Record the outcome as in progress until then."
        )
    check = FpptCheck.objects.create(
        director=director,
        organisation=organisation,
        year=year,
        references_6_years=references_6_years,
        qualifications=qualifications,
        disqualified_director_check=disqualified_director_check,
        right_to_work=right_to_work,
        chair_signed_off=chair_signed_off,
        outcome=outcome,
        recorded_on=recorded_on,
        recorded_by=actor,
    )
    audit_change(
        actor=actor,
        action="register.fppt_record",
        object_type="director",
        object_ref=director.register_number,
        organisation=organisation,
        detail={"year": year, "outcome": outcome},
    )
    return check


def _reads_as(markdown: str) -> list[str]:
    """The code's text as a reader sees it: Markdown shows spaces at a line's end, and several
    blank lines between paragraphs, as nothing, so neither makes a version of its own."""
    lines = [line.rstrip() for line in one_line_ending(trimmed(markdown)).split("\n")]
    return [line for number, line in enumerate(lines) if line or lines[number - 1]]


def _latest_version() -> int:
    return CodeOfPractice.objects.aggregate(v=Max("version"))["v"] or 0


def _read_again(latest: int) -> str:
    if not latest:
        return "Publish again if your text is still needed."
    return (
        f"Read version {latest} of the code of practice, then publish again if your text is "
        "still needed."
    )


def code_start_unknown(latest: int) -> str:
    """For a form that does not say which version it was written from (missing or changed)."""
    return (
        f"This form did not say which version of the code you started from. {_read_again(latest)}"
    )


class CodeNotLatest(RegisterRefusal):
    """The officer's text was written from a version that is no longer the latest: `latest` is
    the one to read, and to give as `based_on` when publishing again. `started_from` is the
    version they wrote from, or None when the form gave one never published."""

    def __init__(self, *, latest: int, based_on: int):
        self.latest = latest
        self.started_from = based_on if based_on <= latest else None
        if self.started_from is None:
            super().__init__(code_start_unknown(latest))
        else:
            # Publishing again replaces the other officer's text with this one: say so, as a
            # tester's second Publish dropped the section the other officer had added.
            super().__init__(
                f"{_published_while_editing(self.started_from, latest)} while you were "
                f"editing. Your text is kept, but publishing it will replace the text of "
                f"version {latest}. Add their changes to your text first if they are still "
                "needed."
            )


def _published_while_editing(started_from: int, latest: int) -> str:
    """Who published what since the officer's version: each version in between was a change
    to the code that their text leaves out, not the latest alone."""
    if latest - started_from == 1:
        return f"Another register officer published version {latest}"
    joined = "and" if latest - started_from == 2 else "to"
    return f"Versions {started_from + 1} {joined} {latest} were published"


@transaction.atomic
def code_publish(*, actor, title: str, body: str, based_on: int) -> CodeOfPractice:
    """Publish the next version. Its text must differ from the current version's: every director
    in England has to attest to a new version, and the form comes filled in with the current one.
    A new title alone is refused too, as directors attest to the text. `based_on` is the latest
    version when the officer started (0 before version 1): a text written before another
    officer published is refused, or it would replace their version unread."""
    title, body = trimmed(title or ""), one_line_ending(trimmed(body or ""))
    if not title or not body:
        raise RegisterRefusal("Enter the title and the text of the code of practice.")
    current = queries.current_code()
    if current and _reads_as(body) == _reads_as(current.body):
        raise RegisterRefusal(
            {
                "body": f"This is the same as version {current.version}. "
                "Change the text to publish a new version"
            }
        )
    latest = _latest_version()
    if based_on != latest:
        raise CodeNotLatest(latest=latest, based_on=based_on)
    version = latest + 1
    try:
        # Two officers publishing at once both read the same latest version; the unique version
        # refuses the second. Catching that is what works on SQLite and PostgreSQL alike: SQLite
        # has no row locks, Django drops FOR UPDATE from an aggregate, there is no row to lock
        # before version 1, and a lock on the latest row would give the second officer the same
        # number once the first had committed. The savepoint keeps PostgreSQL's transaction
        # usable after the refusal, and the outer transaction still undoes it all if the audit
        # fails.
        with transaction.atomic():
            code = CodeOfPractice.objects.create(
                version=version, title=title, body=body, published_by=actor
            )
    except IntegrityError:
        if not CodeOfPractice.objects.filter(version=version).exists():
            raise  # not the race: a fault to see, not a message for the officer
        raise CodeNotLatest(latest=version, based_on=based_on) from None
    audit_change(
        actor=actor,
        action="register.code_publish",
        object_type="code_of_practice",
        object_ref=str(code.version),
    )
    return code


@transaction.atomic
def attestation_submit(
    *, actor, director: Director, code: CodeOfPractice, self_assessment: dict
) -> Attestation:
    latest = queries.current_code()
    if latest is None or code.pk != latest.pk:
        raise RegisterRefusal(
            f"Version {code.version} of the code of practice is no longer current. "
            f"Read version {latest.version if latest else '?'} and attest to it."
        )
    answers = {}
    for key in LCF_DOMAINS:
        answer = self_assessment.get(key) or {}
        if answer.get("rating") not in LCF_RATINGS:
            raise RegisterRefusal(f"Rate yourself against “{LCF_DOMAINS[key]}”.")
        answers[key] = {"rating": answer["rating"], "note": trimmed(answer.get("note") or "")}
    attestation = Attestation.objects.create(director=director, code=code, self_assessment=answers)
    audit_change(
        actor=actor,
        action="register.attestation_submit",
        object_type="director",
        object_ref=director.register_number,
        detail={"code_version": code.version},
    )
    return attestation
