"""The public JSON API: submit a concern, sign in with the receipt code, read, reply, feedback."""

import base64
import contextlib
import json
import re
import zlib

import pytest
from django.core import signing
from django.utils import timezone

from speakup.concerns.models import Concern, Feedback, Message, Status
from speakup.concerns.sealing import seal
from speakup.core.models import AuditRecord

pytestmark = pytest.mark.django_db

CONCERNS = "/api/v1/concerns"
SESSION = "/api/v1/speaker/session"
SPEAKER_CONCERN = "/api/v1/speaker/concern"
MESSAGES = "/api/v1/speaker/messages"
FEEDBACK = "/api/v1/speaker/feedback"


def post_json(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def anonymous_concern(organisation_, **fields):
    return {
        "organisation": organisation_.ods_code,
        "confidentiality": "anonymous",
        "description": "Sharps bins on ward 4 are overfilled.",
        **fields,
    }


@pytest.fixture
def submitted(client, organisation):
    response = post_json(client, CONCERNS, anonymous_concern(organisation))
    assert response.status_code == 201
    return response.json()


@pytest.fixture
def token(client, submitted):
    response = post_json(client, SESSION, {"receipt_code": submitted["receipt_code"]})
    assert response.status_code == 200
    return response.json()["token"]


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_submitting_a_concern_returns_reference_receipt_code_status_and_deadline(
    client, organisation
):
    response = post_json(
        client,
        CONCERNS,
        anonymous_concern(
            organisation,
            worker_group="ahp",
            patient_safety_risk=True,
            detriment_experienced=False,
        ),
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"reference", "receipt_code", "status", "acknowledge_by"}
    assert body["status"] == "received"
    assert len(body["receipt_code"]) == 16 and body["receipt_code"].isdigit()
    concern = Concern.objects.get(reference=body["reference"])
    assert body["acknowledge_by"] == concern.acknowledge_by.isoformat()
    assert concern.worker_group == "ahp"
    assert response["Cache-Control"].startswith("no-store")
    assert response["Referrer-Policy"] == "same-origin"


def test_an_open_concern_needs_contact_details(client, organisation):
    body = anonymous_concern(organisation, confidentiality="open")
    response = post_json(client, CONCERNS, body)
    assert response.status_code == 400
    assert "contact" in response.json()
    body["contact"] = {"name": "Ali", "email": "nope"}
    response = post_json(client, CONCERNS, body)
    assert response.status_code == 400
    assert response.json() == {
        "contact": {
            "email": ["Enter an email address in the correct format, like name@example.com"]
        }
    }
    body["contact"] = {"name": "Ali", "email": "ali@example.test", "phone": "01632 960001"}
    assert post_json(client, CONCERNS, body).status_code == 201


def test_contact_details_are_refused_for_an_anonymous_concern(client, organisation):
    body = anonymous_concern(organisation, contact={"name": "Ali", "email": "ali@example.test"})
    response = post_json(client, CONCERNS, body)
    assert response.status_code == 400
    assert "contact" in response.json()
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"organisation": "XXXXX"}, "organisation"),
        ({"organisation": None}, "organisation"),
        ({"confidentiality": "public"}, "confidentiality"),
        ({"description": ""}, "description"),
        ({"description": "y" * 20_001}, "description"),
        ({"description": 42}, "description"),
        ({"worker_group": "pilots"}, "worker_group"),
        ({"patient_safety_risk": "yes"}, "patient_safety_risk"),
        ({"detriment_experienced": 1}, "detriment_experienced"),
    ],
)
def test_each_refusal_is_a_400_with_a_message_for_the_field(client, organisation, change, field):
    response = post_json(client, CONCERNS, anonymous_concern(organisation, **change))
    assert response.status_code == 400
    assert isinstance(response.json()[field][0], str)
    assert not Concern.objects.exists()
    assert not AuditRecord.objects.exists()


