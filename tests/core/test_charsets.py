"""Text arrives in UTF-8. A browser cannot send half a character (a lone surrogate) that way, but a
crafted request naming another charset (utf-7, unicode_escape) had Django decode its form
fields and query string into one, which no page could show and no database store: a server
error before. Such a request is refused before any view reads it."""

import pytest
from django.urls import reverse

from speakup.concerns.models import Concern, Message
from speakup.concerns.sealing import unseal
from speakup.concerns.services.intake import concern_submit
from speakup.organisations.roles import Role

pytestmark = pytest.mark.django_db

REPLY = "/concerns/check/concern/reply/"
BOUNDARY = "speakup-boundary"


def multipart(fields: dict[str, bytes], charset: str) -> tuple[bytes, str]:
    """A form as a crafted client could send it: its bytes, and a Content-Type naming `charset`."""
    parts = b"".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
        for name, value in fields.items()
    )
    return parts + f"--{BOUNDARY}--\r\n".encode(), (
        f"multipart/form-data; boundary={BOUNDARY}; charset={charset}"
    )


@pytest.fixture
def speaker(client, organisation):
    """A speaker signed in on their concern's page."""
    submitted = concern_submit(
        organisation=organisation, confidentiality="anonymous", description="Synthetic"
    )
    client.post("/concerns/check/", {"receipt_code": submitted.receipt_code})
    return client


# "+2AA-" in UTF-7 and "\ud800" in unicode_escape are each half a character.
@pytest.mark.parametrize(("charset", "half"), [("utf-7", b"+2AA-"), ("unicode_escape", b"\\ud800")])
def test_a_reply_sent_in_another_charset_is_refused_and_nothing_is_sent(speaker, charset, half):
    body, content_type = multipart({"body": b"Ward 12 " + half}, charset)
    response = speaker.generic("POST", REPLY, body, content_type=content_type)
    assert response.status_code == 400
    assert "Something was wrong with that request" in response.content.decode()
    assert not Message.objects.exists()


def test_a_search_read_in_another_charset_is_refused(client_as):
    """The case list shows the status chosen: half a character there broke the page."""
    guardian = client_as(Role.GUARDIAN)
    url = reverse("concerns:list_cases") + "?status=%2B2AA-"
    response = guardian.get(url, CONTENT_TYPE="text/plain; charset=utf-7")
    assert response.status_code == 400
    assert guardian.get(url).status_code == 200  # the same address in UTF-8 is a page


def test_the_api_says_to_send_utf_8(client, organisation):
    body = b'{"organisation": "TST01", "confidentiality": "anonymous", "description": "a+2AA-"}'
    response = client.generic(
        "POST", "/api/v1/concerns", body, content_type="application/json; charset=utf-7"
    )
    assert response.status_code == 415
    assert response.json() == {"detail": "Send text in UTF-8 (charset=utf-8)."}
    assert not Concern.objects.exists()


@pytest.mark.parametrize("charset", ["utf-8", "UTF8", "us-ascii"])
def test_utf_8_named_in_any_spelling_is_read(client, organisation, charset):
    body = b'{"organisation": "TST01", "confidentiality": "anonymous", "description": "Ward 12"}'
    response = client.generic(
        "POST", "/api/v1/concerns", body, content_type=f"application/json; charset={charset}"
    )
    assert response.status_code == 201


def test_bytes_that_are_not_utf_8_in_a_form_arrive_as_the_replacement_character(speaker):
    """What a browser never sends, a crafted form can: each byte that is not UTF-8 is read as
    "�" (as Django reads every form), kept and shown, never a server error."""
    body, content_type = multipart({"body": b"Ward \xff\xed\xa0\x80 12"}, "utf-8")
    response = speaker.generic("POST", REPLY, body, content_type=content_type)
    assert response["Location"] == "/concerns/check/concern/"
    message = Message.objects.get()
    assert (
        unseal(message.concern, "body", message.body_sealed) == "Ward \ufffd\ufffd\ufffd\ufffd 12"
    )
    assert "Ward \ufffd\ufffd\ufffd\ufffd 12" in speaker.get(response["Location"]).content.decode()
