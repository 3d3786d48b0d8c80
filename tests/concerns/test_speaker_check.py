"""Coming back with a receipt code: status, dates, the conversation, replies, feedback and
detriment check-ins; throttled sign-in."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.utils import timezone

from speakup.concerns import attachments, throttling
from speakup.concerns.models import DetrimentCheckin, Feedback, Message, Status, StatusChange
from speakup.concerns.sealing import seal, unseal
from speakup.concerns.services.intake import concern_submit
from speakup.concerns.services.speaker import (
    SpeakerRefused,
    concern_for_token,
    speaker_feedback,
    speaker_token_for,
)
from speakup.concerns.views.speaker import SPEAKER_COOKIE
from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role

CHECK = "/concerns/check/"
SHOW = "/concerns/check/concern/"
REPLY = "/concerns/check/concern/reply/"
FEEDBACK = "/concerns/check/concern/feedback/"
pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", html(response), re.S).group(1).strip()


@pytest.fixture
def submitted(organisation):
    return concern_submit(
        organisation=organisation,
        confidentiality="anonymous",
        description="Patients wait on trolleys in the corridor overnight.",
    )


def sign_in(client, code, address="192.0.2.10"):
    return client.post(CHECK, {"receipt_code": code}, REMOTE_ADDR=address)


def close(concern):
    concern.status = Status.CLOSED
    concern.closed_at = timezone.now()
    concern.save()


def test_a_speaker_comes_back_with_the_receipt_code_and_sees_the_status(client, submitted):
    spaced = " ".join(submitted.receipt_code[i : i + 4] for i in range(0, 16, 4))
    response = sign_in(client, spaced)
    assert response.status_code == 302 and response["Location"] == SHOW
    cookie = client.cookies[SPEAKER_COOKIE]
    assert submitted.receipt_code not in cookie.value
    assert cookie["httponly"] and cookie["max-age"] == 1800
    page = client.get(SHOW)
    assert submitted.concern.reference in html(page)
    assert "Received" in html(page)
    assert "Not yet: the guardian will acknowledge it by" in html(page)
    assert "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "same-origin"
    assert AuditRecord.objects.filter(action="concern.speaker_view").count() == 1


def test_the_concern_page_is_titled_as_its_heading_without_the_reference(client, submitted):
    """The heading says "Your concern ABCD-2345"; the title, kept in the history of what may
    be a shared computer, would tie whoever used it then to that concern."""
    sign_in(client, submitted.receipt_code)
    page = client.get(SHOW)
    reference = submitted.concern.reference
    assert re.search(rf"<h1>\s*Your concern {reference}\s*</h1>", html(page))
    assert title(page) == "Your concern – speakup – NHS"


def test_a_wrong_receipt_code_is_refused_and_counted(client, submitted):
    wrong = "0000000000000000" if submitted.receipt_code != "0000000000000000" else "1" * 16
    page = sign_in(client, wrong)
    assert page.status_code == 200
    assert title(page).startswith("Error: Check on a concern")
    assert "There is no concern with that receipt code" in html(page)
    assert throttling.failures_total() == 1
    assert SPEAKER_COOKIE not in client.cookies


def test_a_receipt_code_that_is_not_16_digits_gets_a_format_message(client, submitted):
    page = sign_in(client, "12345")
    assert "Enter your receipt code as 16 digits" in html(page)
    assert throttling.failures_total() == 0


def test_a_long_paste_in_the_receipt_box_gets_the_format_message_in_plain_words(client, submitted):
    page = sign_in(client, "1234 " * 12)
    assert "Enter your receipt code as 16 digits" in html(page)
    assert "Ensure this value" not in html(page)


def test_a_receipt_code_typed_on_another_keyboard_signs_in(client, submitted):
    """Digits from an Arabic or a Japanese keyboard are the same code, never a server error."""
    code = submitted.receipt_code
    full_width = " ".join(
        "".join(chr(0xFF10 + int(d)) for d in code[i : i + 4]) for i in range(0, 16, 4)
    )
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in code)
    assert sign_in(client, full_width)["Location"] == SHOW
    assert sign_in(client, arabic_indic)["Location"] == SHOW
    superscripts = sign_in(client, "\u00b2" * 16)
    assert "Enter your receipt code as 16 digits" in html(superscripts)


def test_too_many_wrong_codes_from_one_client_get_429_but_others_may_still_try(client, submitted):
    for _ in range(10):
        assert sign_in(client, "1234567812345678").status_code == 200
    assert sign_in(client, "1234567812345678").status_code == 429
    locked_out = sign_in(client, submitted.receipt_code)
    assert locked_out.status_code == 429  # even the right code, until the hour is over
    assert title(locked_out) == "Too many attempts – speakup – NHS"
    assert sign_in(client, submitted.receipt_code, address="198.51.100.7").status_code == 302


def test_too_many_attempts_across_the_service_get_429(client, submitted, settings):
    settings.SPEAKUP_RECEIPT_ATTEMPTS_PER_MINUTE = 3
    # One minute's window: on a loaded machine the attempts could otherwise straddle two.
    with time_machine.travel(timezone.now(), tick=False):
        for index in range(3):
            sign_in(client, "1234567812345678", address=f"203.0.113.{index}")
        assert sign_in(client, submitted.receipt_code, address="203.0.113.99").status_code == 429


def test_the_throttle_keeps_no_client_address(client, submitted):
    from django.core.cache import cache

    sign_in(client, "1234567812345678", address="192.0.2.222")
    keys = list(cache._cache.keys())  # LocMemCache: every key it holds
    assert keys and not any("192.0.2.222" in key for key in keys)


def test_without_signing_in_the_concern_page_sends_you_to_enter_a_code(client, submitted):
    assert client.get(SHOW)["Location"] == CHECK
    client.cookies[SPEAKER_COOKIE] = "forged-token"
    assert client.get(SHOW)["Location"] == CHECK


def test_speaker_access_ends_after_30_minutes_without_use(client, submitted):
    token = speaker_token_for(submitted.concern)
    assert concern_for_token(token).pk == submitted.concern.pk
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert concern_for_token(token) is None


def test_the_speaker_reads_the_guardians_messages_and_replies(client, submitted):
    concern = submitted.concern
    Message.objects.create(
        concern=concern,
        author=Message.Author.GUARDIAN,
        body_sealed=seal(concern, "body", "Thank you for raising this. Which ward?"),
    )
    sign_in(client, submitted.receipt_code)
    assert "Which ward?" in html(client.get(SHOW))
    response = client.post("/concerns/check/concern/reply/", {"body": "Ward 12, most nights."})
    assert response["Location"] == SHOW
    page = client.get(SHOW)
    assert "Ward 12, most nights." in html(page)
    assert "Your message has been sent to the guardian" in html(page)
    reply = Message.objects.get(author="speaker")
    assert b"Ward 12" not in bytes(reply.body_sealed)
    assert unseal(concern, "body", reply.body_sealed) == "Ward 12, most nights."
    assert AuditRecord.objects.filter(action="concern.message").count() == 1


def hidden_fields(page, action: str) -> dict:
    """The hidden fields of the form on the page that posts to `action`, as a browser sends."""
    form = re.search(rf'<form [^>]*action="{re.escape(action)}".*?</form>', html(page), re.S)
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0))
    return {name: unescape(value) for name, value in fields if name != "csrfmiddlewaretoken"}


def test_a_message_written_while_the_page_closed_is_sent_once_the_code_is_given_again(
    client, submitted
):
    """Thirty minutes spent writing a reply: sending it asks for the code, and then sends it."""
    sign_in(client, submitted.receipt_code)
    page = client.get(SHOW)
    written = "It happened again on Tuesday <night> & Wednesday.\nWard 12."
    with time_machine.travel(timezone.now() + timedelta(minutes=40)):
        asked = client.post(REPLY, {**hidden_fields(page, REPLY), "body": written})
        assert asked.status_code == 200 and title(asked).startswith("Check on a concern")
        assert "Your message has not been sent yet" in html(asked)
        assert not Message.objects.filter(author="speaker").exists()
        kept = hidden_fields(asked, CHECK)
        assert kept["body"] == written
        sent = client.post(CHECK, {**kept, "receipt_code": submitted.receipt_code})
        assert sent["Location"] == SHOW
        assert "Your message has been sent to the guardian" in html(client.get(SHOW))
    reply = Message.objects.get(author="speaker")
    assert unseal(submitted.concern, "body", reply.body_sealed) == written


def test_a_reply_sent_twice_is_sent_once_and_the_second_answer_says_it_was_sent(client, submitted):
    """A double click, a reload or a second tab sends the same form twice: one message, and
    the second answer is the page that says it was sent, not "Enter your message"."""
    sign_in(client, submitted.receipt_code)
    form = {**hidden_fields(client.get(SHOW), REPLY), "body": "Ward 12, most nights."}
    first = client.post(REPLY, form, follow=True)
    second = client.post(REPLY, form, follow=True)
    emptied = client.post(REPLY, {**form, "body": ""}, follow=True)
    assert Message.objects.filter(author="speaker").count() == 1
    for answer in (first, second, emptied):
        assert answer.redirect_chain == [(SHOW, 302)]
        assert "Your message has been sent to the guardian" in html(answer)
        assert "There is a problem" not in html(answer)


def test_the_same_reply_sent_from_two_tabs_is_stored_and_sent_once(
    client, submitted, person_with_role, mailoutbox, django_capture_on_commit_callbacks
):
    """Each tab loaded on its own has its own form token: the same words from both, within ten
    minutes, are one reply. The same words later are a new one."""
    guardian = person_with_role(Role.GUARDIAN)
    sign_in(client, submitted.receipt_code)
    tabs = [hidden_fields(client.get(SHOW), REPLY) for _ in range(2)]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post(REPLY, {**tab, "body": "Ward 12, most nights."}, follow=True)
            for tab in tabs
        ]
    for answer in answers:
        assert "Your message has been sent to the guardian" in html(answer)
        assert "There is a problem" not in html(answer)
    assert html(client.get(SHOW)).count("Ward 12, most nights.") == 1
    assert Message.objects.filter(author="speaker").count() == 1
    assert [m.to for m in mailoutbox] == [[guardian.email]]  # told once
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        sign_in(client, submitted.receipt_code)
        form = hidden_fields(client.get(SHOW), REPLY)
        client.post(REPLY, {**form, "body": "Ward 12, most nights."})
    assert Message.objects.filter(author="speaker").count() == 2


def test_a_double_clicks_two_posts_say_once_that_the_message_was_sent(client, submitted):
    """The browser shows only the answer to the second post, after both were sent."""
    sign_in(client, submitted.receipt_code)
    form = {**hidden_fields(client.get(SHOW), REPLY), "body": "Ward 12, most nights."}
    client.post(REPLY, form)
    client.post(REPLY, form)
    assert html(client.get(SHOW)).count("Your message has been sent to the guardian") == 1


def test_a_reply_refused_may_be_sent_again_from_the_same_page(client, submitted):
    sign_in(client, submitted.receipt_code)
    form = hidden_fields(client.get(SHOW), REPLY)
    assert "Enter your message" in html(client.post(REPLY, {**form, "body": " "}))
    sent = client.post(REPLY, {**form, "body": "Ward 12."}, follow=True)
    assert "Your message has been sent to the guardian" in html(sent)
    assert Message.objects.filter(author="speaker").count() == 1


def test_a_reply_kept_while_the_page_closed_and_sent_twice_is_sent_once(client, submitted):
    sign_in(client, submitted.receipt_code)
    page = client.get(SHOW)
    with time_machine.travel(timezone.now() + timedelta(minutes=40)):
        asked = client.post(REPLY, {**hidden_fields(page, REPLY), "body": "Still happening."})
        kept = {**hidden_fields(asked, CHECK), "receipt_code": submitted.receipt_code}
        client.post(CHECK, kept)
        again = client.post(CHECK, kept, follow=True)
    assert "Your message has been sent to the guardian" in html(again)
    assert Message.objects.filter(author="speaker").count() == 1


def test_a_message_kept_for_one_concern_is_not_sent_to_another_speakers(client, submitted):
    """A shared computer: someone else's code opens their own concern, without the message."""
    other = concern_submit(
        organisation=submitted.concern.organisation,
        confidentiality="anonymous",
        description="The fire door on level 2 is wedged open.",
    )
    sign_in(client, submitted.receipt_code)
    page = client.get(SHOW)
    with time_machine.travel(timezone.now() + timedelta(minutes=40)):
        asked = client.post(REPLY, {**hidden_fields(page, REPLY), "body": "Not theirs"})
        opened = client.post(
            CHECK, {**hidden_fields(asked, CHECK), "receipt_code": other.receipt_code}
        )
        assert opened["Location"] == SHOW
    assert not Message.objects.filter(author="speaker").exists()


