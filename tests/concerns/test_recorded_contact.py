"""How a speaker is reached when a guardian records their concern: by email, by phone or both.
Someone who phones may want only a call back; a speaker on their own still gives an email."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from speakup.concerns.models import Concern, DetrimentCheckin, Notification, Status
from speakup.concerns.services import handling
from speakup.concerns.services.deadlines import deadlines_tick
from speakup.concerns.services.intake import SubmissionInvalid, concern_submit
from speakup.concerns.services.speaker import speaker_view
from speakup.core.models import AuditRecord
from tests.concerns.factories import ConcernFactory
from tests.concerns.test_api_public import CONCERNS, anonymous_concern, post_json
from tests.concerns.test_api_staff import api_as
from tests.concerns.test_handling_pages import _record as record_concern_as_guardian
from tests.concerns.test_speaker_pages import heading, walk_to_check
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

SAM_PHONE = {"name": "Sam Phone", "phone": "07700 900123"}
REACH = "Enter the speaker's email address or phone number"


def _record(client, staff, **fields) -> str:
    """The guardian's "Record a concern" form sent for a phoned-in concern; the page, as read."""
    return unescape(record_concern_as_guardian(client, staff, **fields).content.decode())


def test_a_confidential_speaker_who_phoned_may_be_reached_by_phone_alone(client, staff):
    page = _record(
        client,
        staff,
        confidentiality="confidential",
        contact_name="Sam Phone",
        contact_phone="07700 900123",
    )
    assert "Give this code to the speaker now" in page
    assert handling.speaker_contact(Concern.objects.get()) == SAM_PHONE


@pytest.mark.parametrize("confidentiality", ["open", "confidential"])
def test_a_named_speaker_needs_an_email_address_or_a_phone_number(client, staff, confidentiality):
    page = _record(client, staff, confidentiality=confidentiality, contact_name="Sam Phone")
    assert re.search(r"<title>\s*Error: ", page)
    summary = re.search(r'nhsuk-error-summary__list">(.*?)</ul>', page, re.S).group(1)
    assert REACH in summary and 'href="#id_contact_email"' in summary
    assert f"Error: </span>{REACH}" in page  # by the box, too
    assert not Concern.objects.exists()


def test_with_nothing_given_the_name_and_a_way_to_reach_them_are_asked_for_at_once(client, staff):
    page = _record(client, staff, confidentiality="open", description="")
    assert "Enter the speaker's name" in page and REACH in page
    # With the rest of what is missing, not on a second try.
    assert "Enter the concern, in the speaker's words" in unescape(page)
    assert "Enter your" not in page
    assert not Concern.objects.exists()


def test_an_email_address_that_is_not_one_is_refused_even_with_a_phone_number(client, staff):
    page = _record(
        client,
        staff,
        confidentiality="confidential",
        contact_name="Sam Phone",
        contact_email="sam@",
        contact_phone="07700 900123",
    )
    assert "Enter the speaker's email address in the correct format" in page
    assert not Concern.objects.exists()


def test_an_email_address_too_long_to_keep_is_told_that_alone(client, staff):
    """Not also that its format is wrong, as Django's own check of over 320 characters says."""
    page = _record(
        client,
        staff,
        confidentiality="confidential",
        contact_name="Sam Phone",
        contact_email=f"{'s' * 320}@example.com",
    )
    summary = re.search(r'nhsuk-error-summary__list">(.*?)</ul>', page, re.S).group(1)
    assert "The speaker's email address must be 254 characters or fewer" in summary
    assert "correct format" not in page
    assert not Concern.objects.exists()


ANONYMOUS_WITH_DETAILS = (
    "You chose anonymous: remove the speaker's name and contact details, or choose confidential"
)


@pytest.mark.parametrize(
    "details, beside",
    [
        ({"contact_name": "Sam Phone", "contact_phone": "07700 900123"}, "id_contact_name"),
        ({"contact_email": "sam@example.com"}, "id_contact_email"),
        # Not a phone number either: the one thing to do is to remove it, so that is all it says.
        ({"contact_phone": "not a phone"}, "id_contact_phone"),
    ],
)
def test_an_anonymous_concern_with_the_speakers_details_is_refused_not_recorded_without_them(
    client, staff, details, beside
):
    """The details were silently dropped: the speaker would have a receipt code and no reply
    by the way they asked for, and the guardian no idea why."""
    page = _record(client, staff, confidentiality="anonymous", **details)
    assert re.search(r"<title>\s*Error: ", page)
    summary = re.search(r'nhsuk-error-summary__list">(.*?)</ul>', page, re.S).group(1)
    assert ANONYMOUS_WITH_DETAILS in summary and f'href="#{beside}"' in summary
    assert summary.count("<li") == 1
    assert f"Error: </span>{ANONYMOUS_WITH_DETAILS}" in page  # beside the box to empty
    assert "Give this code to the speaker now" not in page
    assert not Concern.objects.exists()
    # The guardian's other answers are kept, to send again once the choice is made.
    assert "The fire exit on level 2 is blocked (synthetic)" in page
    assert re.search(r'value="anonymous"\s+checked|checked[^>]*value="anonymous"', page)
    for value in details.values():
        assert f'value="{value}"' in page


def test_an_anonymous_concern_with_no_details_is_recorded(client, staff):
    page = _record(client, staff, confidentiality="anonymous", contact_name="  ")
    assert "Give this code to the speaker now" in page
    assert Concern.objects.get().confidentiality == "anonymous"


