"""An admin unticks a module as mandatory on the training policy page: the date boxes under the
tick box are hidden but still sent, and must not stop the module being saved as not mandatory."""

import datetime
import re

import pytest
import time_machine

from speakup.organisations.roles import Role
from speakup.training.models import TrainingPolicy
from tests.conftest import date_boxes
from tests.training.factories import TrainingPolicyFactory

pytestmark = pytest.mark.django_db

POLICY_PAGE = "/training/organisations/TST01/policy/"
FOLLOW_UP_SINCE = datetime.date(2024, 4, 1)


@pytest.fixture
def follow_up_mandatory(organisation):
    return TrainingPolicyFactory(
        organisation=organisation,
        follow_up_mandatory=True,
        follow_up_mandatory_from=FOLLOW_UP_SINCE,
    )


def unticked_follow_up(**changes) -> dict[str, str]:
    """The form as the browser sends it once Follow Up is unticked: its date boxes, hidden,
    still hold the date they showed."""
    return {
        "new_starter_due_days": "30",
        "board_follow_up_due_days": "90",
        "follow_up_refresher_years": "3",
        **date_boxes("follow_up_mandatory_from", FOLLOW_UP_SINCE),
        **changes,
    }


@time_machine.travel(datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), tick=False)
def test_unticking_a_module_saves_it_as_not_mandatory_and_forgets_its_date(
    client_as, follow_up_mandatory
):
    client = client_as(Role.ORGANISATION_ADMIN)
    response = client.post(POLICY_PAGE, unticked_follow_up())
    assert response.status_code == 302
    follow_up_mandatory.refresh_from_db()
    assert not follow_up_mandatory.follow_up_mandatory
    assert follow_up_mandatory.follow_up_mandatory_from is None
    page = client.get(response.url).content.decode()
    assert "Your training policy has been saved" in page
    assert re.search(r"Follow Up\s*</dt>\s*<dd[^>]*>\s*<strong[^>]*>\s*Not mandatory\s*<", page)
    api = client.get("/api/v1/organisations/TST01/training/compliance").json()
    assert [row["mandatory"] for row in api["modules"]] == [False, False, False]
    form = client.get(POLICY_PAGE).content.decode()
    assert not re.search(r'name="follow_up_mandatory_from_day"[^>]*value="[0-9]', form)


@pytest.mark.parametrize(
    "left_in_the_boxes",
    [
        {"follow_up_mandatory_from_day": "31", "follow_up_mandatory_from_month": "2"},
        {"follow_up_mandatory_from_year": "1800"},
        {"follow_up_mandatory_from_day": ""},
    ],
    ids=["not a real date", "too early", "part of a date"],
)
def test_a_date_left_under_an_unticked_module_is_never_refused(
    client_as, follow_up_mandatory, left_in_the_boxes
):
    response = client_as(Role.ORGANISATION_ADMIN).post(
        POLICY_PAGE, unticked_follow_up(**left_in_the_boxes)
    )
    assert response.status_code == 302
    assert TrainingPolicy.objects.get().follow_up_mandatory_from is None


def test_with_another_problem_only_that_problem_is_named(client_as, follow_up_mandatory):
    page = (
        client_as(Role.ORGANISATION_ADMIN)
        .post(POLICY_PAGE, unticked_follow_up(board_follow_up_due_days="x"))
        .content.decode()
    )
    assert "<title>Error: Your training policy" in page
    summary = re.search(r"nhsuk-error-summary__list.*?</ul>", page, re.S).group(0)
    assert re.findall(r"<a [^>]*>\s*(.*?)\s*</a>", summary) == [
        "The number of days board members have for Follow Up must be a whole number of days, "
        "like 90"
    ]
    follow_up_mandatory.refresh_from_db()
    assert follow_up_mandatory.follow_up_mandatory  # nothing saved


def test_each_date_is_shown_under_its_tick_box_and_hidden_while_unticked(
    client_as, follow_up_mandatory
):
    """The NHS.UK conditional reveal: ticking the box shows the date it asks for."""
    page = client_as(Role.ORGANISATION_ADMIN).get(POLICY_PAGE).content.decode()
    for module, ticked in [("speak_up", False), ("listen_up", False), ("follow_up", True)]:
        tick = re.search(rf'<input[^>]*id="id_{module}_mandatory"[^>]*>', page).group(0)
        assert f'data-aria-controls="conditional-id_{module}_mandatory"' in tick
        reveal = re.search(
            rf'<div class="([^"]*)" id="conditional-id_{module}_mandatory">(.*?)</fieldset>',
            page,
            re.S,
        )
        assert f'name="{module}_mandatory_from_day"' in reveal.group(2)
        assert ("nhsuk-checkboxes__conditional--hidden" in reveal.group(1)) is not ticked