def test_feedback_given_after_the_page_closed_is_kept_until_the_code_is_given(client, submitted):
    close(submitted.concern)
    sign_in(client, submitted.receipt_code)
    page = client.get(SHOW)
    answers = {"would_speak_up_again": "no", "detriment": "yes", "comment": "I was moved shifts."}
    with time_machine.travel(timezone.now() + timedelta(minutes=40)):
        asked = client.post(FEEDBACK, {**hidden_fields(page, FEEDBACK), **answers})
        assert "Your answers have not been sent yet" in html(asked)
        client.post(CHECK, {**hidden_fields(asked, CHECK), "receipt_code": submitted.receipt_code})
    feedback = Feedback.objects.get()
    assert (feedback.would_speak_up_again, feedback.detriment) == ("no", True)


def test_a_wrong_code_keeps_the_message_for_another_try(client, submitted):
    sign_in(client, submitted.receipt_code)
    page = client.get(SHOW)
    with time_machine.travel(timezone.now() + timedelta(minutes=40)):
        asked = client.post(REPLY, {**hidden_fields(page, REPLY), "body": "Still happening."})
        wrong = client.post(CHECK, {**hidden_fields(asked, CHECK), "receipt_code": "1" * 15})
        assert "Enter your receipt code as 16 digits" in html(wrong)
        assert hidden_fields(wrong, CHECK)["body"] == "Still happening."
        client.post(CHECK, {**hidden_fields(wrong, CHECK), "receipt_code": submitted.receipt_code})
    assert Message.objects.filter(author="speaker").count() == 1


