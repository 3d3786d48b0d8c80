"""Speaking up on the web: one address for the whole flow, check answers, then a receipt code."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from speakup.concerns import drafts
from speakup.concerns.attachments import MAX_FILE_BYTES, MAX_FILES, MAX_READ_REQUEST_BYTES
from speakup.concerns.models import Attachment, Concern
from speakup.concerns.receipts import receipt_hash
from speakup.concerns.sealing import unseal
from speakup.core.models import AuditRecord
from tests.conftest import sign_in
from tests.organisations.factories import UserFactory

URL = "/concerns/speak-up/"
pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def draft_of(response) -> str:
    return re.search(r'name="draft" value="([^"]+)"', html(response)).group(1)


def step(client, response, **data):
    return client.post(URL, {"draft": draft_of(response), **data})


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", html(response), re.S).group(1).strip()


def heading(response) -> str:
    """The page's h1 (a question's h1 may wrap its label or legend)."""
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html(response), re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", "", h1).split())


def error_beside(response, field: str) -> str:
    """The error message beside a box, as a screen reader reads it after "Error:"."""
    found = re.search(
        rf'id="id_{field}-error"[^>]*>.*?Error: </span>(.*?)</span>', html(response), re.S
    )
    return unescape(found.group(1)).strip() if found else ""


def box(response, field: str) -> str:
    """The <input> of a field, with its attributes."""
    return re.search(rf'<input[^>]*name="{field}"[^>]*>', html(response)).group(0)


def receipt_code_on(response) -> str:
    shown = re.search(r'id="receipt-code">([\d ]+)<', html(response)).group(1)
    return shown.replace(" ", "")


def walk_to_check(client, organisation, confidentiality="anonymous", **contact):
    page = client.get(URL)
    page = step(client, page, organisation=organisation.ods_code)
    page = step(client, page, confidentiality=confidentiality)
    page = step(client, page, description="Controlled drugs are not being counted at handover.")
    page = step(client, page, worker_group="nursing_midwifery", patient_safety_risk="yes")
    if confidentiality != "anonymous":
        page = step(client, page, **contact)
    return page


def test_a_speaker_speaks_up_anonymously_and_is_shown_a_reference_and_receipt_code(
    client, organisation
):
    first = client.get(URL)
    assert heading(first) == "Which organisation is your concern about?"
    check = walk_to_check(client, organisation)
    assert heading(check).startswith("Check your answers")
    assert "Controlled drugs are not being counted" in html(check)
    assert "Testshire Fictional NHS Trust" in html(check)
    assert "Contact details" not in html(check)

    sent = step(client, check, go="send")
    assert sent.status_code == 200
    assert heading(sent).startswith("Your concern has been sent")
    concern = Concern.objects.get()
    assert f"Your reference<br><strong>{concern.reference}</strong>" in html(sent)
    assert "&lt;" not in html(sent)  # no markup shown as text
    code = receipt_code_on(sent)
    assert len(code) == 16 and concern.receipt_hash == receipt_hash(code)
    assert re.search(r"\d{4} \d{4} \d{4} \d{4}", html(sent))
    assert "This is the only time the receipt code is shown" in html(sent)
    assert concern.confidentiality == "anonymous"
    assert concern.worker_group == "nursing_midwifery" and concern.patient_safety_risk is True


def test_every_step_posts_to_the_same_address_so_history_does_not_show_the_step(
    client, organisation
):
    check = walk_to_check(client, organisation)
    actions = set(re.findall(r'<form method="post" action="([^"]+)"', html(check)))
    assert actions == {URL}
    sent = step(client, check, go="send")
    assert sent.status_code == 200  # the confirmation is the answer to the post: no redirect


def test_the_draft_in_the_page_does_not_reveal_the_answers(client, organisation):
    check = walk_to_check(client, organisation)
    assert "Controlled" not in draft_of(check)


def test_speaker_pages_are_not_cached_and_send_referrers_to_our_own_site_only(client, organisation):
    for response in (client.get(URL), walk_to_check(client, organisation)):
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"
        assert "default-src 'self'" in response["Content-Security-Policy"]


def test_an_open_speaker_must_give_contact_details(client, organisation):
    page = walk_to_check(client, organisation, confidentiality="open", name="", email="")
    assert title(page) == "Error: Your contact details – speakup – NHS"
    assert heading(page) == "Your contact details"
    assert "Enter your name" in html(page)
    assert "Enter your email address" in html(page)
    assert "There is a problem" in html(page)
    page = step(client, page, name="Robin Nurse", email="robin@example.test")
    assert heading(page).startswith("Check your answers")
    assert "robin@example.test" in html(page)
    step(client, page, go="send")
    concern = Concern.objects.get()
    assert "Robin Nurse" in unseal(concern, "speaker", concern.speaker_sealed)


def test_a_named_speaker_is_told_replies_are_read_with_the_receipt_code_not_emailed(
    client, organisation
):
    """The contact step and the check page said "The guardian will use this to reply to you",
    but no reply is ever emailed: speakup emails a speaker nothing about their concern."""
    page = step(client, client.get(URL), organisation=organisation.ods_code)
    page = step(client, page, confidentiality="confidential")
    page = step(client, page, description="The hoist on ward 4 has failed twice.")
    contact = step(client, page)  # the optional questions left alone
    check = step(client, contact, name="Robin Nurse", email="r@example.test")
    contact_text, check_text = (" ".join(unescape(html(p)).split()) for p in (contact, check))
    for text in (contact_text, check_text):
        assert "reply to you" not in text
        assert "The guardian may use" in text
    assert (
        "The guardian's replies are not sent by email: you read them here, with the receipt "
        "code you are given when you send your concern." in contact_text
    )
    assert "it does not say what it is about" in contact_text
    assert (
        "With it you check on your concern here and read the guardian's replies: they are not "
        "sent by email." in check_text
    )


def test_a_missing_organisation_is_shown_in_an_error_summary(client, organisation):
    page = step(client, client.get(URL), organisation="")
    assert title(page).startswith("Error: ")
    assert "Select the organisation your concern is about" in html(page)


def test_an_unknown_organisation_is_refused(client, organisation):
    page = step(client, client.get(URL), organisation="NOPE1")
    assert "Select an organisation from the list" in html(page)


def test_a_description_over_twenty_thousand_characters_is_refused(client, organisation):
    page = step(client, client.get(URL), organisation=organisation.ods_code)
    page = step(client, page, confidentiality="anonymous")
    page = step(client, page, description="x" * 20_001)
    assert "20,000 characters or fewer" in html(page)


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b",
        "\u200d",
        "\ufeff",
        " \u200b\ufeff\n",
        "\u200b \u200b \u200b",
        "\u200b\t\u200b\n\u200b",
    ],
    ids=[
        "zero-width space",
        "zero-width joiner",
        "byte-order mark",
        "mixed with spaces",
        "spaces between",
        "tab and line between",
    ],
)
def test_a_description_of_only_invisible_characters_is_refused_at_its_step(
    client, organisation, invisible
):
    """It showed as an empty "Your concern" on the check page, then sending it was the
    server's error page and the concern was lost. The API refused it already, in these words."""
    page = step(client, client.get(URL), organisation=organisation.ods_code)
    page = step(client, page, confidentiality="anonymous")
    page = step(client, page, description=invisible)
    assert title(page).startswith("Error: ")
    assert heading(page) == "Describe your concern"
    assert error_beside(page, "description") == "Describe your concern"


