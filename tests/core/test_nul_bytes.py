"""A NUL byte in an address is refused before any view looks it up: PostgreSQL cannot hold one
in text, so each of these gave a server error there before."""

import pytest

from speakup.organisations.roles import Role

pytestmark = pytest.mark.django_db

IN_THE_PATH = [
    "/register/directors/D%0001/",  # public: anyone could cause it
    "/api/v1/register/directors/D%00",
    "/api/v1/concerns/AB%00C",
    "/api/v1/organisations/TS%00T/training/compliance",
    "/training/organisations/TS%00T/",
]


@pytest.mark.parametrize("address", IN_THE_PATH)
def test_a_nul_byte_in_the_path_is_page_not_found(client_as, address):
    response = client_as(Role.GUARDIAN).get(address)
    assert response.status_code == 404


def test_the_api_answers_in_json(client_as):
    response = client_as(Role.GUARDIAN).get("/api/v1/concerns/AB%00C")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is nothing at this address that you can see."}


def test_a_nul_byte_in_a_search_is_a_bad_request(client):
    response = client.get("/register/", {"q": "Ell\x00ery"})
    assert response.status_code == 400


def test_ordinary_addresses_are_untouched(client):
    assert client.get("/register/", {"q": "Ellery"}).status_code == 200