def test_the_speaker_sees_the_names_and_sizes_of_the_files_they_attached(client, organisation):
    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n" + b"0" * 3000
    sent = concern_submit(
        organisation=organisation,
        confidentiality="anonymous",
        description="The rota leaves one nurse on nights.",
        attachments=[
            attachments.Upload("Rota – ward 7 (Zoë).pdf", pdf),
            attachments.Upload("notes.txt", b"Three nights in a row (synthetic)."),
        ],
    )
    sign_in(client, sent.receipt_code)
    page = html(client.get(SHOW))
    assert "Files you attached" in page
    assert (
        '<bdi>Rota – ward 7 (Zoë).pdf</bdi> <span class="nhsuk-body-s">(PDF, 3 KB)</span>' in page
    )
    assert '<bdi>notes.txt</bdi> <span class="nhsuk-body-s">(Text file, 34 bytes)</span>' in page
    # Named, never handed out: no copy is left on a computer the speaker may share.
    assert "/files/" not in page and not re.search(r"<a [^>]*>\s*<bdi>", page)
    assert "They cannot be opened here" in page
    assert "Only the guardian can open them." in page  # anonymous: nobody else


def test_an_open_speaker_is_told_the_leaders_following_up_can_open_their_files_too(
    client, organisation
):
    """The leaders following the case up open an open speaker's files (docs/concerns.md): the
    page said only the guardian could."""
    sent = concern_submit(
        organisation=organisation,
        confidentiality="open",
        description="The rota leaves one nurse on nights.",
        contact={"name": "Kim Placeholder", "email": "kim@fictional.test"},
        attachments=[attachments.Upload("notes.txt", b"Three nights in a row (synthetic).")],
    )
    sign_in(client, sent.receipt_code)
    page = html(client.get(SHOW))
    assert "so can the leaders following up your concern, since you chose to be open" in page
    assert "Only the guardian" not in page


