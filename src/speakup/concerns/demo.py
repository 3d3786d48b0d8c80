"""Fictional concerns for trying every journey: a handful per demo organisation, in every state.

Made through the same services as real concerns, so everything is sealed as usual. Each demo
organisation's anonymous concern has a known receipt code, so that "Check on a concern" can be
tried at once: DEMO_RECEIPT_CODES (demo data only; real codes are random and shown once).
Safe to run again: an organisation that already has concerns is left alone.

Behind those sit HISTORY_CASES closed cases per organisation received over the past twenty
months, so that board reports, the national view and data returns show real figures, not only
"fewer than 5", on first run. They too go through the services, each step run as if on its own
day (`organisations.demo.as_if_on`), so every date in them is one the service itself would
have written.
"""

import random
from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from speakup.concerns.models import Action, Concern, Source, SpeakUpAgain
from speakup.concerns.receipts import format_receipt_code, receipt_hash
from speakup.concerns.services import handling
from speakup.concerns.services.intake import concern_submit
from speakup.concerns.services.speaker import checkin_answer, speaker_feedback, speaker_reply
from speakup.concerns.taxonomy import elements_for, worker_groups_for
from speakup.organisations.demo import DEMO_DOMAIN, as_if_on, demo_guardian, demo_person
from speakup.organisations.models import Organisation

DEMO_RECEIPT_CODES = {
    "DEMO1": "1111222233334444",
    "DEMO2": "2222333344445555",
    "DEMO3": "3333444455556666",
}

NARRATIVES = {
    "received": "On the night shift the medicines fridge on the ward has been warm for a week. "
    "I reported it to the nurse in charge but nothing has changed.",
    "acknowledged": "A senior colleague shouts at junior staff during handover, in front of "
    "patients. Several of us have stopped asking questions because of it.",
    "in_progress": "The rota regularly leaves one registered nurse for 28 patients at "
    "weekends. Breaks are missed and observations are late.",
    "feedback_given": "Agency staff are not given a login to the records system, so they "
    "share other people's logins to do their work.",
    "closed": "The fire door at the end of the corridor is wedged open every day so that "
    "trolleys can get through.",
    "anonymous": "Some patients on the ward are not being turned as often as their care "
    "plans say, because there are not enough staff on the late shift.",
    "overdue": "The hoist on the ward has been out of order for two weeks and staff are "
    "lifting patients by hand.",
}


def _contact(index: int, code: str) -> dict:
    names = ["Alex Demo", "Sam Example", "Jo Sample", "Robin Fictional", "Kim Placeholder"]
    name = names[index % len(names)]
    return {"name": name, "email": f"speaker{index}@{code.lower()}.{DEMO_DOMAIN}"}


def _submit(organisation, kind: str, index: int, **fields) -> Concern:
    confidentiality = fields.pop("confidentiality", "confidential")
    contact = None if confidentiality == "anonymous" else _contact(index, organisation.ods_code)
    return concern_submit(
        organisation=organisation,
        confidentiality=confidentiality,
        description=NARRATIVES[kind],
        contact=contact,
        **fields,
    ).concern


