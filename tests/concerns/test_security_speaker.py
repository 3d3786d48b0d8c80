"""Security of the speaker side: nothing readable in the database, nothing about the speaker's
connection anywhere, the receipt code nowhere but on the speaker's screen."""

import base64
import json
import logging
import re
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from speakup.concerns.models import Concern
from speakup.concerns.services.intake import concern_submit

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
USER_AGENT = "DistinctiveBrowser/9.87 (speakup-privacy-test)"
REFERRER = "https://referrer.example.test/where-i-came-from"
NARRATIVE = "Zebra-striped marmalade incident on the paediatric ward"
NAME = "Quentin Uniquename"
EMAIL = "quentin.uniquename@example.test"
REPLY = "Octarine-coloured follow-up message"
CONNECTION = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": USER_AGENT, "HTTP_REFERER": REFERRER}


def database_text() -> str:
    """Every value in every table, as text (binary as latin-1 and as base64 both)."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  (table names from Django)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        raw = bytes(value)
                        parts += [raw.decode("latin-1"), base64.b64encode(raw).decode()]
                    else:
                        parts.append(str(value))
    return "\n".join(parts)


def dumpdata_text() -> str:
    out = StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def speak_up_on_the_web(client, organisation) -> str:
    page = client.get("/concerns/speak-up/", **CONNECTION)

    def step(page, **data):
        draft = re.search(r'name="draft" value="([^"]+)"', page.content.decode()).group(1)
        return client.post("/concerns/speak-up/", {"draft": draft, **data}, **CONNECTION)

    page = step(page, organisation=organisation.ods_code)
    page = step(page, confidentiality="confidential")
    page = step(page, description=NARRATIVE)
    page = step(page)
    page = step(page, name=NAME, email=EMAIL)
    sent = step(page, go="send")
    code = re.search(r'id="receipt-code">([\d ]+)<', sent.content.decode()).group(1)
    return code.replace(" ", "")


@pytest.fixture
def everything_a_speaker_does(client, organisation, caplog):
    """Speak up on the web and by the API, sign in with the code (and a wrong one), reply."""
    caplog.set_level(logging.DEBUG)
    web_code = speak_up_on_the_web(client, organisation)
    api = client.post(
        "/api/v1/concerns",
        json.dumps(
            {
                "organisation": organisation.ods_code,
                "confidentiality": "open",
                "description": NARRATIVE + " (by the API)",
                "contact": {"name": NAME, "email": EMAIL},
            }
        ),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="privacy-test",
        **CONNECTION,
    )
    api_code = api.json()["receipt_code"]
    client.post("/concerns/check/", {"receipt_code": "9999 8888 7777 6666"}, **CONNECTION)
    client.post("/concerns/check/", {"receipt_code": web_code}, **CONNECTION)
    client.get("/concerns/check/concern/", **CONNECTION)
    client.post("/concerns/check/concern/reply/", {"body": REPLY}, **CONNECTION)
    token = client.post(
        "/api/v1/speaker/session",
        json.dumps({"receipt_code": api_code}),
        content_type="application/json",
        **CONNECTION,
    ).json()["token"]
    client.get("/api/v1/speaker/concern", HTTP_AUTHORIZATION=f"Bearer {token}", **CONNECTION)
    assert Concern.objects.count() == 2
    return {"codes": [web_code, api_code], "logs": caplog.text}


def test_the_database_holds_no_narrative_name_email_or_message_in_the_clear(
    everything_a_speaker_does,
):
    stored = database_text() + dumpdata_text()
    for secret in (NARRATIVE, "Zebra-striped", NAME, EMAIL, REPLY):
        assert secret not in stored


def test_no_address_user_agent_or_referrer_is_stored_or_logged(everything_a_speaker_does):
    stored = database_text() + dumpdata_text()
    logs = everything_a_speaker_does["logs"]
    for trace in (ADDRESS, USER_AGENT, "DistinctiveBrowser", REFERRER, "referrer.example.test"):
        assert trace not in stored
        assert trace not in logs


def test_receipt_codes_are_neither_stored_nor_logged(everything_a_speaker_does):
    stored = database_text() + dumpdata_text()
    logs = everything_a_speaker_does["logs"]
    for code in everything_a_speaker_does["codes"]:
        grouped = " ".join(code[i : i + 4] for i in range(0, 16, 4))
        for form in (code, grouped):
            assert form not in stored
            assert form not in logs


def test_attachments_on_disk_hold_no_plaintext(
    organisation, media_root, django_capture_on_commit_callbacks
):
    secret = b"Magenta-badger evidence notes"
    with django_capture_on_commit_callbacks(execute=True):
        concern_submit(
            organisation=organisation,
            confidentiality="anonymous",
            description=NARRATIVE,
            attachments=[SimpleUploadedFile("notes.txt", secret)],
        )
    files = [p for p in (media_root / "concerns").rglob("*") if p.is_file()]
    assert len(files) == 1
    for path in files:
        assert secret not in path.read_bytes()
        assert b"notes.txt" not in path.read_bytes()


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/concerns/speak-up/"),
        ("post", "/concerns/speak-up/"),
        ("get", "/concerns/check/"),
        ("post", "/concerns/check/"),
        ("get", "/concerns/check/concern/"),
        ("post", "/concerns/check/concern/reply/"),
        ("post", "/concerns/check/concern/feedback/"),
        ("post", "/concerns/check/concern/detriment/"),
        ("post", "/concerns/check/sign-out/"),
        ("post", "/api/v1/concerns"),
        ("post", "/api/v1/speaker/session"),
        ("get", "/api/v1/speaker/concern"),
        ("post", "/api/v1/speaker/messages"),
        ("post", "/api/v1/speaker/feedback"),
    ],
)
def test_every_speaker_route_sends_no_store_own_site_referrers_and_a_strict_csp(
    client, organisation, method, url
):
    response = getattr(client, method)(url)
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_the_speaker_access_cookie_is_not_the_receipt_code_and_is_http_only(client, organisation):
    code = speak_up_on_the_web(client, organisation)
    client.post("/concerns/check/", {"receipt_code": code})
    cookie = client.cookies["speakup_speaker"]
    assert code not in cookie.value
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert "sessionid" not in client.cookies  # no server-side session for a speaker


def test_speaker_forms_need_the_csrf_token_and_a_post_from_our_own_site(organisation):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/concerns/check/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    # What a browser sends for a page with "Referrer-Policy: same-origin": our own origin.
    ours = {"HTTP_ORIGIN": "http://testserver", "HTTP_REFERER": "http://testserver/concerns/check/"}
    posted = browser.post(
        "/concerns/check/", {"receipt_code": "12", "csrfmiddlewaretoken": token}, **ours
    )
    assert posted.status_code == 200
    forged = browser.post("/concerns/check/", {"receipt_code": "12"}, **ours)
    assert forged.status_code == 403
    for origin in ("null", "https://attacker.example.test"):
        other_site = browser.post(
            "/concerns/speak-up/", {"csrfmiddlewaretoken": token}, HTTP_ORIGIN=origin
        )
        assert other_site.status_code == 403