@pytest.mark.parametrize("code", ["ZZZ99", "TST01; --", "x" * 300])
def test_an_unknown_organisation_is_a_400(client, organisation, code):
    """Whatever is sent is an unknown organisation, never a server error."""
    response = post_json(client, CONCERNS, anonymous_concern(organisation, organisation=code))
    assert response.status_code == 400
    assert response.json() == {"organisation": ["Select an organisation from the list"]}


def test_a_nul_in_the_organisation_is_a_400_naming_it(client, organisation):
    """Text the database could not hold (found by fuzzing on PostgreSQL): refused as JSON is
    read, as in every field of every JSON body (tests/api/test_json_bodies.py)."""
    body = anonymous_concern(organisation, organisation="TST\x0001")
    response = post_json(client, CONCERNS, body)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "A NUL character (\\u0000) is not allowed, in organisation"
    }


def test_an_oversized_body_is_a_413(client, organisation):
    body = anonymous_concern(organisation, description="x" * 70_000)
    response = post_json(client, CONCERNS, body)
    assert response.status_code == 413
    assert not Concern.objects.exists()


def test_a_body_that_is_not_json_is_a_415(client, organisation):
    response = client.post(CONCERNS, anonymous_concern(organisation))  # form-encoded
    assert response.status_code == 415
    response = client.post(CONCERNS, "description=x", content_type="text/plain")
    assert response.status_code == 415
    assert not Concern.objects.exists()


def test_json_whose_content_type_names_its_charset_is_json(client, organisation, token):
    """Many HTTP libraries send "application/json; charset=utf-8": a 415 before."""
    body = json.dumps(anonymous_concern(organisation))
    for content_type in ("application/json; charset=utf-8", "Application/JSON;charset=UTF-8"):
        assert client.post(CONCERNS, body, content_type=content_type).status_code == 201
    reply = json.dumps({"body": "It happened again."})
    sent = client.post(
        MESSAGES, reply, content_type="application/json; charset=utf-8", **bearer(token)
    )
    assert sent.status_code == 201


def test_broken_json_and_a_json_list_are_400(client, organisation):
    assert client.post(CONCERNS, "{", content_type="application/json").status_code == 400
    assert post_json(client, CONCERNS, ["not", "an", "object"]).status_code == 400


