"""Every JSON body of the API is read by one parser: a body nested too deeply or text with a NUL
character is a 400 in JSON, as any malformed body is, never a server error."""

import json

import pytest

from speakup.concerns.models import Concern
from speakup.organisations.roles import Role

pytestmark = pytest.mark.django_db

DEEP = "[" * 3000 + "]" * 3000
PUBLIC_BODIES = ["/api/v1/concerns", "/api/v1/speaker/session"]
XAPI = "/api/v1/training/xapi/statements"


def post_raw(client, url, text):
    # The xAPI version header, as a learning record store sends it (other views ignore it).
    headers = {"X-Experience-API-Version": "1.0.3"}
    return client.post(url, text, content_type="application/json", headers=headers)


@pytest.mark.parametrize("url", PUBLIC_BODIES)
@pytest.mark.parametrize("depth", [3000, 900, 101])
def test_a_deeply_nested_body_is_a_400_parse_error_without_signing_in(client, url, depth):
    response = post_raw(client, url, "[" * depth + "]" * depth)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The body is not JSON this API reads: it is nested more than 100 levels deep."
    }


@pytest.mark.parametrize("body", [DEEP, '{"a":' * 3000 + "1" + "}" * 3000])
def test_a_deeply_nested_xapi_body_is_a_400_parse_error(client_as, body):
    response = post_raw(client_as(Role.ORGANISATION_ADMIN), XAPI, body)
    assert response.status_code == 400
    assert response.json()["detail"].endswith("it is nested more than 100 levels deep.")


def test_a_body_a_hundred_deep_is_still_read(client):
    # Only the depth is refused: this one reaches the view, which wants an object.
    response = post_raw(client, "/api/v1/concerns", "[" * 100 + "]" * 100)
    assert response.json() == {"detail": "Send a JSON object"}


def test_a_nul_in_a_concern_is_refused_naming_the_field(client, organisation):
    body = {
        "organisation": organisation.ods_code,
        "confidentiality": "anonymous",
        "description": "a\u0000b",
    }
    response = post_raw(client, "/api/v1/concerns", json.dumps(body))
    assert response.status_code == 400
    assert response.json() == {"detail": "A NUL character (\\u0000) is not allowed, in description"}
    assert not Concern.objects.exists()


def test_a_nul_in_a_nested_field_or_a_key_is_named_too(client, organisation):
    body = {"contact": {"name": "Ada\u0000"}}
    response = post_raw(client, "/api/v1/concerns", json.dumps(body))
    assert response.json()["detail"].endswith("in contact.name")
    response = post_raw(client, "/api/v1/speaker/session", json.dumps({"receipt\u0000": "1"}))
    assert response.status_code == 400
    assert response.json()["detail"].endswith("in receipt\\u0000")


def test_a_nul_in_an_xapi_statement_is_refused_naming_where(client_as):
    body = [{"id": "x"}, {"actor": {"mbox": "mailto:a\u0000@fictional.test"}}]
    response = post_raw(client_as(Role.ORGANISATION_ADMIN), XAPI, json.dumps(body))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "A NUL character (\\u0000) is not allowed, in [1].actor.mbox"
    }


def test_half_a_character_in_a_concern_is_refused_naming_the_field(client, organisation):
    """The tester's crash: "\\ud800" alone (a faulty client's half emoji) could not be sealed."""
    body = {"organisation": organisation.ods_code, "confidentiality": "anonymous"}
    response = post_raw(client, "/api/v1/concerns", json.dumps({**body, "description": "a\ud800b"}))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Surrogate characters (\\ud800, half of a character) are not allowed, "
        "in description"
    }
    assert not Concern.objects.exists()


def test_a_whole_emoji_sent_as_its_two_halves_is_one_character(client, organisation):
    """JSON may write 😀 as "\\ud83d\\ude00": read as one character, taken as any other."""
    from speakup.concerns.sealing import unseal

    body = {"organisation": organisation.ods_code, "confidentiality": "anonymous"}
    sent = json.dumps({**body, "description": "Thank you 😀"})
    assert "\\ud83d\\ude00" in sent
    assert post_raw(client, "/api/v1/concerns", sent).status_code == 201
    concern = Concern.objects.get()
    assert unseal(concern, "narrative", concern.narrative_sealed) == "Thank you 😀"


def test_half_a_character_in_a_key_is_named_as_json_writes_it(client):
    body = {"contact": {"na\udc00me": "Ada"}}
    response = post_raw(client, "/api/v1/concerns", json.dumps(body))
    assert response.status_code == 400
    assert response.json()["detail"].endswith("in contact.na\\udc00me")
