"""A worker's answers to the knowledge check are kept as they go, for them alone, until they
submit it: "Save and come back later" without JavaScript, each answer as it changes with it."""

import re

import pytest
from markupsafe import escape

from speakup.organisations.roles import Role
from speakup.training.content import course
from speakup.training.models import Completion
from speakup.training.services import module_progress
from tests.conftest import sign_in
from tests.training import test_taking_modules as taking_modules
from tests.training.factories import StaffRecordFactory
from tests.training.test_taking_modules import (
    answers,
    attempt_on,
    read_every_screen,
)

pytestmark = pytest.mark.django_db

# The fixtures, shared: a signed-in worker with a roster record, and the courses shipped as a
# given version.
worker = taking_modules.worker
course_version = taking_modules.course_version

CHECK = "/training/modules/speak_up/knowledge-check/"


@pytest.fixture
def learner(client, worker):
    """A worker who has gone through every screen of Speak Up, so its check is open."""
    read_every_screen(client, "speak_up")
    return worker


def ticked(page: str) -> dict[str, str]:
    """The radios ticked on a page, by question field name."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="radio"' in tag and re.search(r"\bchecked\b", tag):
            name = re.search(r'name="([^"]+)"', tag).group(1)
            found[name] = re.search(r'value="([^"]*)"', tag).group(1)
    return found


def first_five(module="speak_up") -> dict[str, str]:
    return {name: answer for name, answer in answers(module).items() if int(name[1:]) <= 5}


def from_the_page(client, given: dict[str, str]) -> dict[str, str]:
    """`given` as the check's page sends it: with the attempt the page is for."""
    return {**given, "attempt": attempt_on(client.get(CHECK).content.decode())}


def save(client, given: dict[str, str], **kwargs):
    """Answers saved by "Save and come back later" (or, with its header, the page's script)."""
    return client.post(CHECK, {**from_the_page(client, given), "save": "yes"}, **kwargs)


def test_saving_with_nothing_answered_says_there_was_nothing_to_save(client, learner):
    """It said "Your answers are saved (0 of 8 questions answered)"."""
    page = save(client, {}, follow=True).content.decode()
    assert "You had not answered any questions, so there was nothing to save" in page
    assert "Your answers are saved" not in page


def test_saved_answers_are_ticked_when_the_worker_comes_back(client, learner):
    assert ticked(client.get(CHECK).content.decode()) == {}
    response = save(client, first_five(), follow=True)
    assert response.redirect_chain == [("/training/modules/speak_up/", 302)]
    total = len(course("speak_up").questions)
    page = response.content.decode()
    assert f"Your answers are saved (5 of {total} questions answered)" in page
    assert f"You have saved answers to 5 of {total} questions in the knowledge check" in page
    assert 'href="/training/modules/speak_up/knowledge-check/"' in page
    # The session ends (the tab closed, or timed out); the worker signs in again later.
    client.logout()
    sign_in(client, learner)
    page = client.get(CHECK).content.decode()
    assert ticked(page) == {name: str(escape(answer)) for name, answer in first_five().items()}


def test_a_check_sent_with_questions_left_keeps_the_answers_given(client, learner):
    response = client.post(CHECK, from_the_page(client, first_five()))
    assert "Choose an answer to question 6" in response.content.decode()
    page = client.get(CHECK).content.decode()
    assert len(ticked(page)) == 5


def test_submitting_the_check_empties_the_saved_answers(client, learner):
    save(client, first_five())
    client.post(CHECK, answers("speak_up", 0))  # failed
    assert ticked(client.get(CHECK).content.decode()) == {}
    assert module_progress(user=learner, module="speak_up").check_answers == {}
    save(client, first_five())
    client.post(CHECK, answers("speak_up"))  # passed
    assert Completion.objects.filter(user=learner).exists()
    assert module_progress(user=learner, module="speak_up").check_answers == {}
    page = client.get("/training/modules/speak_up/").content.decode()
    assert "You have saved answers" not in page


def test_saved_answers_are_the_workers_alone(client, learner, person_with_role, organisation):
    save(client, first_five())
    colleague = person_with_role(Role.WORKER)
    StaffRecordFactory(organisation=organisation, user=colleague)
    sign_in(client, colleague)
    read_every_screen(client, "speak_up")
    assert ticked(client.get(CHECK).content.decode()) == {}
    save(client, {"q1": course("speak_up").questions[0].options[-1]})
    sign_in(client, learner)
    assert len(ticked(client.get(CHECK).content.decode())) == 5


def test_the_pages_script_saves_each_answer_as_it_is_chosen(client, learner):
    page = client.get(CHECK).content.decode()
    assert "training/knowledge_check" in page and "data-save-as-you-go" in page
    response = save(client, first_five(), headers={"X-Speakup-Save": "as-you-go"})
    assert response.status_code == 204
    assert len(ticked(client.get(CHECK).content.decode())) == 5


