"""Under /api/ every error Django answers itself is JSON, as DRF's own are; a 404 says in plain
English what there is none of, never in Django's developer words; and it never tells an unknown
organisation (or concern) from one the client may not see."""

import json

import pytest

from speakup.organisations.roles import Role

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "There is nothing at this address that you can see."}
NO_ORGANISATION = {"detail": "There is no organisation with that ODS code that you can see."}
NO_CONCERN = {"detail": "There is no concern with that reference that you can see."}


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
    assert unknown.json() == not_yours.json() == NO_ORGANISATION


def test_the_roster_upload_answers_the_same_for_both(client_as, other_organisation):
    client = client_as(Role.ORGANISATION_ADMIN)
    address = "/api/v1/organisations/{}/staff"
    unknown = client.post(address.format("NOPE1"), b"", content_type="text/csv")
    not_yours = client.post(
        address.format(other_organisation.ods_code), b"", content_type="text/csv"
    )
    assert unknown.status_code == not_yours.status_code == 404
    assert unknown.json() == not_yours.json() == NO_ORGANISATION


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


# --- Each kind of thing in its own words ----------------------------------------------------


def _token_client(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_concern_not_yours_and_one_that_does_not_exist_get_the_same_plain_words(
    person_with_role, organisation, other_organisation
):
    from tests.concerns.factories import ConcernFactory

    concern = ConcernFactory(organisation=organisation)
    client = _token_client(person_with_role(Role.GUARDIAN, other_organisation))
    for reference in (concern.reference, "NOPE1234"):
        for answer in (
            client.get(f"/api/v1/concerns/{reference}"),
            client.post(f"/api/v1/concerns/{reference}/acknowledge"),
        ):
            assert answer.status_code == 404
            assert answer.json() == NO_CONCERN


def test_a_leader_changing_a_case_they_read_is_told_they_may_not_change_it(person_with_role):
    from tests.concerns.factories import ConcernFactory

    lead = person_with_role(Role.EXECUTIVE_LEAD)
    concern = ConcernFactory(
        organisation=lead.memberships.get().organisation, accountable_lead=lead
    )
    client = _token_client(lead)
    assert client.get(f"/api/v1/concerns/{concern.reference}").status_code == 200
    answer = client.post(f"/api/v1/concerns/{concern.reference}/acknowledge")
    assert answer.status_code == 404
    assert answer.json() == {
        "detail": "There is no concern with that reference that you may change."
    }


def test_an_action_not_of_the_concern_is_named_in_plain_words(person_with_role, organisation):
    from tests.concerns.factories import ConcernFactory

    concern = ConcernFactory(organisation=organisation)
    client = _token_client(person_with_role(Role.GUARDIAN))
    answer = client.post(
        f"/api/v1/concerns/{concern.reference}/actions/999999/change",
        {"reason": "Leave"},
        format="json",
    )
    assert answer.status_code == 404
    assert answer.json() == {"detail": "This concern has no action with that number."}


def test_an_unknown_director_is_named_in_plain_words(client):
    answer = client.get("/api/v1/register/directors/D999999")
    assert answer.status_code == 404
    assert answer.json() == {
        "detail": "There is no director with that register number on the register."
    }


def test_a_data_return_for_an_organisation_not_yours_is_named_in_plain_words(
    client_as, other_organisation
):
    answer = client_as(Role.GUARDIAN).get(
        f"/api/v1/organisations/{other_organisation.ods_code}/data-returns/2026-Q3"
    )
    assert answer.status_code == 404
    assert answer.json() == NO_ORGANISATION


def test_an_upload_for_someone_who_administers_no_organisation_is_plain_too(client_as):
    # A guardian, who sees their organisation's training, is told only admins import (a 403).
    answer = client_as(Role.WORKER).post(
        "/api/v1/training/completions", b"", content_type="text/csv"
    )
    assert answer.status_code == 404
    assert answer.json() == NOT_FOUND


def test_a_404_raised_anywhere_else_in_the_api_never_speaks_djangos_words(rf):
    """A view or service that raises Django's 404 ("No Concern matches the given query.") or
    DRF's ("Not found.") is answered in the same plain words as an unknown address."""
    from django.http import Http404
    from rest_framework.exceptions import NotFound

    from speakup.core.api_errors import exception_handler

    for raised in (Http404("No Concern matches the given query."), Http404(), NotFound()):
        answer = exception_handler(raised, {"request": rf.get("/api/v1/concerns/X")})
        assert answer.status_code == 404
        assert answer.data == NOT_FOUND


def test_the_published_schema_says_every_404_carries_a_detail(client):
    """A client reading the schema learns that a 404 has a message to show, as it always does.
    Several operations documented their 404 with no body at all."""
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    bodiless = []
    for address, operations in schema["paths"].items():
        for method, operation in operations.items():
            not_found = operation.get("responses", {}).get("404")
            if not_found is None:
                continue
            body = not_found.get("content", {}).get("application/json", {}).get("schema", {})
            if body.get("$ref") != "#/components/schemas/Error":
                bodiless.append(f"{method.upper()} {address}")
    assert bodiless == []
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
