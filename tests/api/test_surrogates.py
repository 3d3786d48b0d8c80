"""Half a character (a lone surrogate, "\\ud800" in JSON, as a faulty client can send) in any text
field of any JSON body the API takes is a 400 naming the field, and nothing is saved.

The fields are read from the published OpenAPI schema, so an endpoint added later is tried too.
Schemathesis (test_schema_fuzz.py) never sends a lone surrogate: it cannot be encoded as UTF-8,
so its generator leaves them out; JSON's \\u escapes can carry one all the same.
"""

import json

import pytest
from django.apps import apps
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from speakup.concerns.services.intake import concern_submit
from speakup.concerns.services.speaker import speaker_token_for
from speakup.organisations.roles import Role
from tests.api.test_staff_schema_fuzz import _open_action
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

HALF = "a\ud800b"
REFUSED = "Surrogate characters (\\ud800, half of a character) are not allowed, in {where}"
SCHEMA = SchemaGenerator().get_schema(request=None, public=True)


def _resolved(schema: dict) -> dict:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def text_fields(schema: dict, path: tuple = ()) -> list[tuple]:
    """The path of every string the schema lets a body hold, through objects and lists."""
    schema = _resolved(schema)
    found = []
    for alternative in schema.get("allOf", []) + schema.get("oneOf", []):
        found += text_fields(alternative, path)
    if schema.get("type") == "string" or "enum" in schema:
        found.append(path)
    for name, field in schema.get("properties", {}).items():
        found += text_fields(field, (*path, name))
    if schema.get("additionalProperties") not in (None, False):  # any key: name one
        found += text_fields(schema["additionalProperties"] or {"type": "string"}, (*path, "x"))
    if "items" in schema:
        found += text_fields(schema["items"], (*path, 0))
    return sorted(set(found), key=str)


def json_text_fields() -> list:
    """(operation, method, address, field path) for every text field of every JSON body."""
    cases = []
    for address, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            for path in text_fields(body["schema"]):
                name = f"{operation['operationId']}:{named(path)}"
                cases.append(pytest.param(operation, method, address, path, id=name))
    return cases


def holding(path: tuple, value):
    """The smallest body with `value` at `path`: {"contact": {"name": value}}."""
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    return value


def named(path: tuple) -> str:
    return ("".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)).lstrip(".")


def rows_of_every_table() -> dict:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture
def world(organisation, person_with_role):
    """A guardian's token, a case with an open action, and its speaker's token: every address of
    the schema can be filled in, and every endpoint reached past signing in."""
    guardian = person_with_role(Role.ORGANISATION_ADMIN)
    MembershipFactory(user=guardian, role=Role.GUARDIAN, organisation=organisation)
    concern = concern_submit(
        organisation=organisation, confidentiality="anonymous", description="Synthetic"
    ).concern
    return {
        "staff": f"Token {Token.objects.create(user=guardian).key}",
        "speaker": f"Bearer {speaker_token_for(concern)}",
        "reference": concern.reference,
        "action_id": _open_action(organisation, concern.reference, guardian),
        "ods_code": organisation.ods_code,
    }


def test_the_schema_names_the_text_fields_the_speakers_sent_half_characters_in():
    """The fields the tester's lone surrogates broke are among those tried below."""
    tried = {(p.values[0]["operationId"], named(p.values[3])) for p in json_text_fields()}
    assert {
        ("submit_concern", "description"),
        ("submit_concern", "contact.name"),
        ("speaker_send_message", "body"),
        ("staff_message_speaker", "body"),
        ("staff_triage_concern", "elements[0]"),
        ("training_xapi_statements_create", "x"),
    } <= tried


@pytest.mark.parametrize(("operation", "method", "address", "path"), json_text_fields())
def test_half_a_character_in_any_text_field_is_a_400_naming_it(
    client, world, operation, method, address, path
):
    speaker_only = any(p["name"] == "Authorization" for p in operation.get("parameters", []))
    before = rows_of_every_table()

    response = client.generic(
        method.upper(),
        address.format(**world),
        json.dumps(holding(path, HALF)),  # written with \u escapes, as JSON clients send it
        content_type="application/json",
        headers={
            "Authorization": world["speaker" if speaker_only else "staff"],
            "X-Experience-API-Version": "1.0.3",
        },
    )

    assert response.status_code == 400, response.content
    assert response.json() == {"detail": REFUSED.format(where=named(path))}
    assert rows_of_every_table() == before
