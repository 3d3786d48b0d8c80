"""The API answers in the plain English of the rest of the service, never in the framework's
words ("JSON parse error - Expecting value: line 1 column 1 (char 0)", 'Method "DELETE" not
allowed.', "Invalid page.", "Authentication credentials were not provided.")."""

import pytest

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


def test_a_staff_address_without_a_token_says_how_to_send_one(client):
    response = client.get("/api/v1/concerns")
    assert response.status_code in (401, 403)
    assert response.json() == {
        "detail": "Sign in, or send an API token (Authorization: Token <key>), to use this address."
    }


def test_a_token_that_is_not_valid_says_so(client):
    response = client.get("/api/v1/concerns", headers={"Authorization": "Token not-a-real-token"})
    assert response.status_code == 401
    assert response.json()["detail"].startswith("That API token is not valid")
