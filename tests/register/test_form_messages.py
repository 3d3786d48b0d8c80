"""What people typing into the register's forms are told: plain English that names the field,
never Django's default messages, and limits on free text so that pages keep their shape."""

import re
from datetime import date

import pytest
import time_machine
from django.utils import timezone

from speakup.organisations.roles import Role
from speakup.register.models import Appointment, CodeOfPractice, Decision, RegulatoryCase
from speakup.register.services import board_files, common, regulatory
from tests.conftest import date_boxes, sign_in
from tests.register.factories import AppointmentFactory, DirectorFactory, appointment_form

pytestmark = pytest.mark.django_db

DJANGO_DEFAULTS = [
    "This field is required",
    "Ensure this value",
    "Enter a valid",
    "Enter a whole number",
    "Select a valid choice",
]


def assert_plain(page: str) -> None:
    for default in DJANGO_DEFAULTS:
        assert default not in page


def summary(page: str) -> list[str]:
    """The messages in the error summary at the top of the page."""
    found = re.search(r'class="nhsuk-error-summary".*?</ul>', page, re.S)
    assert found, "no error summary"
    items = re.findall(r"<li>(.*?)</li>", found.group(0), re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


@pytest.fixture
def admin_client(client_as, organisation):
    return client_as(Role.ORGANISATION_ADMIN)


def test_a_role_title_over_100_characters_is_refused_and_100_is_accepted(admin_client):
    response = admin_client.post(
        "/register/boards/TST01/appointments/new/", appointment_form(role_title="R" * 500)
    )
    page = response.content.decode()
    assert "<title>Error: Add an appointment" in page
    assert summary(page) == ["The role title must be 100 characters or fewer"]
    assert not Appointment.objects.exists()
    response = admin_client.post(
        "/register/boards/TST01/appointments/new/", appointment_form(role_title="R" * 100)
    )
    assert response.status_code == 302
    assert Appointment.objects.get().role_title == "R" * 100


def test_names_and_email_have_limits_and_plain_messages(admin_client):
    page = admin_client.post(
        "/register/boards/TST01/appointments/new/",
        appointment_form(first_name="F" * 101, last_name="L" * 101, email="not an address"),
    ).content.decode()
    assert summary(page) == [
        "The first name must be 100 characters or fewer",
        "The last name must be 100 characters or fewer",
        "Enter an email address in the correct format, like name@example.nhs.uk",
    ]
    assert_plain(page)


def test_an_email_address_too_long_to_keep_is_told_that_alone(admin_client):
    """Not also that its format is wrong, as Django's own check of over 320 characters says."""
    page = admin_client.post(
        "/register/boards/TST01/appointments/new/",
        appointment_form(email=f"{'a' * 320}@fictional.test"),
    ).content.decode()
    assert summary(page) == ["The email address must be 254 characters or fewer"]
    assert not Appointment.objects.exists()


def test_a_csv_row_with_a_long_role_title_refuses_the_whole_file(person_with_role, organisation):
    admin = person_with_role(Role.ORGANISATION_ADMIN)
    csv_text = (
        "First Name,Last Name,Email,Organisation,Role Title,Executive (Y/N),FTSU Role,"
        f"Start Date,End Date\nAda,Ashdown,ada@fictional.test,TST01,{'R' * 500},N,,2026-04-01,\n"
        f"{'B' * 101},Brook,bryn@fictional.test,TST01,Chair,N,,2026-04-01,\n"
    )
    with pytest.raises(common.RegisterRefusal) as refusal:
        board_files.board_import(actor=admin, csv_text=csv_text, organisation=organisation)
    assert refusal.value.messages == [
        "Row 2: The role title must be 100 characters or fewer.",
        "Row 3: The first name must be 100 characters or fewer.",
    ]
    assert not Appointment.objects.exists()


def test_a_search_over_100_characters_shows_the_error_and_no_results(client, organisation):
    AppointmentFactory(organisation=organisation)
    response = client.get("/register/", {"q": "x" * 300})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Search the register of board directors" in page
    assert summary(page) == ["Search for 100 characters or fewer"]
    assert "directors found" not in page and "All directors" not in page
    assert "/register/directors/" not in page
    assert_plain(page)


def test_a_search_of_100_characters_still_searches(client, organisation):
    AppointmentFactory(organisation=organisation)
    page = client.get("/register/", {"q": "x" * 100}).content.decode()
    assert "0 directors found" in page
    assert "nhsuk-error-summary" not in page


@pytest.fixture
def fppt_client(client_as, organisation):
    AppointmentFactory(
        organisation=organisation, director=DirectorFactory(register_number="D000015")
    )
    return client_as(Role.ORGANISATION_ADMIN)


def test_fppt_year_before_2023_is_refused_in_plain_words(fppt_client):
    page = fppt_client.post(
        "/register/boards/TST01/fppt/new/",
        {
            "director": "D000015",
            "year": "2020",
            "outcome": "in_progress",
            **date_boxes("recorded_on", date(2026, 2, 1)),
        },
    ).content.decode()
    assert summary(page) == ["The year of the check must be 2023 or later"]
    assert_plain(page)


def test_fppt_year_after_next_year_is_a_typing_slip(fppt_client):
    latest = timezone.localdate().year + 1
    fields = {"director": "D000015", "outcome": "in_progress"}
    page = fppt_client.post(
        "/register/boards/TST01/fppt/new/",
        {**fields, "year": str(latest + 1), **date_boxes("recorded_on", date(2026, 2, 1))},
    ).content.decode()
    assert summary(page) == [f"The year of the check must be {latest} or earlier"]


def test_fppt_messages_call_the_date_by_its_label(fppt_client):
    fields = {"director": "D000015", "year": "2026", "outcome": "in_progress"}
    missing = fppt_client.post("/register/boards/TST01/fppt/new/", fields).content.decode()
    assert "Date of the outcome" in missing  # the label
    assert summary(missing) == ["Enter the date of the outcome"]
    future = fppt_client.post(
        "/register/boards/TST01/fppt/new/",
        {**fields, **date_boxes("recorded_on", date(2099, 1, 1))},
    ).content.decode()
    assert summary(future) == ["The date of the outcome cannot be in the future."]
    assert future.count("The date of the outcome cannot be in the future.") == 2  # and beside it
    assert "checks were recorded" not in future


def test_days_to_respond_outside_14_to_90_is_refused_in_plain_words(client_as, organisation):
    director = AppointmentFactory(organisation=organisation).director
    officer = client_as(Role.REGISTER_OFFICER)
    path = f"/register/officer/directors/{director.register_number}/cases/new/"
    for days, message in [
        ("7", "Give the director at least 14 days to respond"),
        ("120", "Give the director 90 days or fewer to respond"),
        ("four weeks", "Enter the days the director has to respond as a number, like 28"),
    ]:
        page = officer.post(path, {"grounds": "Grounds", "response_days": days}).content.decode()
        assert summary(page) == [message]
        assert_plain(page)
    assert not RegulatoryCase.objects.exists()


def test_an_empty_code_names_the_title_and_the_text(client_as):
    officer = client_as(Role.REGISTER_OFFICER)
    page = officer.post(
        "/register/officer/code/new/", {"title": "", "body": "", "based_on": "0"}
    ).content.decode()
    assert summary(page) == ["Enter the title of the code", "Enter the text of the code"]
    assert_plain(page)
    assert not CodeOfPractice.objects.exists()


def test_headings_on_publishing_the_code_go_down_one_level_at_a_time(client_as):
    page = client_as(Role.REGISTER_OFFICER).get("/register/officer/code/new/").content.decode()
    main = page.split('id="maincontent"', 1)[1]
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", main)]
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels


def beside(page: str, field: str, message: str) -> bool:
    """The message is the field's own error message ("Error: " is read out before it)."""
    shown = re.search(rf'id="id_{field}-error"[^>]*>.*?</span>(.*?)</span>', page, re.S)
    return bool(shown) and message in " ".join(shown.group(1).split())


@time_machine.travel("2026-03-02 10:00", tick=False)
def test_decision_form_errors_sit_beside_their_fields_in_the_products_words(
    officers, director, client
):
    case = regulatory.case_open(actor=officers[0], director=director, grounds="Grounds.")
    regulatory.case_respond(actor=None, case=case, response="My answer.")
    url = f"/register/officer/cases/{case.pk}/"
    sign_in(client, officers[1])
    form = client.get(url).content.decode()
    # The dates must be ahead, so their example is too (2 March 2026: the 15th, 3 months on).
    assert form.count("For example, 15 6 2026") == 2 and "15 3 2026" not in form

    def decide(**fields) -> str:
        response = client.post(url, {"decide": "1", "reasons": "Reasons.", **fields})
        return response.content.decode()

    conditions = decide(outcome="conditions")
    assert summary(conditions) == [
        "Enter the conditions",
        "Enter the review date for the conditions",
    ]
    assert beside(conditions, "conditions_text", "Enter the conditions")
    assert beside(conditions, "review_date", "Enter the review date for the conditions")
    suspension = decide(outcome="suspension")
    assert summary(suspension) == ["Enter the date the suspension ends"]
    assert beside(suspension, "suspended_until", "Enter the date the suspension ends")
    past = decide(outcome="suspension", **date_boxes("suspended_until", date(2026, 3, 1)))
    assert summary(past) == ["The date the suspension ends must be in the future"]
    far = decide(
        outcome="conditions",
        conditions_text="Mentoring.",
        **date_boxes("review_date", date(2126, 1, 1)),
    )
    too_far = (
        "The review date for the conditions must be no more than 2 years from today: "
        "2 March 2028 or earlier"
    )
    assert summary(far) == [too_far]
    assert beside(far, "review_date", too_far)
    for page in (conditions, suspension, past, far):
        assert_plain(page)
    assert not Decision.objects.exists()
