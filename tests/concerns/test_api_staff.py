"""The staff API: the same rules as the pages, per-field 400s, token or session sign-in."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from speakup.concerns import sealing
from speakup.concerns.models import Action, Status
from speakup.concerns.services import handling
from speakup.core.api_errors import SECOND_FACTOR_FIRST
from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from tests.concerns.factories import ConcernFactory
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def token_for(user) -> str:
    out = StringIO()
    call_command("api-token", user.email, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def api_as(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def test_api_token_prints_the_token_alone_on_the_last_line(staff):
    first = token_for(staff.guardian)
    assert len(first) == 40 and first.isalnum()
    assert token_for(staff.guardian) == first


def test_the_guardian_lists_and_reads_concerns_by_token(staff, concern):
    client = api_as(staff.guardian)
    listing = client.get("/api/v1/concerns")
    assert listing.status_code == 200
    assert [c["reference"] for c in listing.json()] == [concern.reference]
    assert "description" not in listing.json()[0]
    detail = client.get(f"/api/v1/concerns/{concern.reference}")
    assert detail.status_code == 200
    body = detail.json()
    assert "one nurse for 30 patients" in body["description"]
    assert body["speaker"]["name"] == "Sam Speaker"
    assert AuditRecord.objects.filter(action="concern.view").count() == 1


def test_a_reference_in_lower_case_or_without_its_hyphen_finds_the_same_case(client, staff):
    # A reference as new_reference makes them (the factory's are not).
    concern = ConcernFactory(organisation=staff.organisation, reference="X7KV-ZC45")
    client = api_as(staff.guardian)
    typed = [concern.reference.lower(), concern.reference.replace("-", "").lower()]
    for reference in typed:
        detail = client.get(f"/api/v1/concerns/{reference}")
        assert detail.status_code == 200, reference
        assert detail.json()["reference"] == concern.reference
    acknowledged = client.post(f"/api/v1/concerns/{typed[0]}/acknowledge")
    assert acknowledged.status_code == 200
    assert client.get(f"/api/v1/concerns/{concern.reference}").json()["status"] == "acknowledged"
    # The case page's address reads it the same way.
    page = sign_in(client, staff.guardian).get("/concerns/cases/x7kv-zc45/")
    assert page.status_code == 200 and "X7KV-ZC45" in page.content.decode()
    # Not a reference at all, or a part of one, is the plain "not found".
    for reference in ("x7kv", "oooo-0000", concern.reference.lower() + "a"):
        missing = client.get(f"/api/v1/concerns/{reference}")
        assert missing.status_code == 404, reference


def test_an_outsider_gets_404_for_a_lower_case_reference_too(
    staff, person_with_role, other_organisation
):
    concern = ConcernFactory(organisation=staff.organisation, reference="X7KV-ZC45")
    outsider = api_as(person_with_role(Role.GUARDIAN, other_organisation))
    assert outsider.get(f"/api/v1/concerns/{concern.reference.lower()}").status_code == 404


def test_the_guardian_works_a_case_through_the_api(staff, concern):
    client = api_as(staff.guardian)
    base = f"/api/v1/concerns/{concern.reference}"
    assert client.post(f"{base}/acknowledge").json()["status"] == "acknowledged"
    triaged = client.post(
        f"{base}/triage",
        {"elements": ["patient_safety", "worker_safety"], "worker_group": "ahp"},
        format="json",
    )
    assert triaged.status_code == 200, triaged.json()
    assert sorted(triaged.json()["elements"]) == ["patient_safety", "worker_safety"]
    respond_by = (timezone.localdate() + timedelta(days=10)).isoformat()
    assigned = client.post(
        f"{base}/assign",
        {
            "handler": staff.manager.email,
            "accountable_lead": staff.lead.email,
            "respond_by": respond_by,
        },
        format="json",
    )
    assert assigned.status_code == 201, assigned.json()
    assert assigned.json()["respond_by"] == respond_by
    message = client.post(f"{base}/messages", {"body": "We are on it"}, format="json")
    assert message.status_code == 201
    assert Action.objects.get().handler == staff.manager
    # The detail says who moved the case, as the case page's history does.
    history = client.get(base).json()["status_history"]
    assert [(step["to_status"], step["by"]) for step in history] == [
        ("received", "speaker"),
        ("acknowledged", staff.guardian.email),
        ("in_progress", staff.guardian.email),
    ]


def _ready_to_close(staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    handling.concern_name_accountable_lead(
        user=staff.guardian, concern=concern, accountable_lead=staff.lead
    )
    handling.concern_give_feedback(user=staff.guardian, concern=concern, body="Done")
    concern.refresh_from_db()
    return concern


def _recorded(concern, field):
    concern.refresh_from_db()
    return sealing.unseal(concern, field, getattr(concern, f"{field}_sealed"))


def test_closing_by_api_records_the_learning_then_waits_for_the_leaders_sign_off(staff, concern):
    concern = _ready_to_close(staff, concern)
    client = api_as(staff.guardian)
    url = f"/api/v1/concerns/{concern.reference}/close"
    body = {"outcome": "Fixed", "learning": "Check rotas"}
    refused = client.post(url, body, format="json")
    assert refused.status_code == 409
    assert "The accountable leader must sign off the learning" in refused.json()["detail"]
    assert refused.json()["blockers"] == ["The accountable leader must sign off the learning"]
    assert (_recorded(concern, "outcome"), _recorded(concern, "learning")) == (
        "Fixed",
        "Check rotas",
    )
    assert concern.status == Status.FEEDBACK_GIVEN
    handling.concern_sign_off_learning(user=staff.lead, concern=concern)
    closed = client.post(url, body, format="json")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == Status.CLOSED


def test_closing_by_api_with_changed_learning_needs_a_new_sign_off(staff, concern):
    concern = _ready_to_close(staff, concern)
    handling.concern_record_learning(
        user=staff.guardian, concern=concern, outcome="Fixed", learning="Check rotas"
    )
    handling.concern_sign_off_learning(user=staff.lead, concern=concern)
    url = f"/api/v1/concerns/{concern.reference}/close"
    changed = api_as(staff.guardian).post(
        url, {"outcome": "Fixed", "learning": "Check rotas weekly"}, format="json"
    )
    assert changed.status_code == 409
    assert _recorded(concern, "learning") == "Check rotas weekly"
    assert concern.learning_signed_off_at is None and concern.status == Status.FEEDBACK_GIVEN


def test_a_changed_outcome_alone_keeps_the_sign_off_and_closes(staff, concern):
    concern = _ready_to_close(staff, concern)
    handling.concern_record_learning(
        user=staff.guardian, concern=concern, outcome="Fixed", learning="Check rotas"
    )
    handling.concern_sign_off_learning(user=staff.lead, concern=concern)
    closed = api_as(staff.guardian).post(
        f"/api/v1/concerns/{concern.reference}/close",
        {"outcome": "Fixed, and the rota is checked monthly", "learning": "Check rotas"},
        format="json",
    )
    assert closed.status_code == 200
    assert _recorded(concern, "outcome") == "Fixed, and the rota is checked monthly"


def test_closing_by_api_before_feedback_or_twice_is_a_409_that_says_why(staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    client = api_as(staff.guardian)
    url = f"/api/v1/concerns/{concern.reference}/close"
    early = client.post(url, {"outcome": "Fixed", "learning": "Rotas"}, format="json")
    assert early.status_code == 409
    assert "Give the speaker feedback before you close the concern" in early.json()["blockers"]
    assert "Name the accountable leader" in early.json()["blockers"]
    concern.refresh_from_db()
    concern = _ready_to_close(staff, ConcernFactory(organisation=staff.organisation))
    client.post(
        f"/api/v1/concerns/{concern.reference}/close",
        {"outcome": "a", "learning": "b"},
        format="json",
    )
    handling.concern_sign_off_learning(user=staff.lead, concern=concern)
    url = f"/api/v1/concerns/{concern.reference}/close"
    assert client.post(url, {"outcome": "a", "learning": "b"}, format="json").status_code == 200
    again = client.post(url, {"outcome": "a", "learning": "b"}, format="json")
    assert again.status_code == 409
    assert again.json()["detail"] == "The concern cannot close yet: This concern is already closed"


@pytest.mark.parametrize(
    ("endpoint", "body", "fields"),
    [
        (
            "triage",
            {"elements": ["astrology"], "worker_group": "wizards"},
            {"elements", "worker_group"},
        ),
        ("triage", {}, {"elements", "worker_group"}),
        (
            "assign",
            {"handler": "not an email", "respond_by": "tomorrow"},
            {"handler", "respond_by"},
        ),
        ("messages", {"body": ""}, {"body"}),
        ("close", {}, {"outcome", "learning"}),
    ],
)
def test_bad_input_is_a_400_with_a_message_per_field(staff, concern, endpoint, body, fields):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    response = api_as(staff.guardian).post(
        f"/api/v1/concerns/{concern.reference}/{endpoint}", body, format="json"
    )
    assert response.status_code == 400
    assert fields <= set(response.json())


def test_empty_text_is_refused_in_the_words_of_the_pages(staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    client = api_as(staff.guardian)
    closing = client.post(
        f"/api/v1/concerns/{concern.reference}/close",
        {"outcome": " ", "learning": " "},
        format="json",
    )
    assert closing.json() == {
        "outcome": ["Enter the outcome of the concern"],
        "learning": ["Enter what the organisation has learned from the concern"],
    }
    writing = client.post(
        f"/api/v1/concerns/{concern.reference}/messages", {"body": " "}, format="json"
    )
    assert writing.json() == {"body": ["Enter your message to the speaker"]}


def test_assigning_to_someone_who_is_not_a_line_manager_is_refused_by_field(staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    response = api_as(staff.guardian).post(
        f"/api/v1/concerns/{concern.reference}/assign",
        {
            "handler": staff.lead.email,
            "accountable_lead": staff.manager.email,
            "respond_by": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"handler", "accountable_lead", "respond_by"}
    assert not Action.objects.exists()


def test_an_illegal_move_is_a_400_with_a_clear_message(staff, concern):
    client = api_as(staff.guardian)
    client.post(f"/api/v1/concerns/{concern.reference}/acknowledge")
    again = client.post(f"/api/v1/concerns/{concern.reference}/acknowledge")
    assert again.status_code == 400
    assert again.json() == {"non_field_errors": ["This concern is already acknowledged"]}


def test_the_accountable_leader_reads_but_cannot_change_by_api(staff, concern):
    concern.accountable_lead = staff.lead
    concern.save()
    client = api_as(staff.lead)
    assert client.get(f"/api/v1/concerns/{concern.reference}").json()["speaker"] is None
    assert client.post(f"/api/v1/concerns/{concern.reference}/acknowledge").status_code == 404


def test_outsiders_get_404_and_an_empty_list(staff, concern, person_with_role, other_organisation):
    outsider = person_with_role(Role.GUARDIAN, other_organisation)
    client = api_as(outsider)
    assert client.get("/api/v1/concerns").json() == []
    assert client.get(f"/api/v1/concerns/{concern.reference}").status_code == 404
    assert client.post(f"/api/v1/concerns/{concern.reference}/acknowledge").status_code == 404
    concern.refresh_from_db()
    assert concern.status == Status.RECEIVED


def test_without_credentials_the_api_says_sign_in(concern):
    response = APIClient().get(f"/api/v1/concerns/{concern.reference}")
    assert response.status_code == 401


def test_a_signed_in_session_works_too(client, staff, concern):
    sign_in(client, staff.guardian)
    assert client.get(f"/api/v1/concerns/{concern.reference}").status_code == 200


def test_the_staff_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/concerns/{reference}/acknowledge",
        "/concerns/{reference}/triage",
        "/concerns/{reference}/assign",
        "/concerns/{reference}/messages",
        "/concerns/{reference}/close",
        "staff_list_concerns",
    ):
        assert path in schema


def test_concerns_the_list_shows_are_flagged_when_overdue(staff):
    ConcernFactory(organisation=staff.organisation, received_at=timezone.now() - timedelta(days=30))
    listing = api_as(staff.guardian).get("/api/v1/concerns").json()
    assert listing[0]["overdue"] is True


@pytest.mark.parametrize(
    ("endpoint", "body", "refused"),
    [
        ("messages", {"body": "x" * 20_001}, {"body": "Your message"}),
        (
            "assign",
            {
                "respond_by": "2099-01-01",
                "description": "x" * 20_001,
                "shared_summary": "x" * 20_001,
            },
            {
                "description": "The description of the action",
                "shared_summary": "The summary for the line manager",
            },
        ),
        ("close", {"outcome": "x" * 20_001, "learning": "b"}, {"outcome": "The outcome"}),
        ("close", {"outcome": "a", "learning": "x" * 20_001}, {"learning": "The learning"}),
    ],
)
def test_text_over_twenty_thousand_characters_is_a_400_that_names_the_limit(
    staff, concern, endpoint, body, refused
):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    response = api_as(staff.guardian).post(
        f"/api/v1/concerns/{concern.reference}/{endpoint}",
        {"handler": staff.manager.email, **body},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        field: [f"{called} must be 20,000 characters or fewer"] for field, called in refused.items()
    }
    assert not concern.messages.exists() and not concern.actions.exists()
    concern.refresh_from_db()
    assert not concern.outcome_sealed and not concern.learning_sealed


def test_a_respond_by_date_more_than_a_year_ahead_is_a_400_for_the_field(staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    response = api_as(staff.guardian).post(
        f"/api/v1/concerns/{concern.reference}/assign",
        {
            "handler": staff.manager.email,
            "accountable_lead": staff.lead.email,
            "respond_by": "3000-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["respond_by"][0].startswith(
        "The date to respond by must be no more than a year from today"
    )
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        (
            "[" * 3000 + "]" * 3000,
            "The body is not JSON this API reads: it is nested more than 100 levels deep.",
        ),
        ('{"body": "a\\u0000b"}', "A NUL character (\\u0000) is not allowed, in body"),
    ],
)
def test_a_body_too_deep_or_with_a_nul_is_a_400_and_no_message_is_sent(
    staff, concern, text, detail
):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    response = api_as(staff.guardian).post(
        f"/api/v1/concerns/{concern.reference}/messages", text, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": detail}
    assert not concern.messages.exists()


# --- What the case page shows besides: changes to actions, escalations -------------------

REASON = "Manny is on long-term sick leave"


def _assign(staff, concern, respond_by, accountable_lead=None):
    action = handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=staff.manager,
        respond_by=respond_by,
        accountable_lead=accountable_lead,
    )
    action.concern = concern
    return action


def _handed_on_and_escalated(staff, concern, other_manager):
    """A case overdue for acknowledgement (escalated by the tick), then acknowledged, with an
    action handed on with a new date, given another date later, and escalated by hand."""
    from speakup.concerns.models import Escalation
    from speakup.concerns.services.deadlines import deadlines_tick

    deadlines_tick()
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    deadlines_tick()  # resolves what the acknowledgement finished
    concern.refresh_from_db()
    first_date = timezone.localdate() + timedelta(days=7)
    action = _assign(staff, concern, first_date, staff.lead)
    handling.action_change(
        user=staff.guardian,
        action=action,
        handler=other_manager,
        respond_by=first_date + timedelta(days=7),
        reason=REASON,
    )
    action.refresh_from_db()
    action.concern = concern
    handling.action_change(
        user=staff.guardian,
        action=action,
        respond_by=first_date + timedelta(days=14),
        reason="The ward is short this week",
    )
    handling.concern_escalate(
        user=staff.guardian, concern=concern, level=Escalation.Level.NON_EXECUTIVE_LEAD
    )
    return action, first_date


@pytest.fixture
def late_concern(staff):
    return ConcernFactory(
        organisation=staff.organisation, received_at=timezone.now() - timedelta(days=10)
    )


@pytest.fixture
def other_manager(person_with_role):
    return person_with_role(Role.LINE_MANAGER, full_name="Olive Other")


def _at(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value)


def test_the_detail_lists_each_change_to_an_action_with_from_to_and_why(
    staff, late_concern, other_manager
):
    from speakup.concerns.models import ActionChange

    _, first_date = _handed_on_and_escalated(staff, late_concern, other_manager)
    body = api_as(staff.guardian).get(f"/api/v1/concerns/{late_concern.reference}").json()
    [shown] = body["actions"]
    assert shown["handler"] == other_manager.email
    changes = shown["changes"]
    assert [_at(c.pop("at")) for c in changes] == [c.at for c in ActionChange.objects.all()]
    assert changes == [
        {
            "by": staff.guardian.email,
            "from_handler": staff.manager.email,
            "to_handler": other_manager.email,
            "from_respond_by": first_date.isoformat(),
            "to_respond_by": (first_date + timedelta(days=7)).isoformat(),
            "reason": REASON,
        },
        {
            "by": staff.guardian.email,
            "from_handler": other_manager.email,
            "to_handler": other_manager.email,
            "from_respond_by": (first_date + timedelta(days=7)).isoformat(),
            "to_respond_by": (first_date + timedelta(days=14)).isoformat(),
            "reason": "The ward is short this week",
        },
    ]


def test_the_detail_lists_the_escalations_by_level_and_reason_code(
    staff, late_concern, other_manager
):
    from speakup.concerns.models import Escalation

    _handed_on_and_escalated(staff, late_concern, other_manager)
    body = api_as(staff.guardian).get(f"/api/v1/concerns/{late_concern.reference}").json()
    escalations = body["escalations"]
    assert [_at(e.pop("at")) for e in escalations] == [e.at for e in Escalation.objects.all()]
    acknowledged = Escalation.objects.get(reason="acknowledge_overdue").resolved_at
    assert [
        {**e, "resolved_at": e["resolved_at"] and _at(e["resolved_at"])} for e in escalations
    ] == [
        {
            "level": "guardian",
            "reason": "acknowledge_overdue",
            "escalated_to": staff.guardian.email,
            "resolved_at": acknowledged,
        },
        {
            "level": "non_executive_lead",
            "reason": "manual",
            "escalated_to": staff.ned.email,
            "resolved_at": None,
        },
    ]
    assert acknowledged is not None, "acknowledging resolved it"


@pytest.mark.parametrize("who", ["lead", "ned"])
def test_a_leader_reads_the_changes_and_escalations_their_case_page_shows_and_no_more(
    client, staff, late_concern, other_manager, who
):
    """The accountable leader, and the leader it was escalated to, read in the API what their
    case page shows them of the case's history: every person it names and every reason; and,
    as on their page, nothing of the speaker or the conversation."""
    from django.urls import reverse

    from tests.concerns.test_handling_pages import _text

    _handed_on_and_escalated(staff, late_concern, other_manager)
    handling.concern_message(user=staff.guardian, concern=late_concern, body="Thank you, Sam")
    leader = getattr(staff, who)
    body = api_as(leader).get(f"/api/v1/concerns/{late_concern.reference}").json()
    sign_in(client, leader)
    page = _text(
        client.get(reverse("concerns:show_concern", args=[late_concern.reference])).content.decode()
    )

    changes = body["actions"][0]["changes"]
    reasons = [c["reason"] for c in changes]
    assert reasons == [REASON, "The ward is short this week"]
    assert all(reason in page for reason in reasons)
    assert [e["level"] for e in body["escalations"]] == ["guardian", "non_executive_lead"]
    assert "Non-executive FTSU lead" in page and "Not acknowledged in time" in page
    named = {c[key] for c in changes for key in ("by", "from_handler", "to_handler")}
    named |= {e["escalated_to"] for e in body["escalations"]}
    people = {
        p.email: p.full_name for p in (staff.guardian, staff.manager, other_manager, staff.ned)
    }
    assert named == set(people)
    assert all(people[email] in page for email in named)

    assert body["speaker"] is None and body["messages"] == []
    for secret in ("Sam Speaker", "sam.speaker@fictional.test", "Thank you, Sam"):
        assert secret not in str(body) and secret not in page


def test_the_detail_asks_the_database_the_same_number_of_questions_however_long_the_history(
    staff, late_concern, other_manager, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(staff.guardian)
    url = f"/api/v1/concerns/{late_concern.reference}"
    handling.concern_acknowledge(user=staff.guardian, concern=late_concern)
    late_concern.refresh_from_db()
    _assign(staff, late_concern, timezone.localdate() + timedelta(days=7), staff.lead)
    client.get(url)  # what is asked once a process, out of the way
    with CaptureQueriesContext(connection) as short:
        assert client.get(url).status_code == 200

    more = ConcernFactory(organisation=staff.organisation, received_at=late_concern.received_at)
    _handed_on_and_escalated(staff, more, other_manager)
    more.refresh_from_db()
    _assign(staff, more, timezone.localdate() + timedelta(days=3))
    with django_assert_max_num_queries(len(short.captured_queries)):
        body = client.get(f"/api/v1/concerns/{more.reference}").json()
    assert len(body["actions"]) == 2 and len(body["actions"][0]["changes"]) == 2
    assert len(body["escalations"]) == 2


@pytest.mark.parametrize("role", [Role.WORKER, Role.CHAMPION])
def test_a_signed_in_worker_sees_an_empty_list_and_404s_as_an_outsider_does(
    client, person_with_role, concern, role
):
    # Workers and champions sign in without a second factor, which their roles do not need.
    client.force_login(person_with_role(role, concern.organisation))
    assert client.get("/api/v1/concerns").json() == []
    response = client.get(f"/api/v1/concerns/{concern.reference}")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "There is no concern with that reference that you can see."
    }


def test_a_guardian_signed_in_without_the_second_factor_is_told_to_finish_signing_in(
    client, staff, concern
):
    client.force_login(staff.guardian)
    response = client.get(f"/api/v1/concerns/{concern.reference}")
    assert response.status_code == 403
    assert response.json() == {"detail": SECOND_FACTOR_FIRST}
    assert "6-digit code" in SECOND_FACTOR_FIRST
