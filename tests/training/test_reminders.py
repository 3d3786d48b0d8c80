"""`speakup tick` emails training reminders: due within 14 days or overdue, line managers for
overdue ones, at most once per 14 days per worker per module."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from speakup.training.models import TrainingReminder
from speakup.training.reminders import training_reminders_send
from tests.training.factories import CompletionFactory, StaffRecordFactory, TrainingPolicyFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


def travel(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False)


@pytest.fixture
def surgery(organisation):
    """A manager and three workers in Surgery, everyone on the roster with an email address."""
    manager = StaffRecordFactory(
        organisation=organisation,
        first_name="Mona",
        last_name="Manager",
        email="mona@fictional.test",
        directorate="Surgery",
        is_line_manager=True,
    )
    for module in ("speak_up", "listen_up"):
        CompletionFactory(staff_record=manager, module=module, completed_on=DAY)
    due_soon = StaffRecordFactory(
        organisation=organisation,
        first_name="Dara",
        last_name="Soon",
        email="dara@fictional.test",
        directorate="Surgery",
        assignment_start=datetime.date(2026, 2, 10),  # due 12 March
    )
    overdue = StaffRecordFactory(
        organisation=organisation,
        employee_number="2002",
        first_name="Owen",
        last_name="Late",
        email="owen@fictional.test",
        directorate="Surgery",
        assignment_start=datetime.date(2026, 1, 1),  # was due 31 January
    )
    done = StaffRecordFactory(
        organisation=organisation,
        first_name="Cleo",
        last_name="Done",
        email="cleo@fictional.test",
        directorate="Surgery",
    )
    CompletionFactory(staff_record=done, completed_on=datetime.date(2025, 6, 1))
    StaffRecordFactory(  # a leaver: not required
        organisation=organisation,
        first_name="Leo",
        email="leo@fictional.test",
        directorate="Surgery",
        active=False,
        assignment_start=datetime.date(2025, 1, 1),
    )
    StaffRecordFactory(  # a new starter due in 29 days: not yet
        organisation=organisation,
        first_name="Nell",
        email="nell@fictional.test",
        directorate="Surgery",
        assignment_start=DAY - datetime.timedelta(days=1),
    )
    return manager, due_soon, overdue


def sent_to(mailoutbox) -> dict[str, str]:
    return {message.to[0]: message.body for message in mailoutbox}


def test_a_worker_due_within_14_days_is_emailed_what_is_due_by_when_with_a_link(
    surgery, mailoutbox
):
    with travel(DAY):
        call_command("tick")
    body = sent_to(mailoutbox)["dara@fictional.test"]
    assert "Speak Up: due by 12 March 2026." in body
    assert "/training/modules/speak_up/" in body


def test_an_overdue_worker_and_their_line_manager_are_emailed(surgery, mailoutbox):
    with travel(DAY):
        training_reminders_send(today=DAY)
    emails = sent_to(mailoutbox)
    assert "Speak Up: overdue: it was due by 31 January 2026." in emails["owen@fictional.test"]
    to_manager = emails["mona@fictional.test"]
    assert (
        "Owen Late (employee number 2002), Speak Up: overdue: it was due by 31 January 2026."
        in to_manager
    )
    assert "Dara" not in to_manager  # only overdue training goes to the manager
    assert manager_subject_and_intro(mailoutbox, "mona@fictional.test") == (
        "Overdue Freedom to Speak Up training in your team",
        "Freedom to Speak Up training that is overdue in your team at "
        "Testshire Fictional NHS Trust:",
    )
    assert "/training/team/" in to_manager


def test_a_manager_can_tell_apart_two_late_workers_with_the_same_name(
    surgery, organisation, mailoutbox
):
    """An email read "Rhys O'Brien, Speak Up" twice: each now has his employee number."""
    for number in ("4101", "4102"):
        StaffRecordFactory(
            organisation=organisation,
            employee_number=number,
            first_name="Rhys",
            last_name="O'Brien",
            directorate="Surgery",
            assignment_start=datetime.date(2026, 1, 1),
        )
    with travel(DAY):
        training_reminders_send(today=DAY)
    to_manager = sent_to(mailoutbox)["mona@fictional.test"]
    for number in ("4101", "4102"):
        assert f"- Rhys O'Brien (employee number {number}), Speak Up: overdue" in to_manager


@pytest.mark.parametrize(
    "mandatory_from",
    [DAY + datetime.timedelta(days=30), DAY - datetime.timedelta(days=10)],
    ids=["a date to come", "a date gone by"],
)
def test_a_mandatory_date_leaves_an_overdue_worker_and_their_line_manager_told(
    surgery, organisation, mailoutbox, mandatory_from
):
    TrainingPolicyFactory(
        organisation=organisation, speak_up_mandatory=True, speak_up_mandatory_from=mandatory_from
    )
    with travel(DAY):
        call_command("tick")
    emails = sent_to(mailoutbox)
    assert "Speak Up: overdue: it was due by 31 January 2026." in emails["owen@fictional.test"]
    assert "Owen Late (employee number 2002), Speak Up: overdue" in emails["mona@fictional.test"]
    assert "Speak Up: due by 12 March 2026." in emails["dara@fictional.test"]


def test_compliant_new_and_former_workers_get_nothing(surgery, mailoutbox):
    with travel(DAY):
        training_reminders_send(today=DAY)
    assert set(sent_to(mailoutbox)) == {
        "dara@fictional.test",
        "owen@fictional.test",
        "mona@fictional.test",
    }


def test_a_second_tick_within_14_days_sends_nothing_and_after_14_days_sends_again(
    surgery, mailoutbox
):
    with travel(DAY):
        training_reminders_send(today=DAY)
    assert len(mailoutbox) == 3
    later = DAY + datetime.timedelta(days=5)
    with travel(later):
        call_command("tick")
    assert len(mailoutbox) == 3
    fortnight = DAY + datetime.timedelta(days=14)
    with travel(fortnight):
        training_reminders_send(today=fortnight)
    assert set(sent_to(mailoutbox[3:])) == {
        "dara@fictional.test",
        "owen@fictional.test",
        "mona@fictional.test",
    }
    assert TrainingReminder.objects.filter(sent_on=fortnight).count() == 2


def test_ticking_twice_on_one_day_sends_once(surgery, mailoutbox):
    with travel(DAY):
        call_command("tick")
        call_command("tick")
    assert len(mailoutbox) == 3


def test_a_worker_with_no_directorate_has_no_line_manager_to_email(organisation, mailoutbox):
    StaffRecordFactory(
        organisation=organisation, is_line_manager=True, directorate="", email="boss@fictional.test"
    )
    StaffRecordFactory(
        organisation=organisation,
        first_name="Wren",
        directorate="",
        email="wren@fictional.test",
        assignment_start=datetime.date(2025, 1, 1),
    )
    with travel(DAY):
        training_reminders_send(today=DAY)
    emails = sent_to(mailoutbox)
    assert "Speak Up: overdue" in emails["wren@fictional.test"]
    assert "Wren" not in emails["boss@fictional.test"]  # the boss's own reminder only


def test_a_refresher_falling_due_is_reminded_and_reminders_go_to_the_account_email(
    organisation, mailoutbox, person_with_role
):
    from speakup.organisations.roles import Role

    person = person_with_role(Role.WORKER, email="account@fictional.test")
    record = StaffRecordFactory(organisation=organisation, user=person, email="old@fictional.test")
    CompletionFactory(staff_record=record, completed_on=datetime.date(2023, 3, 10))
    with travel(DAY):
        training_reminders_send(today=DAY)
    assert (
        "Speak Up: refresher due by 10 March 2026." in sent_to(mailoutbox)["account@fictional.test"]
    )


def test_a_worker_who_names_their_line_manager_is_reported_to_them_alone(
    surgery, organisation, mailoutbox
):
    """Owen names a manager in Theatres: she is told, Surgery's line manager is not."""
    StaffRecordFactory(
        organisation=organisation,
        employee_number="T-1",
        first_name="Tess",
        email="tess@fictional.test",
        directorate="Theatres",
        assignment_start=datetime.date(2026, 2, 20),  # her own training not yet due
    )
    manager, _, overdue = surgery
    overdue.line_manager_number = "T-1"
    overdue.save()
    with travel(DAY):
        training_reminders_send(today=DAY)
    emails = sent_to(mailoutbox)
    assert "Owen Late" in emails["tess@fictional.test"]
    assert "Owen" not in emails.get("mona@fictional.test", "")


