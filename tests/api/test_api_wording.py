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
    assert response.status_code in (401, 403)
    assert response.json() == {
        "detail": "Sign in, or send an API token (Authorization: Token <key>), to use this address."
    }


def test_a_token_that_is_not_valid_says_so(client):
    response = client.get("/api/v1/concerns", headers={"Authorization": "Token not-a-real-token"})
    assert response.status_code == 401
    assert response.json()["detail"].startswith("That API token is not valid")
