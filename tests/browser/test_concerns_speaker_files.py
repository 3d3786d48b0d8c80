"""A speaker's files are checked in the browser as they are chosen, before anything is sent."""

import re

import pytest
from playwright.sync_api import expect

from speakup.concerns.attachments import MAX_FILE_BYTES, MAX_FILES
from tests.browser.conftest import answer_the_speak_up_questions, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_file_too_large_is_refused_in_the_page_before_anything_is_sent(page, organisation):
    from speakup.concerns.models import Attachment, Concern

    page.goto("/concerns/speak-up/")
    answer_the_speak_up_questions(
        page, organisation, openness="Anonymous", description="The fire doors are wedged open."
    )
    expect(
        page.get_by_role("heading", name="Check your answers before sending your concern")
    ).to_be_visible()
    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else 0)
    page.evaluate("window.notReloaded = true")  # gone if the page is loaded again
    files = page.locator("input[type=file][name=attachments]")
    summary = page.locator(".nhsuk-error-summary")
    too_large = "“holiday-video.mp4” is larger than 10 MB: leave it out or attach a smaller copy"

    files.set_input_files(
        {"name": "holiday-video.mp4", "mimeType": "video/mp4", "buffer": bytes(MAX_FILE_BYTES + 1)}
    )
    expect(summary).to_be_focused()
    expect(summary.get_by_role("alert")).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=too_large)).to_be_visible()
    expect(page.locator("#id_attachments-error")).to_have_text(f"Error: {too_large}")
    expect(page).to_have_title(re.compile(r"^Error: Check your answers"))
    assert_accessible(page)

    page.get_by_role("button", name="Send concern").click()
    expect(summary).to_be_focused()
    summary.get_by_role("link", name=too_large).click()
    expect(page.get_by_role("button", name=re.compile("^Attach files"))).to_be_focused()
    assert page.evaluate("window.notReloaded") is True
    assert sent == []
    assert not Concern.objects.exists() and not Attachment.objects.exists()

    # Too many files, or a file of a type the service does not take, are said in the same way.
    files.set_input_files(
        [
            {"name": f"note {n}.txt", "mimeType": "text/plain", "buffer": b"Ward 7"}
            for n in range(MAX_FILES + 1)
        ]
    )
    expect(summary.get_by_role("link", name=f"Select up to {MAX_FILES} files")).to_be_visible()
    files.set_input_files({"name": "doors.heic", "mimeType": "image/heic", "buffer": b"\0" * 64})
    expect(page.locator("#id_attachments-error")).to_have_text(
        "Error: doors.heic must be a PDF, PNG, JPEG, plain text or Word (DOCX) file"
    )
    expect(summary).to_have_count(1)
    # An empty file (a photo that never finished saving): the server's words, before sending.
    files.set_input_files({"name": "doors.jpg", "mimeType": "image/jpeg", "buffer": b""})
    expect(page.locator("#id_attachments-error")).to_have_text(
        "Error: “doors.jpg” is empty: choose it again, or leave it out"
    )
    page.get_by_role("button", name="Send concern").click()
    assert page.evaluate("window.notReloaded") is True
    assert sent == []

    # Text the browser names otherwise is left for the server, which takes any UTF-8 text.
    files.set_input_files(
        {"name": "rota.json", "mimeType": "application/json", "buffer": b'{"ward": 7}'}
    )
    expect(summary).to_have_count(0)

    # Choosing again, a file the service takes: the errors go, and the concern is sent with it.
    files.set_input_files(
        {"name": "fire-doors.txt", "mimeType": "text/plain", "buffer": b"Wedged open at 3am"}
    )
    expect(summary).to_have_count(0)
    expect(page.locator(".nhsuk-error-message")).to_have_count(0)
    expect(page).to_have_title(re.compile(r"^Check your answers"))
    page.get_by_role("button", name="Send concern").click()
    expect(page.get_by_role("heading", name="Your concern has been sent")).to_be_visible()
    assert Attachment.objects.get().size == len(b"Wedged open at 3am")