def test_a_line_manager_number_that_matches_nobody_emails_no_manager(
    surgery, organisation, mailoutbox
):
    manager, _, overdue = surgery
    overdue.line_manager_number = "NOBODY-9"
    overdue.save()
    with travel(DAY):
        training_reminders_send(today=DAY)
    emails = sent_to(mailoutbox)
    assert "Speak Up: overdue" in emails["owen@fictional.test"]
    assert "Owen" not in emails.get("mona@fictional.test", "")  # never guessed


def test_in_a_large_directorate_each_manager_gets_one_short_email_never_naming_themselves(
    organisation, mailoutbox
):
    """30 late workers and two flagged line managers, one of them late too, in Wards, where
    nobody names a manager: each manager is told of everyone else, 25 by name."""
    late_start = datetime.date(2025, 1, 1)
    ann = StaffRecordFactory(
        organisation=organisation,
        first_name="Ann",
        last_name="Manager",
        email="ann@fictional.test",
        directorate="Wards",
        is_line_manager=True,
        assignment_start=late_start,  # late on Speak Up and Listen Up herself
    )
    StaffRecordFactory(
        organisation=organisation,
        first_name="Bea",
        email="bea@fictional.test",
        directorate="Wards",
        is_line_manager=True,
        assignment_start=DAY - datetime.timedelta(days=1),  # new: nothing due yet
    )
    for number in range(30):
        StaffRecordFactory(
            organisation=organisation,
            first_name=f"W{number:02d}",
            email=f"w{number}@fictional.test",
            directorate="Wards",
            assignment_start=late_start,
        )
    with travel(DAY):
        report = training_reminders_send(today=DAY)
    emails = sent_to(mailoutbox)
    to_ann, to_bea = emails["ann@fictional.test"], emails["bea@fictional.test"]
    # Ann's own reminder and her report on her team come in two emails; the last one wins here.
    assert report.managers_emailed == 2
    assert to_ann.count(", Speak Up: overdue") == 25 and "- and 5 more." in to_ann
    assert "Ann Manager," not in to_ann
    assert "- and 7 more." in to_bea  # 30 workers' Speak Up and Ann's two modules, less 25
    assert TrainingReminder.objects.get(staff_record=ann, module="speak_up").managers_emailed == 1
    worker = TrainingReminder.objects.filter(staff_record__first_name="W00").get()
    assert worker.managers_emailed == 2


