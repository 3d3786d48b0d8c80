"""What the leaders following a case up (its accountable leader, and a leader it was escalated
to) see of its speaker and the speaker's files, on the case page and in the API alike: an open
speaker, who agreed to be known, by name; a confidential speaker's identity stays with the
guardians; and what the page says of who sees the speaker is true for whoever reads it."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from speakup.concerns.models import Confidentiality, DetrimentCheckin, Escalation, Feedback
from speakup.concerns.services import handling
from speakup.core.models import AuditRecord
from tests.concerns.factories import SPEAKER, ConcernFactory, attached_file
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

NOTES = b"Rota for nights on ward 7 (synthetic)"
GUARDIANS_ONLY = (
    "Confidential: only the organisation's FTSU guardians see who raised this concern. "
    "They share it only with the speaker's consent."
)


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _page(client, user, concern) -> str:
    sign_in(client, user)
    response = client.get(reverse("concerns:show_concern", args=[concern.reference]))
    assert response.status_code == 200
    return _text(response.content.decode())


def _api(user, concern) -> dict:
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get(f"/api/v1/concerns/{concern.reference}")
    assert response.status_code == 200
    return response.json()


def _case(staff, confidentiality):
    """A case with an accountable leader (Eve), escalated by hand to the non-executive FTSU
    lead (Ned), who is not its accountable leader."""
    concern = ConcernFactory(
        organisation=staff.organisation,
        confidentiality=confidentiality,
        accountable_lead=staff.lead,
    )
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    handling.concern_escalate(
        user=staff.guardian, concern=concern, level=Escalation.Level.NON_EXECUTIVE_LEAD
    )
    return concern


def _reader(staff, who):
    return {"guardian": staff.guardian, "accountable": staff.lead, "escalated to": staff.ned}[who]


@pytest.mark.parametrize("who", ["accountable", "escalated to"])
def test_a_leader_following_up_an_open_speakers_case_sees_who_raised_it(client, staff, who):
    concern = _case(staff, Confidentiality.OPEN)
    leader = _reader(staff, who)
    page = _page(client, leader, concern)
    assert f"Name {SPEAKER['name']}" in page and f"Email {SPEAKER['email']}" in page
    assert "only the guardian" not in page.lower()
    assert _api(leader, concern)["speaker"] == SPEAKER
    # Every read is audited, as before: the page's and the API's.
    reads = AuditRecord.objects.filter(
        action="concern.view", actor=leader, object_ref=concern.reference
    )
    assert reads.count() == 2


def test_the_leader_it_was_escalated_to_opens_an_open_speakers_files(client, staff):
    concern = _case(staff, Confidentiality.OPEN)
    note = attached_file(concern, "notes.txt", NOTES)
    page = _page(client, staff.ned, concern)
    assert "notes.txt" in page and "Only the organisation's FTSU guardians open them" not in page
    download = reverse("concerns:download_attachment", args=[concern.reference, note.pk])
    assert client.get(download).content == NOTES
    assert [f["name"] for f in _api(staff.ned, concern)["attachments"]] == ["notes.txt"]


@pytest.mark.parametrize("who", ["accountable", "escalated to"])
def test_a_confidential_speaker_stays_with_the_guardians(client, staff, who):
    concern = _case(staff, Confidentiality.CONFIDENTIAL)
    leader = _reader(staff, who)
    page = _page(client, leader, concern)
    assert GUARDIANS_ONLY in page
    assert SPEAKER["name"] not in page and SPEAKER["email"] not in page
    assert _api(leader, concern)["speaker"] is None


@pytest.mark.parametrize("confidentiality", [Confidentiality.OPEN, Confidentiality.CONFIDENTIAL])
@pytest.mark.parametrize("who", ["guardian", "accountable", "escalated to"])
def test_what_the_page_says_of_who_sees_the_speaker_is_true_for_every_reader(
    client, staff, confidentiality, who
):
    """It says only the guardians see who raised a concern just where that is so: a
    confidential speaker. An open speaker's name is on the page of everyone who reads it."""
    concern = _case(staff, confidentiality)
    page = _page(client, _reader(staff, who), concern)
    confidential = confidentiality == Confidentiality.CONFIDENTIAL
    shown = who == "guardian" or not confidential
    assert (SPEAKER["name"] in page) is shown
    says_guardians_only = "only the organisation's FTSU guardians see who raised this" in page
    assert says_guardians_only is confidential
    assert "Only the guardian sees who raised this concern" not in page


def test_a_leader_is_told_in_the_api_how_many_files_a_confidential_speaker_attached(client, staff):
    """The page says "The speaker attached 1 file"; the API says so too, without the file."""
    concern = _case(staff, Confidentiality.CONFIDENTIAL)
    attached_file(concern, "Zoë's notes.txt", NOTES)
    for leader in (staff.lead, staff.ned):
        assert "The speaker attached 1 file." in _page(client, leader, concern)
        body = _api(leader, concern)
        assert body["attachment_count"] == 1
        assert body["attachments"] == []
        assert "Zoë" not in str(body)
    guardian = _api(staff.guardian, concern)
    assert guardian["attachment_count"] == 1
    assert [f["name"] for f in guardian["attachments"]] == ["Zoë's notes.txt"]


