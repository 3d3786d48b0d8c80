"""Fuzzing the JSON API from its published OpenAPI schema (/api/v1/schema) with schemathesis.

Whatever a client sends to the public endpoints — valid or invalid for the schema, with or
without a speaker's token — the answer is never a server error and is always one the schema
documents: its status code, content type and body. Bounded (a few dozen examples an operation,
no deadline) so that it runs with the normal suite in well under a minute; the same examples
every time in CI, new ones on each local run. `make fuzz` runs it far longer with fresh examples,
for a nightly job.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
PUBLIC_OPERATIONS = [
    "organisations_list",
    "submit_concern",
    "speaker_sign_in",
    "speaker_show_concern",
    "speaker_send_message",
    "speaker_give_feedback",
]
SPEAKER_OPERATIONS = {"speaker_show_concern", "speaker_send_message", "speaker_give_feedback"}
EXAMPLES = 30
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_service")]


def _published_schema():
    """The schema as the running service publishes it, read through the WSGI app."""
    from django.test.utils import override_settings

    from speakup.wsgi import application

    with override_settings(ALLOWED_HOSTS=["localhost"]):
        return schemathesis.openapi.from_wsgi("/api/v1/schema", application)


SCHEMA = _published_schema()
OPERATIONS = {
    op.definition.raw.get("operationId"): op
    for op in (result.ok() for result in SCHEMA.get_all_operations())
}


def every_answer_as_documented(strategies, *, examples: int) -> None:
    """Send `examples` requests drawn from `strategies`; each answer must pass CHECKS."""

    @hypothesis_settings(
        # `make fuzz` asks for many more (FUZZ_EXAMPLES), drawn fresh each run.
        max_examples=int(os.environ.get("FUZZ_EXAMPLES") or examples),
        deadline=None,
        database=None,
        # In CI the same examples every run, so a result is reproducible and a change is what
        # fails it; run locally, every run explores new ones (and has found real bugs).
        derandomize=bool(os.environ.get("CI")),
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def answers_as_documented(case):
        case.call_and_validate(checks=CHECKS)

    answers_as_documented()


@pytest.fixture
def speaker_token(organisation):
    """A real speaker's bearer token, so the fuzzing reaches past the 401."""
    from speakup.concerns.services.intake import concern_submit
    from speakup.concerns.services.speaker import speaker_token_for

    submitted = concern_submit(
        organisation=organisation, confidentiality="anonymous", description="Fuzzing (synthetic)"
    )
    return speaker_token_for(submitted.concern)


def test_every_public_operation_is_in_the_published_schema():
    assert set(PUBLIC_OPERATIONS) <= set(OPERATIONS)


@pytest.mark.parametrize("operation_id", PUBLIC_OPERATIONS)
def test_public_endpoints_never_fail_and_answer_as_the_schema_says(operation_id, speaker_token):
    operation = OPERATIONS[operation_id]
    strategies = [operation.as_strategy(mode) for mode in GenerationMode]
    if operation_id in SPEAKER_OPERATIONS:
        signed_in = {"Authorization": f"Bearer {speaker_token}"}
        strategies += [operation.as_strategy(mode, headers=signed_in) for mode in GenerationMode]
    every_answer_as_documented(strategies, examples=EXAMPLES)
