"""An organisation reads and reviews the courses in the product before adopting them."""

import pytest
import yaml
from markupsafe import escape

from speakup.organisations.roles import Role
from speakup.training.content import course

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.ORGANISATION_ADMIN, Role.GUARDIAN, Role.BOARD_MEMBER])
def test_leaders_read_every_screen_and_every_answer(client_as, role):
    client = client_as(role)
    listing = client.get("/training/courses/").content.decode()
    for title in ("Speak Up", "Listen Up", "Follow Up"):
        assert f"Read all of {title}" in listing
    page = client.get("/training/courses/listen_up/").content.decode()
    listen_up = course("listen_up")
    for lesson in listen_up.lessons:
        assert escape(lesson.title) in page
        for screen in lesson.screens:
            assert escape(screen.title) in page
    for question in listen_up.questions:
        assert escape(question.text) in page
    assert page.count("Correct answer") == len(listen_up.questions)


def test_the_course_file_downloads_as_it_ships(client_as):
    response = client_as(Role.ORGANISATION_ADMIN).get("/training/courses/follow_up.yaml")
    assert response["Content-Disposition"] == 'attachment; filename="follow_up.yaml"'
    content = yaml.safe_load(b"".join(response.streaming_content))
    assert content["title"] == "Follow Up"


@pytest.mark.parametrize(
    "path", ["/training/courses/", "/training/courses/speak_up/", "/training/courses/speak_up.yaml"]
)
def test_workers_get_not_found(client_as, path):
    assert client_as(Role.WORKER).get(path).status_code == 404


def test_an_unknown_course_is_not_found(client_as):
    client = client_as(Role.ORGANISATION_ADMIN)
    assert client.get("/training/courses/wellbeing/").status_code == 404
    assert client.get("/training/courses/wellbeing.yaml").status_code == 404