def test_a_name_of_only_a_zero_width_space_is_refused_at_the_contact_step(client, organisation):
    page = walk_to_check(
        client, organisation, confidentiality="confidential", name="\u200b", email="r@example.test"
    )
    assert heading(page) == "Your contact details"
    assert error_beside(page, "name") == "Enter your name"


def test_a_pasted_name_over_two_hundred_characters_is_refused_not_cut_short(client, organisation):
    """A maxlength attribute on the box made a browser cut a pasted 5,000-character name to 200
    and send that, where the API refuses it. Now the step refuses it, in the API's words, and
    keeps what was typed to be put right; no box of the step cuts what is typed."""
    name = ("Robin Nurse " * 420)[:5_000]
    page = walk_to_check(
        client, organisation, confidentiality="confidential", name=name, email="r@example.test"
    )
    assert heading(page) == "Your contact details"
    assert error_beside(page, "name") == "Your name must be 200 characters or fewer"
    assert f'value="{name}"' in box(page, "name")
    assert all("maxlength" not in box(page, field) for field in ("name", "email", "phone"))
    page = step(client, page, name="Robin Nurse", email="r@example.test")
    assert heading(page).startswith("Check your answers")


def sealed_at_check(organisation, **answers) -> str:
    """A draft at the check page holding `answers`, as one kept before a rule changed may."""
    draft = drafts.new_draft()
    draft.update(step="check", checking=True)
    draft["data"] = {
        "organisation": organisation.ods_code,
        "confidentiality": "confidential",
        "description": "The hoist on ward 4 has failed twice.",
        "name": "Robin Nurse",
        "email": "r@example.test",
        **answers,
    }
    return drafts.seal_draft(draft)