def test_a_speaker_who_attached_nothing_is_told_so(client, submitted):
    sign_in(client, submitted.receipt_code)
    assert "No files were attached to this concern" in html(client.get(SHOW))


def test_an_empty_reply_is_refused_with_an_error_summary(client, submitted):
    sign_in(client, submitted.receipt_code)
    page = client.post("/concerns/check/concern/reply/", {"body": ""})
    assert title(page).startswith("Error: ")
    assert "Enter your message" in html(page)
    assert not Message.objects.exists()


def test_feedback_is_asked_only_once_the_concern_is_closed(client, submitted):
    sign_in(client, submitted.receipt_code)
    assert "would you speak up again" not in html(client.get(SHOW))
    with pytest.raises(SpeakerRefused):
        speaker_feedback(concern=submitted.concern, would_speak_up_again="yes", detriment=False)
    close(submitted.concern)
    page = html(client.get(SHOW))
    assert "Given your experience, would you speak up again?" in page
    assert "Only the guardian reads this, as they read your messages" in page
    response = client.post(
        "/concerns/check/concern/feedback/",
        {"would_speak_up_again": "maybe", "detriment": "no", "comment": "It took a while."},
    )
    assert response["Location"] == SHOW
    feedback = Feedback.objects.get()
    assert (feedback.would_speak_up_again, feedback.detriment) == ("maybe", False)
    assert b"It took a while" not in bytes(feedback.comment_sealed)
    page = client.get(SHOW)
    assert "Thank you: you have told us how it went." in html(page)
    with pytest.raises(SpeakerRefused):
        speaker_feedback(concern=submitted.concern, would_speak_up_again="yes", detriment=False)