def _load_for(organisation: Organisation) -> None:
    code = organisation.ods_code
    guardian = demo_guardian(code)
    manager = demo_person("line-manager1", code) or demo_person("line-manager", code)
    lead = demo_person("executive-lead", code)
    if guardian is None or manager is None or lead is None:
        return  # the demo people of this organisation are not there

    _submit(organisation, "received", 1, worker_group="nursing_midwifery", patient_safety_risk=True)

    acknowledged = _submit(organisation, "acknowledged", 2, confidentiality="open")
    handling.concern_acknowledge(user=guardian, concern=acknowledged)
    handling.concern_message(
        user=guardian,
        concern=acknowledged,
        body="Thank you for speaking up. Could we meet this week to talk it through?",
    )

    in_progress = _submit(organisation, "in_progress", 3, source=Source.PHONE, recorded_by=guardian)
    handling.concern_acknowledge(user=guardian, concern=in_progress)
    handling.concern_triage(
        user=guardian,
        concern=in_progress,
        elements=["patient_safety", "worker_safety"],
        worker_group="nursing_midwifery",
    )
    handling.action_assign(
        user=guardian,
        concern=in_progress,
        handler=manager,
        accountable_lead=lead,
        respond_by=timezone.localdate() + timedelta(days=14),
        description="Review weekend staffing on the ward and report what will change.",
        shared_summary="Weekend staffing is reported to be unsafe on one ward.",
    )
    # An action already past its date, so the first tick reminds the line manager and tells
    # the guardian (var/mail) without waiting a fortnight.
    late = handling.action_assign(
        user=guardian,
        concern=in_progress,
        handler=manager,
        accountable_lead=lead,
        respond_by=timezone.localdate() + timedelta(days=1),
        description="Check that agency staff are shown the fire exits on their first shift.",
        shared_summary="Agency staff may not know the ward's fire exits.",
    )
    Action.objects.filter(pk=late.pk).update(respond_by=timezone.localdate() - timedelta(days=3))

    feedback = _submit(organisation, "feedback_given", 4)
    handling.concern_acknowledge(user=guardian, concern=feedback)
    handling.concern_name_accountable_lead(user=guardian, concern=feedback, accountable_lead=lead)
    handling.concern_give_feedback(
        user=guardian,
        concern=feedback,
        body="Agency staff now get their own login on their first shift.",
    )

    closed = _submit(organisation, "closed", 5, worker_group="estates_ancillary")
    handling.concern_acknowledge(user=guardian, concern=closed)
    handling.concern_triage(
        user=guardian, concern=closed, elements=["patient_safety"], worker_group="estates_ancillary"
    )
    handling.concern_name_accountable_lead(user=guardian, concern=closed, accountable_lead=lead)
    handling.concern_give_feedback(
        user=guardian,
        concern=closed,
        body="Estates have fitted a door that holds open safely and closes when the alarm sounds.",
    )
    handling.concern_record_learning(
        user=guardian,
        concern=closed,
        outcome="A fire-safe hold-open door was fitted.",
        learning="Ask the people who use a door why it is wedged before telling them not to.",
    )
    closed.refresh_from_db()
    handling.concern_sign_off_learning(user=lead, concern=closed)
    closed = handling.concern_close(user=guardian, concern=closed)
    speaker_feedback(
        concern=closed, would_speak_up_again="yes", detriment=False, comment="Quick and kind."
    )

    anonymous = _submit(organisation, "anonymous", 6, confidentiality="anonymous")
    Concern.objects.filter(pk=anonymous.pk).update(
        receipt_hash=receipt_hash(DEMO_RECEIPT_CODES.get(code, "9999888877776666"))
    )
    handling.concern_acknowledge(user=guardian, concern=anonymous)
    handling.concern_message(
        user=guardian,
        concern=anonymous,
        body="Thank you. Which shift is most affected? You can answer here anonymously.",
    )
    speaker_reply(concern=anonymous, body="Mostly the late shift on weekdays.")

    overdue = _submit(organisation, "overdue", 7, patient_safety_risk=True)
    ten_days_ago = timezone.now() - timedelta(days=10)
    Concern.objects.filter(pk=overdue.pk).update(
        received_at=ten_days_ago,
        acknowledge_by=timezone.localdate(ten_days_ago) + timedelta(days=7),
        feedback_by=timezone.localdate(ten_days_ago) + timedelta(days=91),
    )
    overdue.status_changes.update(at=ten_days_ago)


HISTORY_CASES = 72
HISTORY_DAYS = (45, 610)  # received between six weeks and twenty months ago
OUTCOMES = [
    (
        "The rota now has a second registered nurse at weekends.",
        "Staffing gaps were known "
        "to the ward but not to the board: report them upwards every month.",
    ),
    (
        "The manager apologised and the team agreed how handovers are run.",
        "People stop raising problems when they are shouted at: deal with behaviour quickly.",
    ),
    (
        "The faulty equipment was replaced and checks were added to the daily list.",
        "Ask how a fault affects patients, not only when the repair is booked.",
    ),
]