def test_a_board_member_is_told_to_take_speak_up_and_listen_up_before_follow_up(
    organisation, mailoutbox
):
    StaffRecordFactory(
        organisation=organisation,
        first_name="Bea",
        email="bea@fictional.test",
        is_board_member=True,
        assignment_start=datetime.date(2025, 11, 1),  # Follow Up was due 30 January (90 days)
    )
    with travel(DAY):
        training_reminders_send(today=DAY)
    body = sent_to(mailoutbox)["bea@fictional.test"]
    assert "Speak Up: overdue: it was due by 1 December 2025.\n" in body
    assert (
        "Listen Up: overdue: it was due by 1 December 2025. "
        "Complete Speak Up before starting Listen Up.\n" in body
    )
    assert (
        "Follow Up: overdue: it was due by 30 January 2026. "
        "Complete Speak Up and Listen Up before starting Follow Up.\n" in body
    )


@pytest.mark.usefixtures("surgery")
def test_an_expired_module_is_called_expired_in_the_emails_as_on_the_pages(
    organisation, mailoutbox
):
    lapsed = StaffRecordFactory(
        organisation=organisation,
        employee_number="2005",
        first_name="Tess",
        last_name="Lapsed",
        email="tess@fictional.test",
        directorate="Surgery",
        assignment_start=datetime.date(2020, 1, 1),
    )
    CompletionFactory(staff_record=lapsed, completed_on=datetime.date(2022, 12, 1))
    with travel(DAY):
        training_reminders_send(today=DAY)
    emails = sent_to(mailoutbox)
    said = "Speak Up: expired: the refresher was due by 1 December 2025."
    assert said in emails["tess@fictional.test"]
    assert f"Tess Lapsed (employee number 2005), {said}" in emails["mona@fictional.test"]


def manager_subject_and_intro(mailoutbox, address) -> tuple[str, str]:
    message = next(message for message in mailoutbox if message.to == [address])
    return message.subject, message.body.splitlines()[2]


def told_after_a_lapse(organisation, mailoutbox) -> tuple[str, str]:
    """Speak Up lapsed for a worker in Surgery; the tick runs: what Mona's email opens with."""
    lapsed = StaffRecordFactory(organisation=organisation, directorate="Surgery")
    CompletionFactory(staff_record=lapsed, completed_on=datetime.date(2022, 12, 1))
    with travel(DAY):
        training_reminders_send(today=DAY)
    return manager_subject_and_intro(mailoutbox, "mona@fictional.test")


@pytest.mark.usefixtures("surgery")
def test_a_manager_told_of_overdue_and_expired_training_reads_both_words(organisation, mailoutbox):
    """The subject and the first line said "overdue" over a list with expired training in it."""
    assert told_after_a_lapse(organisation, mailoutbox) == (
        "Overdue or expired Freedom to Speak Up training in your team",
        "Freedom to Speak Up training that is overdue or expired in your team at "
        "Testshire Fictional NHS Trust:",
    )


def test_a_manager_told_only_of_expired_training_is_told_it_has_expired(organisation, mailoutbox):
    StaffRecordFactory(
        organisation=organisation,
        email="mona@fictional.test",
        directorate="Surgery",
        is_line_manager=True,
        assignment_start=DAY - datetime.timedelta(days=1),  # new: nothing due yet
    )
    assert told_after_a_lapse(organisation, mailoutbox) == (
        "Expired Freedom to Speak Up training in your team",
        "Freedom to Speak Up training that is expired in your team at "
        "Testshire Fictional NHS Trust:",
    )
