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