def _closed_case(organisation, guardian, lead, received: datetime, number: int, rng) -> None:
    """One case from receipt to the speaker's feedback, each step on a plausible later day, all
    of them at least a day before now."""
    days_left = (timezone.now() - received).days
    day = received.date()
    confidentiality = rng.choices(["confidential", "open", "anonymous"], [6, 3, 2])[0]
    kind = rng.choice(list(NARRATIVES))
    groups = [group.code for group in worker_groups_for(day)]
    elements = [element.code for element in elements_for(day)]
    worker_group = rng.choice(groups)
    with as_if_on(received):
        concern = _submit(
            organisation,
            kind,
            100 + number,
            confidentiality=confidentiality,
            worker_group=worker_group,
            patient_safety_risk=rng.random() < 0.4,
        )
    moment = received + timedelta(days=rng.randint(0, 9), hours=rng.randint(1, 6))
    with as_if_on(moment):
        handling.concern_acknowledge(user=guardian, concern=concern)
        handling.concern_triage(
            user=guardian,
            concern=concern,
            elements=rng.sample(elements, rng.randint(1, 2)),
            worker_group=worker_group,
        )
        handling.concern_name_accountable_lead(
            user=guardian, concern=concern, accountable_lead=lead
        )
    outcome, learning = rng.choice(OUTCOMES)
    moment += timedelta(days=rng.randint(14, max(14, min(110, days_left - 25))))
    with as_if_on(moment):
        handling.concern_give_feedback(
            user=guardian, concern=concern, body=f"What we found and did: {outcome}"
        )
        handling.concern_record_learning(
            user=guardian, concern=concern, outcome=outcome, learning=learning
        )
        concern.refresh_from_db()
        handling.concern_sign_off_learning(user=lead, concern=concern)
        concern = handling.concern_close(user=guardian, concern=concern)
    if rng.random() < 0.7:  # not every speaker answers
        answered = moment + timedelta(days=rng.randint(1, 10))
        with as_if_on(answered):
            speaker_feedback(
                concern=concern,
                would_speak_up_again=rng.choices(
                    [SpeakUpAgain.YES, SpeakUpAgain.MAYBE, SpeakUpAgain.NO], [6, 2, 1]
                )[0],
                detriment=rng.random() < 0.1,
            )
    _answer_past_checkins(concern)


def _answer_past_checkins(concern: Concern) -> None:
    """The speaker answered each detriment check-in already due, so the first `speakup tick`
    does not ask hundreds of them at once. They said no: a yes would reopen the case."""
    today = timezone.localdate()
    for checkin in concern.checkins.filter(due_on__lt=today):
        answered_on = min(checkin.due_on + timedelta(days=3), today - timedelta(days=1))
        with as_if_on(datetime.combine(answered_on, time(11), tzinfo=UTC)):
            checkin_answer(concern=concern, checkin_id=checkin.pk, detriment=False)


def _load_history_for(organisation: Organisation) -> None:
    code = organisation.ods_code
    guardian = demo_guardian(code)
    lead = demo_person("executive-lead", code)
    if guardian is None or lead is None:
        return
    rng = random.Random(code)  # the same history on every machine
    now = timezone.now()
    days = sorted(rng.randint(*HISTORY_DAYS) for _ in range(HISTORY_CASES))
    for number, days_ago in enumerate(reversed(days)):
        received = now - timedelta(days=days_ago, hours=rng.randint(0, 10))
        _closed_case(organisation, guardian, lead, received, number, rng)


def load_demo() -> list[str]:
    """Load the demo concerns; return lines telling a newcomer how to try them."""
    for code in DEMO_RECEIPT_CODES:
        organisation = Organisation.objects.filter(ods_code=code).first()
        if organisation is None or Concern.objects.filter(organisation=organisation).exists():
            continue
        with transaction.atomic():
            _load_history_for(organisation)
            _load_for(organisation)
    lines = ["Demo receipt codes (Check on a concern, anonymous concern of each organisation):"]
    lines += [
        f"  {code}  {format_receipt_code(receipt)}" for code, receipt in DEMO_RECEIPT_CODES.items()
    ]
    return lines
