"""A staff session ends at a set time; every signed-in page warns before it does, and "Stay
signed in" moves the end on, up to a day after signing in (docs/security.md, "Staff sessions")."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.utils import timezone

from speakup.organisations.roles import Role
from tests.core.test_sign_in import post_sign_in

STAY = "/account/stay-signed-in/"
HOURS = timedelta(hours=1)


@pytest.fixture
def signed_in(client, person_with_role):
    """A worker signed in through the sign-in page at `signed_in.at`, with time frozen there."""
    worker = person_with_role(Role.WORKER)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        post_sign_in(client, worker.email)
        client.at = timezone.now()
        client.clock = clock
        yield client


def at(client, moment):
    client.clock.move_to(moment)
    return client


def seconds_left(page: str) -> int:
    return int(re.search(r'data-access-seconds="(?P<seconds>\d+)"', page)["seconds"])


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_every_signed_in_page_warns_two_minutes_before_the_session_ends(signed_in):
    page = signed_in.get("/").content.decode()
    assert 'id="session-ending" role="alert" hidden' in page
    assert "You will be signed out in 2 minutes" in page
    assert 'data-warn-seconds="120"' in page
    assert seconds_left(page) == 8 * 60 * 60
    assert f'action="{STAY}"' in page
    assert "Stay signed in" in page
    assert "You have been signed out" in page  # shown by the script when the time is up
    assert '<a href="/account/sign-in/?next=/">sign in again</a>' in page


def test_using_the_service_does_not_move_the_end_of_the_session(signed_in):
    at(signed_in, signed_in.at + 7 * HOURS)
    assert seconds_left(signed_in.get("/").content.decode()) == 60 * 60
    at(signed_in, signed_in.at + 8 * HOURS + timedelta(seconds=1))
    assert not is_signed_in(signed_in)
    assert "Sign in" in signed_in.get("/").content.decode()


def test_staying_signed_in_gives_eight_more_hours_from_then(signed_in):
    at(signed_in, signed_in.at + 8 * HOURS - timedelta(minutes=1))
    answer = signed_in.post(STAY)
    assert answer.status_code == 200
    assert seconds_left(answer.content.decode()) == 8 * 60 * 60
    assert "Stay signed in" in answer.content.decode()

    at(signed_in, signed_in.at + 15 * HOURS)
    assert is_signed_in(signed_in)
    assert seconds_left(signed_in.get("/").content.decode()) == 60 * 60 - 60
    at(signed_in, signed_in.at + 16 * HOURS)
    assert not is_signed_in(signed_in)


def test_an_ended_session_cannot_be_brought_back(signed_in):
    at(signed_in, signed_in.at + 8 * HOURS + timedelta(seconds=1))
    answer = signed_in.post(STAY)
    assert answer.status_code == 302
    assert answer.url.startswith("/account/sign-in/")
    at(signed_in, signed_in.at + 7 * HOURS)  # even back inside its old lifetime
    assert not is_signed_in(signed_in)
    assert Session.objects.filter(expire_date__gt=signed_in.at + 8 * HOURS).count() == 0


def test_staying_signed_in_without_signing_in_is_refused_and_starts_no_session(client, db):
    answer = client.post(STAY)
    assert answer.status_code == 302
    assert answer.url.startswith("/account/sign-in/")
    assert not Session.objects.exists()


def test_nobody_stays_signed_in_for_more_than_a_day(signed_in):
    for hours in (7, 14, 21):
        at(signed_in, signed_in.at + hours * HOURS)
        answer = signed_in.post(STAY).content.decode()
    assert seconds_left(answer) == 3 * 60 * 60  # to a day after signing in, not 8 hours
    assert "Stay signed in" not in answer
    assert "nobody stays signed in for more than a day" in answer

    at(signed_in, signed_in.at + 24 * HOURS - timedelta(minutes=1))
    page = signed_in.get("/").content.decode()
    assert "Stay signed in" not in page
    assert "Save your work now, then sign in again" in page
    assert seconds_left(signed_in.post(STAY).content.decode()) == 60
    at(signed_in, signed_in.at + 24 * HOURS)
    assert not is_signed_in(signed_in)


def test_staying_signed_in_needs_the_forms_security_token(signed_in):
    signed_in.handler.enforce_csrf_checks = True
    at(signed_in, signed_in.at + 7 * HOURS)
    assert signed_in.post(STAY).status_code == 403
    page = signed_in.get("/").content.decode()
    assert seconds_left(page) == 60 * 60
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    answer = signed_in.post(STAY, {"csrfmiddlewaretoken": token})
    assert seconds_left(answer.content.decode()) == 8 * 60 * 60


def test_staying_signed_in_is_a_post(signed_in):
    assert signed_in.get(STAY).status_code == 405


def test_the_session_cookie_still_ends_when_the_browser_closes(client, person_with_role):
    response = post_sign_in(client, person_with_role(Role.WORKER).email)
    cookie = response.cookies["sessionid"]
    assert not cookie["max-age"]
    assert not cookie["expires"]


def test_speaker_pages_have_no_session_box_and_start_no_session(client, db):
    for path in ("/concerns/speak-up/", "/concerns/check/"):
        page = client.get(path).content.decode()
        assert "session-ending" not in page
        assert "Stay signed in" not in page
    assert "sessionid" not in client.cookies
    assert not Session.objects.exists()