@pytest.mark.parametrize(
    ("answers", "question", "field", "error"),
    [
        (
            {"description": "\u200b"},
            "Describe your concern",
            "description",
            "Describe your concern",
        ),
        ({"name": "\ufeff"}, "Your contact details", "name", "Enter your name"),
        (
            {"name": "R" * 201},
            "Your contact details",
            "name",
            "Your name must be 200 characters or fewer",
        ),
    ],
)
def test_answers_sending_refuses_go_back_to_their_step_with_the_error_not_a_server_error(
    client, organisation, answers, question, field, error
):
    sent = client.post(URL, {"draft": sealed_at_check(organisation, **answers), "go": "send"})
    assert sent.status_code == 200
    assert heading(sent) == question
    assert error_beside(sent, field) == error
    assert not Concern.objects.exists()


def test_an_answer_refused_on_sending_is_kept_as_typed_to_be_put_right(client, organisation):
    draft = sealed_at_check(organisation, name="R" * 201)
    page = client.post(URL, {"draft": draft, "go": "send"})
    assert f'value="{"R" * 201}"' in box(page, "name")
    assert 'value="r@example.test"' in box(page, "email")
    page = step(client, page, name="Robin Nurse", email="r@example.test")
    sent = step(client, page, go="send")
    assert heading(sent) == "Your concern has been sent"


def test_an_organisation_closed_while_the_speaker_was_answering_is_asked_again(
    client, organisation
):
    draft = sealed_at_check(organisation)
    organisation.active = False
    organisation.save()
    sent = client.post(URL, {"draft": draft, "go": "send"})
    assert sent.status_code == 200
    assert heading(sent) == "Which organisation is your concern about?"
    assert "Select an organisation from the list" in html(sent)
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    ("confidentiality", "told"),
    [
        (
            "confidential",
            "The guardian keeps your name to themselves, but what you describe may be read by "
            "the managers and leaders who look into your concern. If you do not want them to "
            "know it was you, leave out details that would identify you.",
        ),
        (
            "anonymous",
            "You are anonymous, but what you describe may be read by the managers and leaders "
            "who look into your concern: leave out anything that would identify you.",
        ),
    ],
)
def test_the_description_step_says_who_reads_it_to_a_confidential_or_anonymous_speaker(
    client, organisation, confidentiality, told
):
    """A confidential speaker was never told that the leaders read their description."""
    page = step(client, client.get(URL), organisation=organisation.ods_code)
    page = step(client, page, confidentiality=confidentiality)
    assert heading(page).startswith("Describe your concern")
    assert told in unescape(html(page))
    # Still said when the description comes back with an error.
    again = step(client, page, description="")
    assert "Describe your concern" in html(again) and told in unescape(html(again))


