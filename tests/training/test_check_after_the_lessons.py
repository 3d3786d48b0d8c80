"""The knowledge check opens once every screen of the module has been reached: a worker who
arrives early goes on from the first screen they have not gone through."""

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.messages import get_messages

from speakup.organisations.roles import Role
from speakup.training.content import Lesson, course
from speakup.training.models import Completion, ModuleProgress
from speakup.training.services import knowledge_check_submit, module_progress
from tests.conftest import sign_in
from tests.training import test_taking_modules as taking_modules
from tests.training.factories import StaffRecordFactory
from tests.training.test_taking_modules import (
    answers,
    reach_screen_4_of_speak_up,
    read_every_screen,
)

pytestmark = pytest.mark.django_db

# The fixtures, shared: a signed-in worker with a roster record, and the courses shipped as a
# given version.
worker = taking_modules.worker
course_version = taking_modules.course_version

CHECK = "/training/modules/speak_up/knowledge-check/"
EARLY = "Go through every screen of Speak Up before the knowledge check. Carry on from this screen."


def told(response) -> list[str]:
    return [message.message for message in get_messages(response.wsgi_request)]


def test_a_worker_who_opens_the_check_first_is_taken_to_the_first_screen(client, worker):
    response = client.get(CHECK, follow=True)
    assert response.redirect_chain == [("/training/modules/speak_up/screens/1/", 302)]
    page = response.content.decode()
    assert EARLY in page and "Screen 1 of" in page


def test_a_worker_part_way_through_is_taken_to_where_they_got_to(client, worker):
    reach_screen_4_of_speak_up(client)
    response = client.get(CHECK, follow=True)
    assert response.redirect_chain == [("/training/modules/speak_up/screens/4/", 302)]
    assert EARLY in response.content.decode()


def test_answers_sent_before_the_lessons_are_read_count_for_nothing(client, worker):
    response = client.post(CHECK, answers("speak_up"))
    assert response.url == "/training/modules/speak_up/screens/1/"
    assert EARLY in told(response)
    assert not Completion.objects.exists()
    assert module_progress(user=worker, module="speak_up").attempts == 0


def test_a_link_to_a_later_screen_skips_none(client, worker):
    last = course("speak_up").screen_count
    response = client.get(f"/training/modules/speak_up/screens/{last}/", follow=True)
    assert response.redirect_chain == [("/training/modules/speak_up/screens/1/", 302)]
    assert (
        "Go through the screens in order. Carry on from this screen." in response.content.decode()
    )
    # "Continue" on a screen not reached moves nobody on, so the check stays closed.
    assert client.post(f"/training/modules/speak_up/screens/{last}/").url.endswith("/screens/1/")
    assert client.get(CHECK).url == "/training/modules/speak_up/screens/1/"


def test_screens_already_read_can_be_read_again_in_any_order(client, worker):
    reach_screen_4_of_speak_up(client)
    for number in (2, 4, 1, 3):
        assert client.get(f"/training/modules/speak_up/screens/{number}/").status_code == 200


def test_the_check_opens_once_the_last_screen_is_reached(client, worker):
    read_every_screen(client, "speak_up")
    page = client.get(CHECK).content.decode()
    assert "Speak Up knowledge check" in page and "Submit your answers" in page


def test_a_retake_after_failing_needs_no_reading_again(client, worker):
    read_every_screen(client, "speak_up")
    client.post(CHECK, answers("speak_up", 0))
    page = client.get("/training/modules/speak_up/knowledge-check/result/").content.decode()
    assert 'href="/training/modules/speak_up/knowledge-check/"' in page
    # Even after starting the lessons again from the first screen.
    client.post("/training/modules/speak_up/restart/")
    assert client.get(CHECK).status_code == 200
    assert client.post(CHECK, answers("speak_up")).status_code == 302
    assert Completion.objects.filter(user=worker).count() == 1


def test_a_refresher_after_a_pass_goes_through_the_screens_again(client, worker):
    read_every_screen(client, "speak_up")
    client.post(CHECK, answers("speak_up"))
    page = client.get("/training/modules/speak_up/").content.decode()
    assert "Take the module again" in page and "Continue where you left off" not in page
    # The refresher begins with "Take the module again"; a link to the check, once passed, leads
    # to the module page that offers it (the next test).
    assert client.get(CHECK).url == "/training/modules/speak_up/"
    client.post("/training/modules/speak_up/restart/")
    client.get("/training/modules/speak_up/screens/1/")
    for number in (1, 2):
        client.post(f"/training/modules/speak_up/screens/{number}/", follow=True)
    # A refresher under way is resumed like a first take.
    page = client.get("/training/modules/speak_up/").content.decode()
    assert "Continue where you left off" in page
    assert 'href="/training/modules/speak_up/screens/3/"' in page
    assert client.get(CHECK).url == "/training/modules/speak_up/screens/3/"
    read_every_screen(client, "speak_up")
    client.post(CHECK, answers("speak_up"))
    assert Completion.objects.filter(user=worker).count() == 2


def test_the_same_answers_sent_again_after_a_pass_lead_to_the_module_page_not_the_lessons(
    client, worker
):
    """A double click on "Submit your answers", or Back from the page saying they passed, must
    not tell someone who has just passed to go through every screen before the check."""
    read_every_screen(client, "speak_up")
    client.post(CHECK, answers("speak_up"))
    for again in (
        client.post(CHECK, answers("speak_up"), follow=True),
        client.get(CHECK, follow=True),
    ):
        assert again.redirect_chain == [("/training/modules/speak_up/", 302)]
        page = again.content.decode()
        assert EARLY not in page
        assert "You completed this module on" in page and "Download your certificate" in page
    progress = module_progress(user=worker, module="speak_up")
    assert progress.attempts == 1 and Completion.objects.filter(user=worker).count() == 1


