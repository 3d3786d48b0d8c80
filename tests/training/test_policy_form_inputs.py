"""The training policy form's number boxes, as the NHS service manual asks for them."""

import re

import pytest

from speakup.organisations.roles import Role

pytestmark = pytest.mark.django_db

NUMBER_FIELDS = [
    "speak_up_refresher_years",
    "listen_up_refresher_years",
    "follow_up_refresher_years",
    "new_starter_due_days",
    "board_follow_up_due_days",
]


def test_each_number_box_brings_up_the_number_keypad_and_does_not_change_on_scrolling(
    client_as, organisation
):
    """A text box with inputmode="numeric", not type="number": a number box changes its value
    when scrolled over, and drops what a screen reader or browser cannot read as a number."""
    page = client_as(Role.ORGANISATION_ADMIN).get("/training/organisations/TST01/policy/")
    html = page.content.decode()
    for name in NUMBER_FIELDS:
        box = re.search(rf'<input[^>]*name="{name}"[^>]*>', html, re.S).group(0)
        assert 'type="text"' in box and 'inputmode="numeric"' in box, box


def test_a_number_typed_with_spaces_around_it_is_still_read(client_as, organisation):
    from speakup.training.models import TrainingPolicy

    client_as(Role.ORGANISATION_ADMIN).post(
        "/training/organisations/TST01/policy/",
        {
            "speak_up_refresher_years": " 3 ",
            "listen_up_refresher_years": "3",
            "follow_up_refresher_years": "3",
            "new_starter_due_days": " 45",
            "board_follow_up_due_days": "90 ",
        },
    )
    policy = TrainingPolicy.objects.get()
    assert policy.speak_up_refresher_years == 3 and policy.new_starter_due_days == 45


def test_the_error_summary_lists_problems_in_the_order_of_the_fields(client_as, organisation):
    # A missing date is found after every field is read (the form's clean), yet its box comes
    # first on the page: the summary follows the page, as the NHS design system asks.
    page = client_as(Role.ORGANISATION_ADMIN).post(
        "/training/organisations/TST01/policy/",
        {
            "speak_up_mandatory": "on",
            "speak_up_refresher_years": "x",
            "listen_up_refresher_years": "3",
            "follow_up_refresher_years": "3",
            "new_starter_due_days": "0",
            "board_follow_up_due_days": "90",
        },
    )
    summary = re.search(r"nhsuk-error-summary__list.*?</ul>", page.content.decode(), re.S)
    anchors = re.findall(r'href="#id_([a-z_]+)(?:-day)?"', summary.group(0))
    assert anchors == [
        "speak_up_mandatory_from",
        "speak_up_refresher_years",
        "new_starter_due_days",
    ]