def test_an_open_speaker_is_not_told_to_hide_who_they_are(client, organisation):
    page = step(client, client.get(URL), organisation=organisation.ods_code)
    page = step(client, page, confidentiality="open")
    assert "Say what happened or is happening, where and when." in unescape(html(page))
    assert "identify you" not in html(page)


def test_the_optional_questions_say_truly_who_sees_each_answer(client, organisation):
    """It said every answer is only counted, though the leaders following the concern up saw
    the worker group on the case (they now do not) and see whether patients are at risk."""
    page = step(client, client.get(URL), organisation=organisation.ods_code)
    page = step(client, page, confidentiality="confidential")
    page = step(client, page, description="The rota on ward 9 is unsafe (synthetic).")
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html(page))).split())
    assert heading(page) == "A few more questions"
    assert "None of your answers is used to find out who you are." in text
    assert (
        "Which group of staff you work in is counted, with the answers of many other people, "
        "to see where speaking up happens. Only the guardian sees it with your concern."
    ) in text
    assert (
        "Whether patients are at risk, and whether you have suffered for speaking up, are read "
        "with your concern by the people who look into it, so that they can act on them."
    ) in text


def test_change_goes_back_to_that_question_and_then_straight_to_check_answers(client, organisation):
    check = walk_to_check(client, organisation)
    page = step(client, check, change="description")
    assert heading(page).startswith("Describe your concern")
    assert "Controlled drugs are not being counted" in html(page)  # the answer is kept
    page = step(client, page, description="The fire door on ward 9 is propped open.")
    assert heading(page).startswith("Check your answers")
    assert "fire door on ward 9" in html(page)


def test_changing_to_anonymous_forgets_the_contact_details(client, organisation):
    check = walk_to_check(
        client, organisation, confidentiality="open", name="Robin Nurse", email="r@example.test"
    )
    page = step(client, check, change="confidentiality")
    page = step(client, page, confidentiality="anonymous")
    assert heading(page).startswith("Check your answers")
    assert "Robin Nurse" not in html(page)
    step(client, page, go="send")
    assert Concern.objects.get().speaker_sealed is None


def test_changing_to_confidential_asks_for_contact_details_before_check_answers(
    client, organisation
):
    check = walk_to_check(client, organisation)
    page = step(client, check, change="confidentiality")
    page = step(client, page, confidentiality="confidential")
    assert heading(page).startswith("Your contact details")


def test_back_goes_to_the_previous_question(client, organisation):
    page = step(client, client.get(URL), organisation=organisation.ods_code)
    page = step(client, page, go="back")
    assert heading(page).startswith("Which organisation")


def test_an_altered_draft_starts_again_and_saves_nothing(client, organisation):
    page = client.post(URL, {"draft": "not-a-draft", "go": "send"})
    assert heading(page).startswith("Which organisation")
    assert "Please start again" in html(page)
    assert not Concern.objects.exists()


def test_a_speaker_who_takes_hours_over_the_questions_is_not_sent_back_to_the_start(
    client, organisation
):
    """Two hours on each step, four steps: the three hours a page may stay open count from the
    last step, not from the first."""
    start = timezone.now()
    page = client.get(URL)
    answers = [
        {"organisation": organisation.ods_code},
        {"confidentiality": "anonymous"},
        {"description": "Night staff are asked to sign for checks they did not do."},
        {},
    ]
    for hours, answer in enumerate(answers, start=1):
        with time_machine.travel(start + timedelta(hours=2 * hours)):
            page = step(client, page, **answer)
            assert "Please start again" not in html(page)
    assert heading(page).startswith("Check your answers")
    with time_machine.travel(start + timedelta(hours=10)):
        sent = step(client, page, go="send")
    assert heading(sent) == "Your concern has been sent"
    with time_machine.travel(start + timedelta(hours=12)):
        abandoned = step(client, page, go="send")  # a page left open for four hours
    assert "Please start again" in html(abandoned)
    assert Concern.objects.count() == 1