# --- What names nobody but can narrow down who spoke up -----------------------------------


def _api_list(user) -> list[dict]:
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api.get("/api/v1/concerns").json()


@pytest.mark.parametrize("who", ["accountable", "escalated to"])
def test_a_leader_is_not_shown_the_speakers_worker_group(client, staff, who):
    """The speaker was told the answer is only counted: in a small team it can tell who spoke
    up. Whether patients are at risk stays, to act on."""
    concern = _case(staff, Confidentiality.ANONYMOUS)
    concern.worker_group, concern.patient_safety_risk = "estates_ancillary", True
    concern.save()
    leader = _reader(staff, who)
    page = _page(client, leader, concern)
    assert "Worker group" not in page and "Estates and ancillary" not in page
    assert "Patients at risk Yes" in page
    assert _api(leader, concern)["worker_group"] is None
    assert [c["worker_group"] for c in _api_list(leader)] == [None]
    # The guardian still sees it, on the page and in the API.
    assert "Worker group Estates and ancillary" in _page(client, staff.guardian, concern)
    assert _api(staff.guardian, concern)["worker_group"] == "estates_ancillary"
    assert [c["worker_group"] for c in _api_list(staff.guardian)] == ["estates_ancillary"]


@pytest.mark.parametrize("who", ["accountable", "escalated to"])
def test_a_leader_is_told_the_day_a_concern_arrived_not_the_time(client, staff, who):
    """The time a speaker sent their concern can match who was on shift."""
    with time_machine.travel(datetime(2026, 11, 27, 9, 20, 31, 123456, tzinfo=UTC), tick=False):
        concern = ConcernFactory(
            organisation=staff.organisation,
            confidentiality=Confidentiality.CONFIDENTIAL,
            accountable_lead=staff.lead,
        )
    with time_machine.travel(datetime(2026, 11, 27, 14, 5, tzinfo=UTC), tick=False):
        handling.concern_acknowledge(user=staff.guardian, concern=concern)
        handling.concern_escalate(
            user=staff.guardian, concern=concern, level=Escalation.Level.NON_EXECUTIVE_LEAD
        )
    leader = _reader(staff, who)
    page = _page(client, leader, concern)
    assert "Received 27 November 2026 " in page
    assert "9:20am" not in page  # nor in the status history's first row, which is the same
    # Nor the guardian's acknowledgement or escalation: they follow the arrival closely (and a
    # concern the guardian recorded from a call arrives by the guardian's hand).
    assert "2:05pm" not in page
    body = _api(leader, concern)
    assert body["received_at"] == "2026-11-27"
    assert body["acknowledged_at"] == "2026-11-27"
    assert [c["received_at"] for c in _api_list(leader)] == ["2026-11-27"]
    assert body["status_history"][0] == {
        "from_status": "",
        "to_status": "received",
        "at": "2026-11-27",
        "by": "speaker",
    }
    assert body["status_history"][1]["at"] == "2026-11-27"
    assert body["escalations"][0]["at"] == "2026-11-27"
    # The guardian sees every moment.
    guardian_page = _page(client, staff.guardian, concern)
    assert "Received 27 November 2026 at 9:20am" in guardian_page
    assert "27 November 2026 at 2:05pm" in guardian_page
    guardian = _api(staff.guardian, concern)
    assert guardian["received_at"] == "2026-11-27T09:20:31.123456Z"
    assert guardian["acknowledged_at"] == "2026-11-27T14:05:00Z"
    assert guardian["status_history"][0]["at"] == "2026-11-27T09:20:31.123456Z"
    assert guardian["status_history"][1]["at"] == "2026-11-27T14:05:00Z"
    assert guardian["escalations"][0]["at"] == "2026-11-27T14:05:00Z"


@pytest.mark.parametrize("who", ["accountable", "escalated to"])
def test_a_leader_is_told_the_day_the_speaker_gave_feedback_and_answered_not_the_time(
    client, staff, who
):
    """The time a speaker answered can match who was on shift, as the time they sent it can."""
    concern = ConcernFactory(
        organisation=staff.organisation,
        confidentiality=Confidentiality.CONFIDENTIAL,
        accountable_lead=staff.lead,
    )
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    handling.concern_escalate(
        user=staff.guardian, concern=concern, level=Escalation.Level.NON_EXECUTIVE_LEAD
    )
    at = datetime(2026, 11, 20, 22, 47, tzinfo=UTC)
    Feedback.objects.create(
        concern=concern, would_speak_up_again="yes", detriment=False, given_at=at
    )
    DetrimentCheckin.objects.create(
        concern=concern, due_on=at.date(), asked_at=at, answered_at=at, detriment=False
    )
    leader_page = _page(client, _reader(staff, who), concern)
    assert "20 November 2026" in leader_page
    assert "10:47pm" not in leader_page
    assert "20 November 2026 at 10:47pm" in _page(client, staff.guardian, concern)