def test_a_retry_with_the_same_idempotency_key_returns_the_first_result(client, organisation):
    first = post_json(
        client, CONCERNS, anonymous_concern(organisation), HTTP_IDEMPOTENCY_KEY="abc-123"
    )
    again = post_json(
        client, CONCERNS, anonymous_concern(organisation), HTTP_IDEMPOTENCY_KEY="abc-123"
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Concern.objects.count() == 1
    other = post_json(
        client, CONCERNS, anonymous_concern(organisation), HTTP_IDEMPOTENCY_KEY="abc-124"
    )
    assert other.json()["reference"] != first.json()["reference"]


def test_the_receipt_code_buys_a_token_that_reads_the_concern(client, submitted, token):
    response = client.get(SPEAKER_CONCERN, **bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == submitted["reference"]
    assert body["status"] == "received"
    assert body["acknowledged_at"] is None
    assert body["messages"] == []
    assert body["files"] == []
    assert {"created_at", "acknowledged_at", "messages"} <= set(body)
    assert submitted["receipt_code"] not in token


def test_the_speaker_reads_the_names_of_the_files_they_attached(client, organisation):
    from speakup.concerns import attachments
    from speakup.concerns.services.intake import concern_submit

    sent = concern_submit(
        organisation=organisation,
        confidentiality="anonymous",
        description="The rota leaves one nurse on nights.",
        attachments=[attachments.Upload("Rota (Zoë).txt", b"Three nights in a row.")],
    )
    session = post_json(client, SESSION, {"receipt_code": sent.receipt_code}).json()
    body = client.get(SPEAKER_CONCERN, **bearer(session["token"])).json()
    assert body["files"] == [{"name": "Rota (Zoë).txt", "content_type": "text/plain", "size": 22}]


def test_a_wrong_receipt_code_is_a_401(client, submitted):
    assert post_json(client, SESSION, {"receipt_code": "1111222233334444"}).status_code == 401
    assert post_json(client, SESSION, {"receipt_code": "12"}).status_code == 401
    assert post_json(client, SESSION, {}).status_code == 401


def post_nothing(client, url):
    # Django's test client sends no Content-Type with an empty body unless told to.
    return client.generic("POST", url, "", CONTENT_TYPE="application/json")


def test_an_empty_body_is_a_400_that_says_it_is_empty(client):
    response = post_nothing(client, SESSION)
    assert response.status_code == 400
    # As a body of only spaces is answered, not as a wrong receipt code.
    assert response.json() == {"detail": "The body is empty: send it as JSON."}
    blank = client.post(SESSION, " ", content_type="application/json")
    assert blank.json() == response.json()


def test_an_empty_body_still_counts_against_the_client_as_before(client, submitted, settings):
    settings.SPEAKUP_RECEIPT_FAILURES_PER_CLIENT_PER_HOUR = 2
    for _ in range(2):
        assert post_nothing(client, SESSION).status_code == 400
    response = post_json(client, SESSION, {"receipt_code": submitted["receipt_code"]})
    assert response.status_code == 429


def test_a_receipt_code_in_digits_of_another_script_buys_a_token(client, submitted):
    full_width = "".join(chr(0xFF10 + int(d)) for d in submitted["receipt_code"])
    assert post_json(client, SESSION, {"receipt_code": full_width}).status_code == 200
    wrong = "".join(chr(0x0660 + int(d)) for d in "1111222233334444")
    assert post_json(client, SESSION, {"receipt_code": wrong}).status_code == 401


def test_too_many_wrong_receipt_codes_are_a_429(client, submitted):
    for _ in range(10):
        post_json(client, SESSION, {"receipt_code": "1111222233334444"})
    response = post_json(client, SESSION, {"receipt_code": submitted["receipt_code"]})
    assert response.status_code == 429


def test_too_many_attempts_across_the_service_are_a_429(client, submitted, settings):
    settings.SPEAKUP_RECEIPT_ATTEMPTS_PER_MINUTE = 2
    post_json(client, SESSION, {"receipt_code": "1111222233334444"}, REMOTE_ADDR="192.0.2.1")
    post_json(client, SESSION, {"receipt_code": "1111222233334444"}, REMOTE_ADDR="192.0.2.2")
    response = post_json(
        client, SESSION, {"receipt_code": submitted["receipt_code"]}, REMOTE_ADDR="192.0.2.3"
    )
    assert response.status_code == 429


def test_speaker_endpoints_need_a_valid_token(client, submitted):
    assert client.get(SPEAKER_CONCERN).status_code == 401
    assert client.get(SPEAKER_CONCERN, **bearer("forged")).status_code == 401
    assert post_json(client, MESSAGES, {"body": "hello"}, **bearer("forged")).status_code == 401
    response = post_json(client, FEEDBACK, {"would_speak_up_again": "yes", "detriment": False})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def _every_reading(token: str) -> list[bytes]:
    """The token, and each piece of it between ':' or '.', as base64 in either alphabet, and
    inflated too where that is zlib (as django.core.signing compresses)."""
    pieces = {token, *re.split(r"[:.]", token)}
    readings = []
    for piece in pieces:
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            with contextlib.suppress(ValueError):
                raw = decode(piece + "=" * (-len(piece) % 4))
                readings.append(raw)
                with contextlib.suppress(zlib.error):
                    readings.append(zlib.decompress(raw))
    return readings


def test_the_speakers_token_names_no_concern_id_however_it_is_decoded(client, submitted, token):
    concern = Concern.objects.get(reference=submitted["reference"])
    readings = _every_reading(token)
    assert readings  # it is base64
    for raw in readings:
        assert not re.search(rb'"\w+"\s*:', raw)  # no JSON, {"c": 238} or any other
        assert not re.search(rb"[:\[,]\s*%d\b" % concern.pk, raw)
        assert submitted["reference"].encode() not in raw


def test_a_token_in_the_old_signed_form_no_longer_opens_the_concern(client, submitted):
    concern = Concern.objects.get(reference=submitted["reference"])
    old = signing.dumps({"c": concern.pk, "n": "abcdefgh"}, salt="speakup.concerns.speaker-access")
    assert client.get(SPEAKER_CONCERN, **bearer(old)).status_code == 401


def test_the_speaker_replies_and_reads_the_guardians_message(client, submitted, token):
    concern = Concern.objects.get(reference=submitted["reference"])
    Message.objects.create(
        concern=concern, author="guardian", body_sealed=seal(concern, "body", "Thank you.")
    )
    response = post_json(client, MESSAGES, {"body": "Still happening."}, **bearer(token))
    assert response.status_code == 201
    assert response.json()["author"] == "speaker"
    messages = client.get(SPEAKER_CONCERN, **bearer(token)).json()["messages"]
    assert [(m["author"], m["body"]) for m in messages] == [
        ("guardian", "Thank you."),
        ("speaker", "Still happening."),
    ]


@pytest.mark.parametrize("body", [" ", "\u200b", " \ufeff\u200b "])
def test_an_empty_message_is_a_400(client, token, body):
    """A zero-width space or a byte-order mark shows nothing: it reached the guardian as an
    empty message."""
    response = post_json(client, MESSAGES, {"body": body}, **bearer(token))
    assert response.status_code == 400
    assert response.json() == {"body": ["Enter your message"]}
    assert not Message.objects.exists()


def test_a_concern_of_nothing_visible_is_refused(client, organisation):
    response = post_json(
        client,
        "/api/v1/concerns",
        {
            "organisation": organisation.ods_code,
            "confidentiality": "anonymous",
            "description": "\u200b\u2060",
        },
    )
    assert response.status_code == 400
    assert response.json() == {"description": ["Describe your concern"]}
    assert not Concern.objects.exists()


def test_feedback_is_a_409_until_the_concern_is_closed_then_201(client, submitted, token):
    answer = {"would_speak_up_again": "dont_know", "detriment": True, "comment": "Slow."}
    assert post_json(client, FEEDBACK, answer, **bearer(token)).status_code == 409
    Concern.objects.filter(reference=submitted["reference"]).update(
        status=Status.CLOSED, closed_at=timezone.now()
    )
    response = post_json(client, FEEDBACK, answer, **bearer(token))
    assert response.status_code == 201
    assert response.json() == {"would_speak_up_again": "dont_know", "detriment": True}
    feedback = Feedback.objects.get()
    assert feedback.would_speak_up_again == "dont_know" and feedback.detriment is True
    assert post_json(client, FEEDBACK, answer, **bearer(token)).status_code == 409


def test_feedback_with_bad_answers_is_a_400_per_field(client, submitted, token):
    Concern.objects.filter(reference=submitted["reference"]).update(status=Status.CLOSED)
    response = post_json(
        client, FEEDBACK, {"would_speak_up_again": "never", "detriment": "no"}, **bearer(token)
    )
    assert response.status_code == 400
    assert set(response.json()) == {"would_speak_up_again", "detriment"}


def test_the_public_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/concerns",
        "/api/v1/speaker/session",
        "/api/v1/speaker/concern",
        "/api/v1/speaker/messages",
        "/api/v1/speaker/feedback",
    ):
        assert path in schema
    assert "submit_concern" in schema and "speaker_sign_in" in schema


def test_a_flood_of_concerns_from_one_client_is_a_429(client, organisation, settings):
    settings.SPEAKUP_SUBMISSIONS_PER_CLIENT_PER_HOUR = 1
    assert post_json(client, CONCERNS, anonymous_concern(organisation)).status_code == 201
    assert post_json(client, CONCERNS, anonymous_concern(organisation)).status_code == 429
    assert Concern.objects.count() == 1
