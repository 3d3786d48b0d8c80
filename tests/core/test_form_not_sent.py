"""A form posted without the CSRF cookie (cookies blocked or cleared, a page left open): the
service's own page in plain English, never Django's "CSRF verification failed"; JSON for the API."""

import json
import re
from html import unescape

import pytest
from django.test import Client, RequestFactory
from rest_framework.authtoken.models import Token

from speakup.core.views.errors import csrf_failure
from speakup.organisations.roles import Role
from tests.concerns.factories import ConcernFactory
from tests.conftest import sign_in
from tests.core.test_pages import assert_nhs_page

pytestmark = pytest.mark.django_db

DJANGOS_WORDS = ["CSRF", "Forbidden (403)", "Request aborted", "DEBUG=True"]


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.mark.parametrize(
    "path, form",
    [
        ("/concerns/speak-up/", {"draft": "", "organisation": "TST01"}),
        ("/account/sign-in/", {"email": "jo@fictional.test", "password": "not-sent"}),
    ],
)
def test_a_form_sent_without_the_cookie_gets_our_page_saying_why_and_what_to_do(
    organisation, path, form
):
    browser = Client(enforce_csrf_checks=True)  # as a browser that keeps no cookies
    response = browser.post(path, form)
    assert response.status_code == 403
    page = response.content.decode()
    assert_nhs_page(page)
    assert "<title>Your form could not be sent – speakup – NHS</title>" in page
    shown = text(response)
    assert "the page was open for a long time, or your browser blocks cookies" in shown
    assert "What you typed on that page was not sent, and nothing was saved." in shown
    assert "Use your browser's back button" in shown
    assert "Allow cookies for this site" in shown
    for words in DJANGOS_WORDS:
        assert words not in shown


API_REFUSAL = (
    "A request signed in with the browser's session must send its CSRF token (the csrftoken "
    "cookie, as the X-CSRFToken header). Scripts send an API token instead: "
    "Authorization: Token <key>."
)


def test_the_api_answers_a_signed_in_post_without_its_token_in_json(person_with_role, organisation):
    guardian = person_with_role(Role.GUARDIAN)
    concern = ConcernFactory(organisation=organisation)
    url = f"/api/v1/concerns/{concern.reference}/acknowledge"
    response = sign_in(Client(enforce_csrf_checks=True), guardian).post(url)
    assert response.status_code == 403
    assert response.json() == {"detail": API_REFUSAL}
    # An API token is no cookie a forged form could send: it needs no CSRF token.
    token = Token.objects.create(user=guardian).key
    script = Client(enforce_csrf_checks=True, headers={"Authorization": f"Token {token}"})
    assert script.post(url).status_code == 200


def test_a_refused_form_under_api_is_answered_in_json():
    request = RequestFactory().post("/api/v1/concerns")
    response = csrf_failure(request, reason="CSRF cookie not set.")
    assert response.status_code == 403
    assert json.loads(response.content) == {"detail": API_REFUSAL}


def test_the_staff_pages_refuse_a_post_without_the_cookie_in_the_same_words(person_with_role):
    browser = sign_in(Client(enforce_csrf_checks=True), person_with_role(Role.GUARDIAN))
    response = browser.post("/account/stay-signed-in/")
    assert response.status_code == 403
    assert "Your form could not be sent" in text(response)
