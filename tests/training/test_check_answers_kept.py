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


def test_saved_answers_are_ticked_when_the_worker_comes_back(client, learner):
    assert ticked(client.get(CHECK).content.decode()) == {}
    response = client.post(CHECK, {**first_five(), "save": "yes"}, follow=True)
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
    response = client.post(CHECK, first_five())
    assert "Choose an answer to question 6" in response.content.decode()
    page = client.get(CHECK).content.decode()
    assert len(ticked(page)) == 5


def test_submitting_the_check_empties_the_saved_answers(client, learner):
    client.post(CHECK, {**first_five(), "save": "yes"})
    client.post(CHECK, answers("speak_up", 0))  # failed
    assert ticked(client.get(CHECK).content.decode()) == {}
    assert module_progress(user=learner, module="speak_up").check_answers == {}
    client.post(CHECK, {**first_five(), "save": "yes"})
    client.post(CHECK, answers("speak_up"))  # passed
    assert Completion.objects.filter(user=learner).exists()
    assert module_progress(user=learner, module="speak_up").check_answers == {}
    page = client.get("/training/modules/speak_up/").content.decode()
    assert "You have saved answers" not in page


def test_saved_answers_are_the_workers_alone(client, learner, person_with_role, organisation):
    client.post(CHECK, {**first_five(), "save": "yes"})
    colleague = person_with_role(Role.WORKER)
    StaffRecordFactory(organisation=organisation, user=colleague)
    sign_in(client, colleague)
    read_every_screen(client, "speak_up")
    assert ticked(client.get(CHECK).content.decode()) == {}
    client.post(CHECK, {"q1": course("speak_up").questions[0].options[-1], "save": "yes"})
    sign_in(client, learner)
    assert len(ticked(client.get(CHECK).content.decode())) == 5


def test_the_pages_script_saves_each_answer_as_it_is_chosen(client, learner):
    page = client.get(CHECK).content.decode()
    assert "training/knowledge_check" in page and "data-save-as-you-go" in page
    response = client.post(
        CHECK, {**first_five(), "save": "yes"}, headers={"X-Speakup-Save": "as-you-go"}
    )
    assert response.status_code == 204
    assert len(ticked(client.get(CHECK).content.decode())) == 5


def test_an_answer_that_is_not_one_of_the_options_is_not_kept(client, learner):
    client.post(CHECK, {"q1": "Something made up", "q2": answers("speak_up")["q2"], "save": "yes"})
    assert set(ticked(client.get(CHECK).content.decode())) == {"q2"}


def test_saving_before_the_lessons_are_read_leads_to_them(client, person_with_role, organisation):
    newcomer = person_with_role(Role.WORKER)
    StaffRecordFactory(organisation=organisation, user=newcomer)
    sign_in(client, newcomer)
    response = client.post(CHECK, {**first_five(), "save": "yes"})
    assert response.url == "/training/modules/speak_up/screens/1/"
    assert module_progress(user=newcomer, module="speak_up").check_answers == {}


def test_answers_saved_on_an_older_version_are_not_ticked_on_a_new_one(
    client, learner, course_version
):
    course_version(1, 1)
    read_every_screen(client, "speak_up")
    client.post(CHECK, {**first_five(), "save": "yes"})
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
    client.post(CHECK, answers("speak_up"))  # passed
    monkeypatch.setattr("speakup.training.views.learning.screen_before_check", lambda _: None)
    response = client.post(CHECK, {**first_five(), **sent}, headers=headers)
    if answer == 409:
        assert response.status_code == 409  # the script says the answers were not saved
    else:
        assert response.status_code == 302 and response.url == answer
    assert module_progress(user=learner, module="speak_up").check_answers == {}
