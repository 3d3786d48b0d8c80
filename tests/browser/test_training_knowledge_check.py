"""A worker opens the knowledge check before the lessons and is sent to them; part way through
the check they leave, and find their answers on coming back; then they pass. With JavaScript
(each answer saved as it is chosen, then "Save and come back later"), and without it (the
button alone, through a session that ended)."""

import pytest
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from speakup.training.content import course
from tests.browser.conftest import (
    assert_accessible,
    choose_and_let_it_save,
    let_stray_saves_go,
    read_every_screen,
    sign_in,
)
from tests.training.factories import StaffRecordFactory

pytestmark = pytest.mark.django_db(transaction=True)


def question(page, number: int):
    the_question = course("speak_up").questions[number - 1]
    return page.get_by_role("group", name=f"{number}. {the_question.text}"), the_question


def open_the_check_early_and_read_the_lessons(page, *, check_accessible: bool) -> None:
    page.goto("/training/modules/speak_up/knowledge-check/")
    early = "Go through every screen of Speak Up before the knowledge check"
    expect(page.get_by_text(early)).to_be_visible()
    expect(page.get_by_text("Screen 1 of")).to_be_visible()
    if check_accessible:
        assert_accessible(page)
    read_every_screen(page, "speak_up")
    if check_accessible:
        assert_accessible(page)


def answer(page, numbers, *, with_javascript: bool = True) -> None:
    """The right answers, one by one; with JavaScript each is saved before the next is chosen."""
    for number in numbers:
        group, the_question = question(page, number)
        right = group.get_by_label(the_question.correct, exact=True)
        if with_javascript:
            choose_and_let_it_save(page, right)
        else:
            right.check()


def continue_to_the_check(page) -> None:
    """From the module page, back to the check: its questions are then the ones on the page."""
    page.get_by_role("button", name="Continue where you left off").click()
    expect(page.get_by_role("heading", name="Speak Up knowledge check")).to_be_visible()


def expect_the_first_answered(page, count: int) -> None:
    for number in range(1, len(course("speak_up").questions) + 1):
        group, the_question = question(page, number)
        if number <= count:
            expect(group.get_by_label(the_question.correct, exact=True)).to_be_checked()
        else:
            expect(group.locator("input:checked")).to_have_count(0)


def save_and_come_back(page, *, answered: int) -> None:
    page.get_by_role("button", name="Save and come back later").click()
    total = len(course("speak_up").questions)
    expect(page.get_by_text(f"Your answers are saved ({answered} of {total}")).to_be_visible()
    saved = f"You have saved answers to {answered} of {total} questions"
    expect(page.get_by_text(saved)).to_be_visible()


def submit_and_pass(page) -> None:
    page.get_by_role("button", name="Submit your answers").click()
    expect(page.get_by_role("heading", name="You have completed Speak Up")).to_be_visible()


@pytest.fixture
def worker(person_with_role, organisation):
    user = person_with_role(Role.WORKER, full_name="Wren Worker")
    StaffRecordFactory(organisation=organisation, user=user)
    return user


def test_a_worker_sent_to_the_lessons_saves_answers_as_they_go_and_passes(page, worker):
    sign_in(page, worker, two_factor=False)
    open_the_check_early_and_read_the_lessons(page, check_accessible=True)
    answer(page, range(1, 4))
    expect(page.get_by_role("status")).to_have_text("Your answers so far are saved.")
    assert_accessible(page)

    # Called away: the tab is left without saving. Coming back, the answers are there.
    page.goto("/training/")
    page.goto("/training/modules/speak_up/knowledge-check/")
    expect_the_first_answered(page, 3)
    answer(page, range(4, 6))
    save_and_come_back(page, answered=5)
    assert_accessible(page)
    continue_to_the_check(page)
    expect_the_first_answered(page, 5)
    answer(page, range(6, len(course("speak_up").questions) + 1))
    submit_and_pass(page)
    assert_accessible(page)
    page.goto("/training/modules/speak_up/")
    expect(page.get_by_text("You have saved answers")).to_have_count(0)


def test_a_worker_signed_out_during_the_check_is_told_their_latest_answers_are_not_saved(
    page, worker
):
    """Not told to use "Save and come back later", which would take them to sign in and lose
    the answers too."""
    sign_in(page, worker, two_factor=False)
    open_the_check_early_and_read_the_lessons(page, check_accessible=False)
    answer(page, range(1, 3))
    expect(page.get_by_role("status")).to_have_text("Your answers so far are saved.")
    # The session ends (timed out) while the page is open.
    cookies = [cookie for cookie in page.context.cookies() if cookie["name"] != "sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies(cookies)
    answer(page, [3])
    expect(page.get_by_role("status")).to_have_text(
        "You have been signed out, so your latest answers are not saved. "
        "Reload this page to sign in again, then choose those answers again."
    )
    assert_accessible(page)
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_without_javascript_the_button_keeps_the_answers_through_a_new_session(
    browser, live_server, worker
):
    """No axe check here: axe runs as a script. The same pages are checked with it above."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, worker, two_factor=False)
    open_the_check_early_and_read_the_lessons(page, check_accessible=False)
    answer(page, range(1, 6), with_javascript=False)
    save_and_come_back(page, answered=5)

    # The session ends (timed out); signing in again later, the answers are there.
    context.clear_cookies()
    sign_in(page, worker, two_factor=False)
    page.goto("/training/modules/speak_up/")
    continue_to_the_check(page)
    expect_the_first_answered(page, 5)
    answer(page, range(6, len(course("speak_up").questions) + 1), with_javascript=False)
    submit_and_pass(page)
    context.close()


def test_answers_ticked_as_the_worker_submits_are_not_saved_after_the_submit(page, worker):
    """Every answer ticked and Submit pressed at once: saves still waiting then went on being
    sent, and one arriving after the submit brought the failed answers back for the retake."""
    sign_in(page, worker, two_factor=False)
    open_the_check_early_and_read_the_lessons(page, check_accessible=False)
    saves = []
    page.on("request", lambda request: request.headers.get("x-speakup-save") and saves.append(1))
    wrong = [next(o for o in q.options if o != q.correct) for q in course("speak_up").questions]
    # In one go, as no hand is quick enough to: each tick queues a save behind the one before.
    page.evaluate(
        """(wrong) => {
            const form = document.querySelector("form[data-save-as-you-go]");
            wrong.forEach((answer, index) => {
                const radios = form.querySelectorAll(`input[name="q${index + 1}"]`);
                const radio = [...radios].find((r) => r.value === answer);
                radio.checked = true;
                radio.dispatchEvent(new Event("change", { bubbles: true }));
            });
            form.requestSubmit(form.querySelector("button:not([name])"));
        }""",
        wrong,
    )
    expect(page.get_by_role("heading", name="You did not pass")).to_be_visible()
    let_stray_saves_go(page)
    assert saves == []
    page.goto("/training/modules/speak_up/")
    expect(page.get_by_text("Your last score in the knowledge check was 0%")).to_be_visible()
    expect(page.get_by_text("You have saved answers")).to_have_count(0)
    continue_to_the_check(page)
    expect(page.locator("input:checked")).to_have_count(0)