def test_screens_added_by_a_new_version_that_counts_are_read_before_its_check(
    client, worker, course_version
):
    course_version(1, 1)
    read_every_screen(client, "speak_up")
    client.get(CHECK)  # "Go to the knowledge check" on the last screen leads there
    added = Lesson("Added in version 2", course("speak_up").lessons[0].screens[:2])
    course_version(2, 1, extra_lessons=[added])
    first_added = course("speak_up").screen_count - 1
    assert client.get(CHECK).url == f"/training/modules/speak_up/screens/{first_added}/"


def test_a_new_version_that_counts_keeps_the_check_open(client, worker, course_version):
    course_version(1, 1)
    read_every_screen(client, "speak_up")
    course_version(2, 1)
    assert client.get(CHECK).status_code == 200


# The module page's way on: the page it opens, and where it says that is.
CONTINUE_BUTTON = re.compile(
    r'<a\s[^>]*href="([^"]+)"[^>]*>\s*Continue where you left off \(([^)]+)\)'
)


def continue_where_they_left_off(client) -> tuple[str, str]:
    """The module page's "Continue where you left off (…)" button: what it says, and the page it
    opens (followed, as the worker's click is)."""
    page = client.get("/training/modules/speak_up/").content.decode()
    button = CONTINUE_BUTTON.search(page)
    opened = client.get(button.group(1), follow=True).content.decode()
    return button.group(2), opened


def test_a_worker_at_the_check_when_a_new_version_ships_continues_to_the_check(
    client, worker, course_version
):
    """Sent back to the last screen until 28 November 2026, though the check was open to them."""
    course_version(1, 1)
    read_every_screen(client, "speak_up")
    client.get(CHECK)
    course_version(2, 1)
    place, opened = continue_where_they_left_off(client)
    assert place == "the knowledge check"
    assert "<h1" in opened and "Speak Up knowledge check</h1>" in opened
    assert "Submit your answers" in opened


def test_a_worker_at_the_check_continues_to_the_first_screen_a_new_version_adds(
    client, worker, course_version
):
    """The added screen is read before the check: it was open to them unread until 28 November
    2026, when the check's place was taken for a screen of the new version."""
    course_version(1, 1)
    read_every_screen(client, "speak_up")
    client.get(CHECK)
    added = Lesson("Added in version 2", course("speak_up").lessons[0].screens[:1])
    course_version(2, 1, extra_lessons=[added])
    last = course("speak_up").screen_count
    assert client.get(CHECK).url == f"/training/modules/speak_up/screens/{last}/"
    place, opened = continue_where_they_left_off(client)
    assert place == f"screen {last} of {last}"
    assert f"Screen {last} of {last}" in opened and "Go to the knowledge check" in opened
    assert client.get(CHECK).status_code == 200


def test_a_place_kept_before_the_migration_continues_to_the_check_of_a_new_version(
    client, worker, course_version
):
    course_version(1, 1)
    read_every_screen(client, "speak_up")
    client.get(CHECK)
    ModuleProgress.objects.filter(user=worker).update(screen_count=0)  # as the migration finds it
    migration = importlib.import_module(
        "speakup.training.migrations.0019_module_progress_screen_count"
    )
    migration.give_the_screen_counts(apps, schema_editor=None)
    course_version(2, 1)
    assert continue_where_they_left_off(client)[0] == "the knowledge check"


def test_a_new_version_that_must_be_retaken_is_read_from_the_first_screen(
    client, worker, course_version
):
    course_version(1, 1)
    read_every_screen(client, "speak_up")
    course_version(2, 2)
    assert client.get(CHECK).url == "/training/modules/speak_up/screens/1/"


def test_the_check_is_refused_by_the_service_too_before_the_screens(worker):
    every_answer = {n: q.correct for n, q in enumerate(course("speak_up").questions, start=1)}
    with pytest.raises(ValueError, match="Go through every screen of Speak Up"):
        knowledge_check_submit(user=worker, module="speak_up", answers=every_answer)
    assert not Completion.objects.exists()


def test_passes_from_before_start_the_module_afresh_after_the_migration(
    client, worker, person_with_role, organisation
):
    """Passes recorded before a pass reset the place: the migration resets them, but a worker
    who has gone on since (a refresher under way) keeps their place."""
    read_every_screen(client, "speak_up")
    client.post(CHECK, answers("speak_up"))
    check_screen = course("speak_up").check_screen
    # As the old code left it: at the knowledge check.
    ModuleProgress.objects.filter(user=worker).update(
        furthest_screen=check_screen, last_screen=check_screen
    )
    under_way = person_with_role(Role.WORKER)
    StaffRecordFactory(organisation=organisation, user=under_way)
    sign_in(client, under_way)
    read_every_screen(client, "speak_up")
    client.post(CHECK, answers("speak_up"))
    ModuleProgress.objects.filter(user=under_way).update(furthest_screen=check_screen)
    client.post("/training/modules/speak_up/restart/")
    client.post("/training/modules/speak_up/screens/1/")

    migration = importlib.import_module("speakup.training.migrations.0012_check_answers_kept")
    migration.start_afresh_after_a_pass(apps, schema_editor=None)

    assert client.get("/training/modules/speak_up/screens/2/").status_code == 200
    sign_in(client, worker)
    page = client.get("/training/modules/speak_up/").content.decode()
    assert "Continue where you left off" not in page and "Take the module again" in page
    assert client.get(CHECK).url == "/training/modules/speak_up/"
