"""Every staff endpoint answers a client with no session and no token the same way: 401, how to
sign in, and the WWW-Authenticate challenge, before it looks anything up (so an address says
nothing about what exists). Signed in without a role there, the answer is the endpoint's own
404, as for an outsider. The endpoints come from the published schema, so one added later is
checked too."""

import re

import pytest
from rest_framework.authtoken.models import Token

from speakup.concerns.services.intake import concern_submit
from speakup.core.api_errors import NOT_FOUND, NOT_SIGNED_IN
from tests.api.test_schema_fuzz import OPERATIONS
from tests.organisations.factories import UserFactory

# Everything else in the schema is for staff.
PUBLIC = {
    "organisations_list",
    "register_directors_list",
    "register_directors_retrieve",
    "submit_concern",
    "speaker_sign_in",
    "speaker_show_concern",
    "speaker_send_message",
    "speaker_give_feedback",
}
STAFF = sorted(set(OPERATIONS) - PUBLIC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def address(organisation):
    """The operation's address, naming a real organisation and a real case of it."""
    reference = concern_submit(
        organisation=organisation, confidentiality="anonymous", description="Synthetic"
    ).concern.reference
    values = {"ods_code": organisation.ods_code, "reference": reference}
    values |= {"quarter": "2025-Q1", "action_id": "1"}

    def make(operation_id: str) -> tuple[str, str]:
        operation = OPERATIONS[operation_id]
        path = re.sub(r"\{(\w+)\}", lambda name: values[name[1]], operation.path)
        return operation.method.upper(), path

    return make


def test_the_schema_marks_as_public_exactly_the_operations_listed_here():
    public = {
        operation_id
        for operation_id, operation in OPERATIONS.items()
        # No security, or {} among it: signing in is optional.
        if {} in operation.definition.raw.get("security", [{}])
    }
    assert public == PUBLIC
    assert "organisations_training_compliance_retrieve" in STAFF


@pytest.mark.parametrize("operation_id", STAFF)
def test_a_staff_endpoint_without_credentials_is_a_401_saying_how_to_sign_in(
    client, address, operation_id
):
    method, path = address(operation_id)
    response = client.generic(method, path)
    assert response.status_code == 401
    assert response.json() == {"detail": NOT_SIGNED_IN}
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("operation_id", STAFF)
def test_a_staff_endpoint_documents_its_401(operation_id):
    assert "401" in OPERATIONS[operation_id].definition.raw["responses"]


@pytest.mark.parametrize("operation_id", STAFF)
def test_signed_in_without_a_role_there_a_staff_endpoint_is_a_404_or_an_empty_list(
    client, address, operation_id
):
    outsider = Token.objects.create(user=UserFactory()).key
    method, path = address(operation_id)
    response = client.generic(method, path, headers={"Authorization": f"Token {outsider}"})
    if operation_id == "staff_list_concerns":
        assert (response.status_code, response.json()) == (200, [])
    else:
        assert response.status_code == 404
        assert response.json()["detail"] in NOT_FOUND.values()


def test_a_token_that_is_not_valid_is_a_401_with_the_challenge_too(client, organisation):
    response = client.get(
        "/api/v1/organisations/TST01/training/compliance",
        headers={"Authorization": "Token not-a-real-token"},
    )
    assert response.status_code == 401
    assert response.json()["detail"].startswith("That API token is not valid")
    assert response["WWW-Authenticate"] == "Token"