def test_feedback_needs_an_answer_to_both_questions(client, submitted):
    close(submitted.concern)
    sign_in(client, submitted.receipt_code)
    page = client.post("/concerns/check/concern/feedback/", {})
    assert "Select whether you would speak up again" in html(page)
    # Two questions on the page: the message says which one is unanswered.
    assert "Select yes or no for whether you have suffered for speaking up" in html(page)
    assert not Feedback.objects.exists()


def test_a_due_detriment_checkin_is_asked_and_a_yes_reopens_the_concern(client, submitted):
    concern = submitted.concern
    close(concern)
    checkin = DetrimentCheckin.objects.create(concern=concern, due_on=timezone.localdate())
    sign_in(client, submitted.receipt_code)
    page = client.get(SHOW)
    assert "Since your concern was closed, have you suffered for speaking up?" in html(page)
    checkin.refresh_from_db()
    assert checkin.asked_at is not None
    client.post("/concerns/check/concern/detriment/", {"checkin": checkin.pk, "detriment": "yes"})
    concern.refresh_from_db()
    checkin.refresh_from_db()
    assert checkin.detriment is True and checkin.answered_at is not None
    assert concern.status == Status.IN_PROGRESS and concern.detriment_reported
    change = StatusChange.objects.filter(concern=concern).last()
    assert (change.from_status, change.to_status, change.by_label) == (
        "closed",
        "in_progress",
        "speaker",
    )
    record = AuditRecord.objects.get(action="concern.detriment_checkin")
    assert record.detail == {"detriment": True, "reopened": True}
    assert "have you suffered" not in html(client.get(SHOW))


def test_a_no_to_the_checkin_leaves_the_concern_closed(client, submitted):
    concern = submitted.concern
    close(concern)
    checkin = DetrimentCheckin.objects.create(concern=concern, due_on=timezone.localdate())
    sign_in(client, submitted.receipt_code)
    client.post("/concerns/check/concern/detriment/", {"checkin": checkin.pk, "detriment": "no"})
    concern.refresh_from_db()
    assert concern.status == Status.CLOSED


def test_a_checkin_not_yet_due_is_not_asked(client, submitted):
    close(submitted.concern)
    DetrimentCheckin.objects.create(
        concern=submitted.concern, due_on=timezone.localdate() + timedelta(days=30)
    )
    sign_in(client, submitted.receipt_code)
    assert "have you suffered" not in html(client.get(SHOW))


def test_the_page_asks_to_be_closed_rather_than_promising_to_close_by_itself(client, submitted):
    """It stays on a shared computer's screen until someone closes it: only access ends."""
    sign_in(client, submitted.receipt_code)
    page = html(client.get(SHOW))
    assert "closes by itself" not in page
    assert "close this page when you have finished: it stays on the screen until you do" in page
    assert "After 30 minutes without use, you need your receipt code to open it again" in page


def test_closing_the_concern_page_forgets_the_access(client, submitted):
    sign_in(client, submitted.receipt_code)
    response = client.post("/concerns/check/sign-out/")
    assert response["Location"] == CHECK
    assert client.get(SHOW)["Location"] == CHECK


def test_a_shredded_concern_cannot_be_opened(client, submitted):
    concern = submitted.concern
    concern.wrapped_key = ""
    concern.save()
    page = sign_in(client, submitted.receipt_code)
    assert "There is no concern with that receipt code" in html(page)