def test_sending_twice_sends_one_concern(client, organisation):
    check = walk_to_check(client, organisation)
    first = step(client, check, go="send")
    again = step(client, check, go="send")
    assert Concern.objects.count() == 1
    assert receipt_code_on(first) == receipt_code_on(again)


def test_sending_again_after_fifteen_minutes_does_not_show_the_code_to_whoever_is_there(
    client, organisation
):
    """A reload of the sent page on a shared computer, later: the concern is not sent twice and
    the next person at the keyboard is not given the speaker's code."""
    check = walk_to_check(client, organisation)
    first = step(client, check, go="send")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        later = step(client, check, go="send")
    assert Concern.objects.count() == 1
    assert 'id="receipt-code"' not in html(later)
    assert receipt_code_on(first).replace(" ", "") not in html(later).replace(" ", "")
    assert "cannot be shown again" in html(later)
    assert Concern.objects.get().reference in html(later)


def test_an_anonymous_speaker_is_told_what_in_a_file_can_give_them_away(client, organisation):
    check = " ".join(unescape(html(walk_to_check(client, organisation))).split())
    assert (
        "If you are anonymous, check that your files do not say who you are: a Word document "
        "or PDF can record the name of the person who wrote it, a photo can record where it was "
        "taken, and the guardian sees each file's name."
    ) in check


def test_files_attached_on_check_answers_are_stored_encrypted(
    client, organisation, media_root, django_capture_on_commit_callbacks
):
    check = walk_to_check(client, organisation)
    note = SimpleUploadedFile("note.txt", b"Handover book, page 12", content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"draft": draft_of(check), "go": "send", "attachments": [note]})
    attachment = Attachment.objects.get()
    assert attachment.content_type == "text/plain"
    stored = (media_root / "concerns" / attachment.stored_as).read_bytes()
    assert b"Handover book" not in stored


