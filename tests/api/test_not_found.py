"""Under /api/ every error Django answers itself is JSON, as DRF's own are; and a 404 never tells
an unknown organisation from one the client may not see."""

import json

import pytest

from speakup.organisations.roles import Role

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found."}


@pytest.fixture(autouse=True)
def without_debug(settings):
    settings.DEBUG = False  # as served: Django's technical 404 page only shows with DEBUG on


@pytest.mark.parametrize(
    "address",
    [
        "/api/v1/organisations/DEMO2/training/compliance/",
        "/api/v1/training/completions/",
        "/api/v1/no-such-thing",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_api_address_is_a_json_404(client, address, method):
    response = getattr(client, method)(address)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == NOT_FOUND


def test_pages_outside_the_api_still_get_the_html_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_api_500_is_json(rf):
    from speakup.core.views.errors import server_error

    response = server_error(rf.get("/api/v1/concerns"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"


def test_an_unknown_organisation_and_one_not_yours_look_the_same(client_as, other_organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    address = "/api/v1/organisations/{}/training/compliance"
    unknown = client.get(address.format("NOPE1"))
    not_yours = client.get(address.format(other_organisation.ods_code))
    assert unknown.status_code == not_yours.status_code == 404
    assert unknown.json() == not_yours.json() == NOT_FOUND


def test_the_roster_upload_answers_the_same_for_both(client_as, other_organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    address = "/api/v1/organisations/{}/staff"
    unknown = client.post(address.format("NOPE1"), b"", content_type="text/csv")
    not_yours = client.post(
        address.format(other_organisation.ods_code), b"", content_type="text/csv"
    )
    assert unknown.status_code == not_yours.status_code == 404
    assert unknown.json() == not_yours.json() == NOT_FOUND


def test_a_request_django_refuses_under_the_api_is_a_json_400(client):
    """A host name not served (DisallowedHost) is refused before any view: still JSON."""
    response = client.get("/api/v1/organisations", HTTP_HOST="not-speakup.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Bad request."}
    page = client.get("/", HTTP_HOST="not-speakup.example")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_the_api_403_is_json(rf):
    from speakup.core.views.errors import forbidden

    response = forbidden(rf.get("/api/v1/concerns"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "detail": "You do not have permission to perform this action."
    }
