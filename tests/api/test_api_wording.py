"""The API answers in the plain English of the rest of the service, never in the framework's
words ("JSON parse error - Expecting value: line 1 column 1 (char 0)", 'Method "DELETE" not
allowed.', "Invalid page.", "Authentication credentials were not provided.")."""

import pytest
from rest_framework.authtoken.models import Token

from speakup.concerns.services.intake import concern_submit
from speakup.organisations.roles import Role

pytestmark = pytest.mark.django_db


def test_malformed_json_says_what_is_wrong_and_where(client):
    response = client.post(
        "/api/v1/concerns", '{"description": "a",}', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The body is not valid JSON: expecting property name enclosed in double quotes, "
        "at line 1, column 21."
    }


def test_an_empty_json_body_is_called_empty(client):
    response = client.post("/api/v1/concerns", "  \n", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The body is empty: send it as JSON."}


def test_a_method_an_address_does_not_take_names_the_ones_it_does(client):
    response = client.delete("/api/v1/register/directors")
    assert response.status_code == 405
    assert response.json() == {
        "detail": "This address does not take DELETE requests. It takes GET."
    }


def test_a_page_past_the_end_of_the_register_says_so(client):
    response = client.get("/api/v1/register/directors?page=99")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no page 99 of these results."}


@pytest.mark.parametrize("page", ["abc", "0", "-1", "2.5", "1e3"])
def test_a_page_that_is_not_a_whole_number_from_1_is_a_400_that_says_so(client, page):
    response = client.get(f"/api/v1/register/directors?page={page}")
    assert response.status_code == 400
    assert response.json() == {"detail": "A page is a whole number from 1."}


def test_the_first_and_last_pages_are_still_found_by_number_and_by_name(client):
    for page in ("1", "last", ""):
        assert client.get(f"/api/v1/register/directors?page={page}").status_code == 200


def test_a_staff_address_without_a_token_says_how_to_send_one(client):
    response = client.get("/api/v1/concerns")
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Sign in, or send an API token (Authorization: Token <key>), to use this address."
    }
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_that_is_not_valid_says_so(client):
    response = client.get("/api/v1/concerns", headers={"Authorization": "Token not-a-real-token"})
    assert response.status_code == 401
    assert response.json()["detail"].startswith("That API token is not valid")


# No boundary; one longer than the 201 characters multipart allows (the header within DRF's 256).
@pytest.mark.parametrize(
    "content_type", ["multipart/form-data", f"multipart/form-data; boundary={'b' * 220}"]
)
def test_a_broken_multipart_body_is_a_400_in_plain_words_and_sends_nothing(
    client, organisation, person_with_role, content_type
):
    guardian = person_with_role(Role.GUARDIAN)
    concern = concern_submit(
        organisation=organisation, confidentiality="anonymous", description="Synthetic"
    ).concern
    response = client.post(
        f"/api/v1/concerns/{concern.reference}/messages",
        b"body=Hello",
        content_type=content_type,
        headers={"Authorization": f"Token {Token.objects.create(user=guardian).key}"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The body is not valid multipart/form-data: the Content-Type header must name "
        "the boundary that separates its parts, as in multipart/form-data; boundary=xyz."
    }
    assert not concern.messages.exists()


XAPI = "/api/v1/training/xapi/statements"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", "completed"),
        ("application/x-www-form-urlencoded", "verb=completed"),
        ("text/plain; charset=utf-8", "completed"),
    ],
)
def test_a_body_of_a_type_an_address_does_not_read_is_told_what_to_send(
    client_as, organisation, content_type, body
):
    """DRF said 'Unsupported media type "text/plain" in request.'"""
    response = client_as(Role.ORGANISATION_ADMIN).post(
        XAPI, body, content_type=content_type, headers={"X-Experience-API-Version": "1.0.3"}
    )
    assert response.status_code == 415
    assert response.json() == {
        "detail": "Send the body as JSON (Content-Type: application/json): this address does not "
        f"read {content_type.split(';')[0]}."
    }


@pytest.mark.parametrize(
    ("path", "accept", "answers"),
    [
        (
            "/organisations/TST01/training/compliance",
            "text/csv",
            "JSON only: ask for application/json (Accept: application/json)",
        ),
        (
            "/organisations/TST01/data-returns/2026-Q1",
            "application/xml",
            "application/json or text/csv: ask for one of them",
        ),
    ],
)
def test_an_answer_in_a_type_an_address_does_not_give_says_what_it_answers_in(
    client_as, organisation, path, accept, answers
):
    """DRF said "Could not satisfy the request Accept header." """
    response = client_as(Role.GUARDIAN).get(f"/api/v1{path}", HTTP_ACCEPT=accept)
    assert response.status_code == 406
    assert response.json() == {
        "detail": f"This address answers in {answers}, or send no Accept header."
    }