def test_a_file_of_the_wrong_type_gets_a_field_error_and_nothing_is_saved(
    client, organisation, media_root
):
    check = walk_to_check(client, organisation)
    fake = SimpleUploadedFile("rota.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    page = client.post(URL, {"draft": draft_of(check), "go": "send", "attachments": [fake]})
    assert title(page).startswith("Error: Check your answers before sending your concern")
    assert heading(page).startswith("Check your answers")
    assert "rota.pdf must be a PDF, PNG, JPEG, plain text or Word (DOCX) file" in html(page)
    assert not Concern.objects.exists()
    assert not (media_root / "concerns").exists()


def test_an_empty_file_gets_a_field_error_and_nothing_is_saved(client, organisation):
    check = walk_to_check(client, organisation)
    empty = SimpleUploadedFile("notes.txt", b"", content_type="text/plain")
    page = client.post(URL, {"draft": draft_of(check), "go": "send", "attachments": [empty]})
    assert "“notes.txt” is empty: choose it again, or leave it out" in unescape(html(page))
    assert not Concern.objects.exists()


def test_more_than_five_files_get_a_field_error(client, organisation):
    check = walk_to_check(client, organisation)
    files = [SimpleUploadedFile(f"{i}.txt", b"note") for i in range(6)]
    page = client.post(URL, {"draft": draft_of(check), "go": "send", "attachments": files})
    assert "Select up to 5 files" in html(page)
    assert not Concern.objects.exists()


def test_an_oversized_request_gets_413(client, organisation):
    check = walk_to_check(client, organisation)
    response = client.post(
        URL,
        {"draft": draft_of(check), "go": "send"},
        CONTENT_LENGTH=str(MAX_READ_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413
    assert not Concern.objects.exists()


def test_the_home_page_offers_speaking_up_and_checking_on_a_concern(client):
    home = html(client.get("/"))
    assert URL in home
    assert "/concerns/check/" in home


def test_a_signed_in_worker_can_speak_up_from_their_home_and_it_is_not_linked_to_them(
    client, organisation
):
    worker = UserFactory()
    sign_in(client, worker)
    home = html(client.get("/"))
    assert URL in home and "/concerns/check/" in home
    assert "not linked to your sign-in" in home
    sent = step(client, walk_to_check(client, organisation), go="send")
    assert heading(sent).startswith("Your concern has been sent")
    concern = Concern.objects.get()
    record = AuditRecord.objects.get(action="concern.submit", object_ref=concern.reference)
    assert record.actor is None and record.actor_label == "speaker"
    assert not AuditRecord.objects.filter(actor=worker, object_ref=concern.reference).exists()


def test_a_flood_of_concerns_from_one_client_gets_429(client, organisation, settings):
    settings.SPEAKUP_SUBMISSIONS_PER_CLIENT_PER_HOUR = 1
    step(client, walk_to_check(client, organisation), go="send")
    refused = step(client, walk_to_check(client, organisation), go="send")
    assert refused.status_code == 429
    assert Concern.objects.count() == 1
    # Titled as the form is: a shared computer's history must not say concerns were sent.
    assert (title(refused), heading(refused)) == (
        "Speak up – speakup – NHS",
        "Too many concerns sent",
    )


def test_every_page_of_the_flow_is_titled_with_its_heading_and_nothing_the_speaker_gave(
    client, organisation
):
    """A title says which step the speaker is on (a screen reader reads it first), but the
    browser keeps it in its history, perhaps on a shared ward computer: only the step's fixed
    heading, never the organisation, the concern, the reference or the receipt code."""
    pages = [client.get(URL)]
    pages.append(step(client, pages[-1], organisation=organisation.ods_code))
    pages.append(step(client, pages[-1], confidentiality="anonymous"))
    pages.append(step(client, pages[-1], description="The hoist on ward 4 has failed twice."))
    pages.append(step(client, pages[-1], worker_group="nursing_midwifery"))
    pages.append(step(client, pages[-1], go="send"))
    assert [title(page) for page in pages] == [
        "Which organisation is your concern about? – speakup – NHS",
        "How open do you want to be? – speakup – NHS",
        "Describe your concern – speakup – NHS",
        "A few more questions – speakup – NHS",
        "Check your answers before sending your concern – speakup – NHS",
        # Only the form's name: the history must not say a concern was sent from here.
        "Speak up – speakup – NHS",
    ]
    assert [title(page).startswith(heading(page)) for page in pages[:-1]] == [True] * 5
    assert heading(pages[-1]) == "Your concern has been sent"
    concern = Concern.objects.get()
    given = (organisation.name, organisation.ods_code, "hoist", concern.reference)
    assert not [word for word in given for page in pages if word in title(page)]
    assert receipt_code_on(pages[-1]) not in title(pages[-1])


def test_the_description_counts_characters_instead_of_cutting_pasted_text(client, organisation):
    """A maxlength attribute makes a browser drop the end of a long paste without a word."""
    page = step(client, client.get(URL), organisation=organisation.ods_code)
    page = html(step(client, page, confidentiality="anonymous"))
    textarea = re.search(r"<textarea[^>]*>", page).group(0)
    assert "maxlength" not in textarea
    assert 'data-maxlength="20000"' in page
    assert "You can enter up to 20,000 characters" in page


def test_a_phone_number_that_is_not_one_is_refused_on_the_contact_step(client, organisation):
    page = walk_to_check(
        client,
        organisation,
        confidentiality="open",
        name="Robin",
        email="r@example.test",
        phone="x",
    )
    assert heading(page) == "Your contact details"
    assert "Enter a phone number, like 01632 960 001 or 07700 900 982" in html(page)
    page = step(client, page, name="Robin", email="r@example.test", phone="07700 900 982")
    assert heading(page).startswith("Check your answers")


def test_the_boxes_a_speaker_types_into_take_the_direction_of_their_text(client, organisation):
    """Arabic or Hebrew typed into the description reads right to left as it is typed."""
    page = step(client, client.get(URL), organisation=organisation.ods_code)
    page = html(step(client, page, confidentiality="anonymous"))
    assert 'dir="auto"' in re.search(r"<textarea[^>]*>", page).group(0)


def test_a_file_too_large_is_asked_for_again_without_losing_the_concern(client, organisation):
    """The concern travels with the files: a request over the files' total (a 60 MB video) was
    refused whole, losing everything the speaker wrote. Now the large file is dropped as it
    arrives, and the check page asks again for the files only."""
    check = walk_to_check(client, organisation)
    video = SimpleUploadedFile("ward video.mp4", b"0" * (6 * MAX_FILE_BYTES))
    note = SimpleUploadedFile("note.txt", b"a note")
    page = client.post(URL, {"draft": draft_of(check), "go": "send", "attachments": [note, video]})
    assert page.status_code == 200
    assert heading(page).startswith("Check your answers")
    assert "“ward video.mp4” is larger than 10 MB: leave it out or attach a smaller copy" in html(
        page
    )
    assert "Controlled drugs are not being counted" in html(page)  # nothing they wrote is lost
    assert not Concern.objects.exists()
    sent = step(client, page, go="send")
    assert heading(sent).startswith("Your concern has been sent")


def test_files_beyond_the_fifth_are_dropped_as_they_arrive_and_asked_for_again(
    client, organisation
):
    check = walk_to_check(client, organisation)
    files = [SimpleUploadedFile(f"{i}.txt", b"note") for i in range(7)]
    page = client.post(URL, {"draft": draft_of(check), "go": "send", "attachments": files})
    assert html(page).count("Select up to 5 files") >= 1
    assert "Controlled drugs are not being counted" in html(page)
    assert not Concern.objects.exists()


def test_the_browser_checks_chosen_files_with_the_servers_limits_and_words(client, organisation):
    """speakup.js refuses a file before it is sent from the file input's data attributes: they
    are the server's limits, and its words for the same refusal, the file's name for {name}."""
    check = walk_to_check(client, organisation)
    field = re.search(r'<input[^>]*name="attachments"[^>]*>', html(check)).group(0)
    given = {
        name: unescape(value) for name, value in re.findall(r'(data-[a-z-]+)="([^"]*)"', field)
    }
    assert given["data-max-files"] == str(MAX_FILES) == "5"
    assert given["data-max-file-bytes"] == str(MAX_FILE_BYTES) == str(10 * 1024 * 1024)
    assert set(given["data-file-types"].split()) == {
        *("application/pdf", "image/png", "image/jpeg", "text/plain"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        *(".pdf", ".png", ".jpg", ".jpeg", ".txt", ".docx"),
    }

    def server_says(*files) -> str:
        page = client.post(URL, {"draft": draft_of(check), "go": "send", "attachments": files})
        return unescape(html(page))

    video = SimpleUploadedFile("ward video.mp4", bytes(MAX_FILE_BYTES + 1))
    assert given["data-too-large"].replace("{name}", "ward video.mp4") in server_says(video)
    photo = SimpleUploadedFile("ward.heic", b"\x00\x00\x00\x18ftypheic")
    assert given["data-wrong-type"].replace("{name}", "ward.heic") in server_says(photo)
    notes = [SimpleUploadedFile(f"{n}.txt", b"note") for n in range(MAX_FILES + 1)]
    assert given["data-too-many"] in server_says(*notes)
    blank = SimpleUploadedFile("ward.jpg", b"")
    assert given["data-empty"].replace("{name}", "ward.jpg") in server_says(blank)
    assert not Concern.objects.exists()
