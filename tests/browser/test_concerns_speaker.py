"""A worker speaks up without signing in, then comes back with their receipt code."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import answer_the_speak_up_questions, assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_speak_up_anonymously_then_come_back_with_the_receipt_code(page, organisation):
    page.goto("/")
    page.get_by_role("link", name="Speak up").click()

    expect(
        page.get_by_role("heading", name="Which organisation is your concern about?")
    ).to_be_visible()
    start_url = page.url
    assert_accessible(page)
    page.get_by_label("Which organisation is your concern about?").select_option(
        organisation.ods_code
    )
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="How open do you want to be?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Anonymous").check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Describe your concern").fill(
        "Hand gel dispensers on the ward have been empty for a fortnight."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="A few more questions")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", name="Check your answers before sending your concern")
    expect(page.get_by_text("Hand gel dispensers on the ward")).to_be_visible()
    assert_accessible(page)
    page.locator("input[type=file][name=attachments]").set_input_files(
        {"name": "empty-dispensers.txt", "mimeType": "text/plain", "buffer": b"Ward 7, bay 2"}
    )
    page.get_by_role("button", name="Send concern").click()

    expect(page.get_by_role("heading", name="Your concern has been sent")).to_be_visible()
    assert page.url == start_url  # the whole flow kept one address
    shown = page.locator("#receipt-code").inner_text()
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", shown)
    expect(page.get_by_text("This is the only time the receipt code is shown")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="check on your concern").click()
    expect(page.get_by_role("heading", name="Check on a concern")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Receipt code").fill(shown)
    page.get_by_role("button", name="Continue").click()

    expect(
        page.get_by_role("heading", name=re.compile(r"Your concern [A-Z0-9]{4}-"))
    ).to_be_visible()
    expect(page.get_by_text("Received").first).to_be_visible()
    # The files they attached, by name and size: named, not handed out again.
    expect(page.get_by_text("empty-dispensers.txt (Text file, 13 bytes)")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your message to the guardian").fill("It is worst at weekends.")
    # A double click sends the form twice (or once, as the browser times it): sent once,
    # and the page says so.
    page.get_by_role("button", name="Send message").dblclick(delay=30)
    expect(page.get_by_text("Your message has been sent to the guardian")).to_be_visible()
    expect(page.get_by_text("It is worst at weekends.")).to_have_count(1)
    assert_accessible(page)


def test_a_confidential_speaker_fixes_mistakes_using_the_error_summary(page, organisation):
    page.goto("/concerns/speak-up/")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    answer_the_speak_up_questions(
        page,
        organisation,
        openness="Confidential",
        description="Staff are asked to falsify training records.",
    )

    expect(page.get_by_role("heading", name="Your contact details")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Enter your name")).to_be_visible()
    assert_accessible(page)
    # A pasted name too long for the API is refused in its words, not cut short and sent.
    page.get_by_label("Your name").fill("Morgan Tester " * 400)
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("link", name="Your name must be 200 characters or fewer")
    ).to_be_visible()
    page.get_by_label("Your name").fill("Morgan Tester")
    page.get_by_label("Email address").fill("morgan@example.test")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("button", name="Change your concern").click()
    page.get_by_label("Describe your concern").fill("Staff are told to sign training as done.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Staff are told to sign training as done.")).to_be_visible()
    expect(page.get_by_text("morgan@example.test")).to_be_visible()
    assert_accessible(page)


def test_after_closure_the_speaker_says_how_it_went_and_reports_detriment(page, organisation):
    """Journey 2, the end: feedback once closed, then a detriment check-in that reopens."""
    from django.utils import timezone

    from speakup.concerns.models import DetrimentCheckin, Status
    from speakup.concerns.services.intake import concern_submit

    submitted = concern_submit(
        organisation=organisation,
        confidentiality="anonymous",
        description="Agency staff are not told where the fire exits are (synthetic).",
    )
    concern = submitted.concern
    concern.status, concern.closed_at = Status.CLOSED, timezone.now()
    concern.save()

    page.goto("/concerns/check/")
    page.get_by_label("Receipt code").fill(submitted.receipt_code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Tell us how it went")).to_be_visible()
    again = page.get_by_role("group", name="Given your experience, would you speak up again?")
    again.get_by_label("I don't know").check()
    page.get_by_role("group", name="Have you suffered for speaking up?").get_by_label("No").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Thank you: you have told us how it went.")).to_be_visible()
    assert_accessible(page)

    DetrimentCheckin.objects.create(concern=concern, due_on=timezone.localdate())
    page.reload()
    question = "Since your concern was closed, have you suffered for speaking up?"
    page.get_by_role("group", name=question).get_by_label("Yes").check()
    page.get_by_role("button", name="Send answer").click()
    assert_accessible(page)
    concern.refresh_from_db()
    assert concern.status == Status.IN_PROGRESS and concern.detriment_reported


def test_the_concern_page_warns_before_access_ends_and_lets_the_speaker_stay(page, organisation):
    """WCAG 2.2.1: access ends after 30 minutes without use, for the speaker's privacy, so the
    page warns two minutes before, with a way to stay; when it has ended, it says so."""
    from speakup.concerns.services.intake import concern_submit

    submitted = concern_submit(
        organisation=organisation,
        confidentiality="anonymous",
        description="The sluice room door does not lock (synthetic).",
    )
    page.clock.install()
    page.goto("/concerns/check/")
    page.get_by_label("Receipt code").fill(submitted.receipt_code)
    page.get_by_role("button", name="Continue").click()
    warning = page.get_by_role("alert").filter(has_text="about to end")
    heading = page.get_by_role("heading", name=f"Your concern {submitted.concern.reference}")
    expect(heading).to_be_visible()
    expect(warning).to_be_hidden()

    page.clock.run_for("27:59")
    expect(warning).to_be_hidden()
    page.clock.run_for("00:02")
    expect(warning).to_be_visible()
    stay = page.get_by_role("button", name="Stay on this page")
    expect(stay).to_be_focused()
    assert_accessible(page)
    stay.click()
    expect(warning).to_be_hidden()  # 30 more minutes from now

    page.clock.run_for("30:01")
    expect(page.get_by_text("your access to this page has ended")).to_be_visible()
    expect(stay).to_be_hidden()


def test_the_browsers_back_button_goes_to_the_previous_question_with_the_answers_kept(
    page, organisation
):
    """Every step is a post to one address, which a browser cannot go back to ("Confirm Form
    Resubmission"); its Back button now does what the page's Back does."""
    page.goto("/concerns/speak-up/")
    page.get_by_label("Which organisation is your concern about?").select_option(
        organisation.ods_code
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Confidential").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Describe your concern").fill("The night rota leaves one nurse on ward 9.")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="A few more questions")).to_be_visible()

    page.go_back()
    expect(page.get_by_label("Describe your concern")).to_have_value(
        "The night rota leaves one nurse on ward 9."
    )
    page.go_back()
    expect(page.get_by_role("heading", name="How open do you want to be?")).to_be_visible()
    expect(page.get_by_label("Confidential")).to_be_checked()
    assert_accessible(page)
    # And on again from there, the answers still kept.
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("Describe your concern")).to_have_value(
        "The night rota leaves one nurse on ward 9."
    )
