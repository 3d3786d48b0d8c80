"""Fuzzing the staff and training endpoints of the JSON API, signed in with a staff token.

The same promise as the public endpoints (test_schema_fuzz.py): whatever a client sends — a
roster or completions CSV of any shape, an xAPI statement, a case action — the answer is never
a server error and is one the schema documents. The token belongs to someone who is both the
organisation's admin and its guardian, and the organisation's ODS code is used in every path,
so the fuzzing reaches past "not found" into the validation of what is sent.
"""

import pytest
import schemathesis
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.transport.serialization import serialize_binary

from speakup.organisations.roles import Role
from tests.api.test_schema_fuzz import OPERATIONS, every_answer_as_documented
from tests.organisations.factories import MembershipFactory

STAFF_OPERATIONS = [
    "organisations_staff_create",
    "organisations_training_compliance_retrieve",
    "organisations_data_returns_retrieve",
    "training_completions_create",
    "training_xapi_statements_create",
    "staff_list_concerns",
    # A guardian's work on a real case of the organisation (the reference is in every path).
    "staff_show_concern",
    "staff_acknowledge_concern",
    "staff_triage_concern",
    "staff_assign_action",
    "staff_change_action",
    "staff_message_speaker",
    "staff_close_concern",
]
EXAMPLES = 25
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("quiet_service")]


@schemathesis.serializer("text/csv")
def csv_body(_context, value) -> bytes:
    """Whatever was generated for a CSV upload (often raw bytes: the schema says binary), as the
    body's bytes."""
    return serialize_binary(value)


@pytest.fixture
def staff_token(person_with_role, organisation):
    user = person_with_role(Role.ORGANISATION_ADMIN)
    MembershipFactory(user=user, role=Role.GUARDIAN, organisation=organisation)
    return Token.objects.create(user=user).key


@pytest.fixture
def case_reference(organisation):
    from speakup.concerns.services.intake import concern_submit

    submitted = concern_submit(
        organisation=organisation, confidentiality="anonymous", description="Fuzzing (synthetic)"
    )
    return submitted.concern.reference


def _open_action(organisation, reference, guardian) -> int:
    """An action on the case, with a line manager and a date, for the fuzzing to change."""
    from datetime import timedelta

    from django.utils import timezone

    from speakup.concerns.models import Concern
    from speakup.concerns.services import handling
    from tests.organisations.factories import UserFactory

    def person(role):
        user = UserFactory()
        MembershipFactory(user=user, role=role, organisation=organisation)
        return user

    concern = Concern.objects.get(reference=reference)
    handling.concern_acknowledge(user=guardian, concern=concern)
    concern.refresh_from_db()
    action = handling.action_assign(
        user=guardian,
        concern=concern,
        handler=person(Role.LINE_MANAGER),
        respond_by=timezone.localdate() + timedelta(days=7),
        accountable_lead=person(Role.EXECUTIVE_LEAD),
    )
    person(Role.LINE_MANAGER)  # someone else to hand it to
    return action.pk


def _history(organisation, reference, guardian) -> None:
    """An action handed on and the case escalated, so the case's answer shows both."""
    from speakup.concerns.models import Action, Concern, Escalation
    from speakup.concerns.services import handling
    from tests.organisations.factories import UserFactory

    action = Action.objects.get(pk=_open_action(organisation, reference, guardian))
    someone_else = UserFactory()
    MembershipFactory(user=someone_else, role=Role.LINE_MANAGER, organisation=organisation)
    handling.action_change(
        user=guardian, action=action, handler=someone_else, reason="Away this month (synthetic)"
    )
    handling.concern_escalate(
        user=guardian,
        concern=Concern.objects.get(reference=reference),
        level=Escalation.Level.ACCOUNTABLE_LEAD,
    )


@pytest.mark.parametrize("operation_id", STAFF_OPERATIONS)
def test_staff_endpoints_never_fail_and_answer_as_the_schema_says(
    operation_id, staff_token, organisation, case_reference
):
    operation = OPERATIONS[operation_id]
    signed_in = {"Authorization": f"Token {staff_token}"}
    ours = {"ods_code": organisation.ods_code, "reference": case_reference}
    guardian = Token.objects.get(key=staff_token).user
    if operation_id == "staff_change_action":
        ours["action_id"] = _open_action(organisation, case_reference, guardian)
    if operation_id == "staff_show_concern":
        _history(organisation, case_reference, guardian)
    strategies = [
        operation.as_strategy(mode, headers=signed_in, path_parameters=ours)
        for mode in GenerationMode
    ]

    every_answer_as_documented(strategies, examples=EXAMPLES)