def test_an_answer_that_is_not_one_of_the_options_is_not_kept(client, learner):
    save(client, {"q1": "Something made up", "q2": answers("speak_up")["q2"]})
    assert set(ticked(client.get(CHECK).content.decode())) == {"q2"}


def test_saving_before_the_lessons_are_read_leads_to_them(client, person_with_role, organisation):
    newcomer = person_with_role(Role.WORKER)
    StaffRecordFactory(organisation=organisation, user=newcomer)
    sign_in(client, newcomer)
    response = client.post(CHECK, {**first_five(), "save": "yes", "attempt": "1"})
    assert response.url == "/training/modules/speak_up/screens/1/"
    assert module_progress(user=newcomer, module="speak_up").check_answers == {}


def test_answers_saved_on_an_older_version_are_not_ticked_on_a_new_one(
    client, learner, course_version
):
    course_version(1, 1)
    read_every_screen(client, "speak_up")
    save(client, first_five())
    assert len(ticked(client.get(CHECK).content.decode())) == 5
    course_version(2, 1)  # its questions may have changed
    page = client.get(CHECK).content.decode()
    assert "Speak Up knowledge check" in page and ticked(page) == {}


@pytest.mark.parametrize(
    "sent, headers, answer",
    [
        ({"save": "yes"}, {"X-Speakup-Save": "as-you-go"}, 409),
        ({"save": "yes"}, {}, "/training/modules/speak_up/"),
        ({}, {}, "/training/modules/speak_up/"),  # the check sent with questions left
    ],
)
def test_answers_that_arrive_as_the_check_is_passed_are_no_error(
    client, learner, monkeypatch, sent, headers, answer
):
    # The page's script saves an answer while the worker presses Submit: the pass empties the
    # kept answers and closes the check between this request's first look and its save.
    late = from_the_page(client, first_five())
    client.post(CHECK, answers("speak_up"))  # passed
    monkeypatch.setattr("speakup.training.views.learning.screen_before_check", lambda _: None)
    response = client.post(CHECK, {**late, **sent}, headers=headers)
    if answer == 409:
        assert response.status_code == 409  # the script says the answers were not saved
    else:
        assert response.status_code == 302 and response.url == answer
    assert module_progress(user=learner, module="speak_up").check_answers == {}


@pytest.mark.parametrize(
    "sent, headers",
    [
        ({"save": "yes"}, {"X-Speakup-Save": "as-you-go"}),  # the page's script
        ({"save": "yes"}, {}),  # "Save and come back later", in a second tab
        ({}, {}),  # the check sent with questions left, in a second tab
    ],
)
def test_answers_that_arrive_after_the_check_was_failed_do_not_come_back(
    client, learner, sent, headers
):
    """A worker ticked every answer and pressed Submit at once: the script's save of the last
    answer arrived after the submit, and the module page said "You have saved answers to 8 of 8
    questions", and the retake opened with every failed answer ticked."""
    failed = answers("speak_up", 0)
    page_sent = from_the_page(client, failed)
    client.post(CHECK, page_sent)  # failed: the saved answers are emptied
    late = page_sent if sent else {**page_sent, "q8": ""}  # with a question left
    response = client.post(CHECK, {**late, **sent}, headers=headers)
    if headers:
        assert response.status_code == 409  # the script says the answers were not saved
    else:
        assert response.status_code == 302 and response.url == "/training/modules/speak_up/"
        page = client.get(response.url).content.decode()
        assert "Those answers were not saved: the knowledge check they were for" in page
    assert module_progress(user=learner, module="speak_up").attempts == 1
    page = client.get("/training/modules/speak_up/").content.decode()
    assert "Your last score in the knowledge check was 0%" in page
    assert "You have saved answers" not in page
    assert ticked(client.get(CHECK).content.decode()) == {}
    # The retake's own answers are saved as before.
    assert save(client, first_five(), headers=headers).status_code in (204, 302)
    assert len(ticked(client.get(CHECK).content.decode())) == 5


@pytest.mark.parametrize("attempt", [None, "", "first", "1" * 5000, "-1", "2"])
def test_a_save_that_names_no_attempt_or_another_is_not_kept_and_says_so(client, learner, attempt):
    sent = {**first_five(), "save": "yes"}
    if attempt is not None:
        sent["attempt"] = attempt
    response = client.post(CHECK, sent, follow=True)
    assert response.redirect_chain == [("/training/modules/speak_up/", 302)]
    assert "Those answers were not saved" in response.content.decode()
    assert module_progress(user=learner, module="speak_up").check_answers == {}