def test_the_service_takes_a_phone_number_alone_only_from_a_guardian(staff, organisation):
    submitted = concern_submit(
        organisation=organisation,
        confidentiality="open",
        description="Blocked fire exit",
        contact=dict(SAM_PHONE),
        source="phone",
        recorded_by=staff.guardian,
    )
    assert handling.speaker_contact(submitted.concern) == SAM_PHONE
    with pytest.raises(SubmissionInvalid) as refused:
        concern_submit(
            organisation=organisation,
            confidentiality="open",
            description="Blocked fire exit",
            contact=dict(SAM_PHONE),
        )
    assert refused.value.errors == {"contact.email": "Enter your email address"}


def test_a_speaker_on_their_own_still_gives_an_email_address(client, organisation):
    """Speakup asks a named speaker about detriment by email, in words that tell nobody else
    who reads that inbox anything; a call cannot be so discreet, and only a guardian who has
    spoken with the speaker knows the number is theirs and when it is safe to ring."""
    page = walk_to_check(
        client,
        organisation,
        confidentiality="confidential",
        name="Sam Phone",
        phone="07700 900123",
        email="",
    )
    assert heading(page) == "Your contact details"
    assert "Enter your email address" in page.content.decode()
    body = anonymous_concern(organisation, confidentiality="confidential", contact=SAM_PHONE)
    response = post_json(client, CONCERNS, body)
    assert response.status_code == 400 and "email" in response.json()["contact"]
    assert not Concern.objects.exists()


def _phoned_concern(staff, **fields):
    return ConcernFactory(organisation=staff.organisation, speaker=dict(SAM_PHONE), **fields)


def test_the_case_page_and_the_api_say_no_email_address_was_given(client, staff):
    concern = _phoned_concern(staff)
    sign_in(client, staff.guardian)
    page = client.get(reverse("concerns:show_concern", args=[concern.reference])).content
    text = " ".join(re.sub(r"<[^>]+>", " ", unescape(page.decode())).split())
    assert "Name Sam Phone Email Not given Phone 07700 900123" in text
    detail = api_as(staff.guardian).get(f"/api/v1/concerns/{concern.reference}").json()
    assert detail["speaker"] == SAM_PHONE


def test_a_due_checkin_of_a_speaker_with_no_email_address_tells_the_guardian(
    client, staff, mailoutbox
):
    """Nobody is emailed at an address that was never given, and the case does not say the
    speaker was asked: the guardian is told to get in touch, once, and the speaker is asked
    when they next sign in with their receipt code."""
    concern = _phoned_concern(staff, status=Status.CLOSED, guardian=staff.guardian)
    checkin = DetrimentCheckin.objects.create(concern=concern, due_on=timezone.localdate())

    deadlines_tick()
    deadlines_tick()
    assert [m.to for m in mailoutbox] == [[staff.guardian.email]]
    assert reverse("concerns:show_concern", args=[concern.reference]) in mailoutbox[0].body
    assert "Sam" not in mailoutbox[0].body and "07700" not in mailoutbox[0].body
    notified = Notification.objects.get(concern=concern)
    assert (notified.kind, notified.to_user) == ("detriment_checkin.guardian", staff.guardian)
    checkin.refresh_from_db()
    assert checkin.asked_at is None and checkin.guardian_told_at is not None
    record = AuditRecord.objects.get(action="concern.detriment_checkin")
    assert record.detail["emailed"] is False and record.detail["guardian_told"] is True

    sign_in(client, staff.guardian)
    page = client.get(reverse("concerns:show_concern", args=[concern.reference])).content
    assert "the guardian was told on" in unescape(page.decode())

    speaker_view(concern=concern)  # the speaker signs in with their receipt code
    checkin.refresh_from_db()
    assert checkin.asked_at is not None


def test_a_reopen_keeps_a_checkin_the_guardian_was_told_of(staff):
    concern = _phoned_concern(staff, status=Status.CLOSED, guardian=staff.guardian)
    told = DetrimentCheckin.objects.create(
        concern=concern, due_on=timezone.localdate(), guardian_told_at=timezone.now()
    )
    later = DetrimentCheckin.objects.create(
        concern=concern, due_on=timezone.localdate() + timedelta(days=60)
    )
    handling.concern_reopen(user=staff.guardian, concern=concern)
    assert list(concern.checkins.values_list("pk", flat=True)) == [told.pk]
    assert not DetrimentCheckin.objects.filter(pk=later.pk).exists()


def test_a_long_pasted_name_is_refused_beside_the_box_not_cut_by_the_browser(client, staff):
    """A maxlength attribute on the record form's boxes made a browser drop the end of a long
    paste without a word; the form now says the name is too long and keeps it."""
    sign_in(client, staff.guardian)
    form = client.get(reverse("concerns:record_concern")).content.decode()
    boxes = re.findall(r'<input[^>]*name="contact_(?:name|email|phone)"[^>]*>', form)
    assert len(boxes) == 3 and not any("maxlength" in box for box in boxes)

    long_name = "Sam " + "Phone" * 60
    page = _record(
        client,
        staff,
        confidentiality="open",
        contact_name=long_name,
        contact_email="sam.phone@example.test",
    )
    assert "The speaker's name must be" in page and "characters or fewer" in page
    assert f'value="{long_name}"' in page
    assert not Concern.objects.exists()
