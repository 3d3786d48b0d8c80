"""The board report page, its PDF and the guardian's inputs: who may see them, bad periods."""

import io
import re
from datetime import date

import pytest
import time_machine
from pypdf import PdfReader

from speakup.concerns.models import Confidentiality
from speakup.organisations.roles import Role
from speakup.reporting.models import BoardReportInputs
from tests.reporting.board_report_fixtures import PUBLISHED, UNPUBLISHED
from tests.reporting.factories import london, make_case
from tests.training.factories import CompletionFactory, StaffRecordFactory

PAGE = "/reports/board-reports/TST01/"
HALF = "?start=2026-04-01&end=2026-09-30"


@pytest.mark.parametrize(
    "role",
    [
        Role.GUARDIAN,
        Role.EXECUTIVE_LEAD,
        Role.NON_EXECUTIVE_LEAD,
        Role.BOARD_MEMBER,
        Role.ORGANISATION_ADMIN,
    ],
)
def test_the_board_and_its_leads_see_the_report(client_as, role, cases, february_2027):
    page = client_as(role).get(PAGE + HALF).content.decode()
    assert "1 April 2026 to 30 September 2026" in page
    assert "Download this report as a PDF" in page
    assert "Alex Leader" in page
    assert PUBLISHED in page
    assert UNPUBLISHED not in page


@pytest.mark.parametrize("role", [Role.WORKER, Role.LINE_MANAGER, Role.NATIONAL_ANALYST])
def test_others_get_not_found(client_as, role, cases, february_2027):
    client = client_as(role)
    assert client.get(PAGE + HALF).status_code == 404
    assert client.get(PAGE + "report.pdf" + HALF).status_code == 404
    assert client.get("/reports/board-reports/").status_code == 404


def test_a_guardian_of_another_organisation_gets_not_found(
    client_as, other_organisation, february_2027
):
    client = client_as(Role.GUARDIAN, other_organisation)
    assert client.get(PAGE + HALF).status_code == 404


@pytest.mark.parametrize(
    "query, message",
    [
        ("?start=2026-09-30&end=2026-04-01", "The end date must be the same as or after"),
        ("?start=2026-04-01&end=2027-09-30", "The period cannot end in the future"),
        ("?start=2027-06-01&end=2027-09-30", "The period lies in the future"),
        ("?start=yesterday&end=2026-09-30", "The start date of the period must be a real date"),
        (
            "?start_day=99999999999999999999&start_month=4&start_year=2026&end=2026-09-30",
            "The start date of the period must be a real date",
        ),
        (
            "?start=2026-04-01&end_day=30&end_month=99999999999999999999&end_year=2026",
            "The end date of the period must be a real date",
        ),
        ("?start=2026-04-01", "Enter the end date of the period"),
        ("?start=0001-01-01&end=2026-09-30", "Choose a start date from 2015 onwards"),
    ],
)
def test_a_bad_period_gets_a_clear_400(client_as, query, message, february_2027):
    client = client_as(Role.GUARDIAN)
    response = client.get(PAGE + query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "<title>Error: " in page
    # The error summary at the top lists it, as on every other page with an error.
    summary = page.split('class="nhsuk-error-summary"')[1].split("</div>")[0]
    assert message in summary
    assert client.get(PAGE + "report.pdf" + query).status_code == 400


READERS_OF_STANDARD_PERIODS = [
    Role.EXECUTIVE_LEAD,
    Role.NON_EXECUTIVE_LEAD,
    Role.BOARD_MEMBER,
    Role.ORGANISATION_ADMIN,
]


@pytest.mark.parametrize("role", READERS_OF_STANDARD_PERIODS)
@pytest.mark.parametrize(
    "query",
    [
        "?start=2026-04-01&end=2026-09-30",  # April to September
        "?start=2025-10-01&end=2026-03-31",  # October to March
        "?start=2025-04-01&end=2026-03-31",  # a financial year
        "?year=2026&part=h1",  # chosen from the list on the page
    ],
)
def test_the_board_opens_financial_years_and_half_years(client_as, role, query, february_2027):
    response = client_as(role).get(PAGE + query)
    assert response.status_code == 200
    assert "Cases raised in the period" in response.content.decode()


@pytest.mark.parametrize("role", READERS_OF_STANDARD_PERIODS)
@pytest.mark.parametrize(
    "query, message",
    [
        # One day apart: subtracting the two would single out the cases raised on 7 May.
        (
            "?start=2025-05-07&end=2026-03-31",
            "7 May 2025 to 31 March 2026 is not a financial year (April to March) or half-year "
            "(April to September, or October to March): choose one below",
        ),
        (
            "?start=2025-05-08&end=2026-03-31",
            "8 May 2025 to 31 March 2026 is not a financial year",
        ),
        ("?start=2026-04-01&end=2026-06-30", "1 April 2026 to 30 June 2026 is not a financial"),
        ("?start=yesterday&end=2026-03-31", "The address does not give a financial year"),
        ("?year=2026&part=h2", "1 October 2026 to 31 March 2027 has not ended yet"),
        ("?year=2031&part=h1", "Choose a financial year from the list"),
        ("?year=2025&part=q1", "Choose a period from the list"),
    ],
)
def test_the_board_cannot_open_any_other_period(
    client_as, role, query, message, cases, february_2027
):
    client = client_as(role)
    response = client.get(PAGE + query)
    assert response.status_code == 400
    page = response.content.decode()
    assert "<title>Error: Check the period of the board report" in page
    assert message in page
    assert "Cases raised in the period" not in page
    assert "Financial year" in page and "April to September" in page  # the list to choose from
    assert "Start date" not in page  # no boxes for dates of their own
    assert client.get(PAGE + "report.pdf" + query).status_code == 400


def test_a_period_ending_today_is_not_over_until_tomorrow_for_the_board(client_as, organisation):
    # Cases raised later today would change its figures from one hour to the next.
    with time_machine.travel(london(2027, 3, 31, 9, 0), tick=False):
        query = "?start=2026-10-01&end=2027-03-31"
        response = client_as(Role.BOARD_MEMBER).get(PAGE + query)
        assert response.status_code == 400
        assert "1 October 2026 to 31 March 2027 has not ended yet" in response.content.decode()
        assert client_as(Role.GUARDIAN).get(PAGE + query).status_code == 200


def test_a_guardian_opens_any_dates_without_the_national_figures(client_as, cases, february_2027):
    response = client_as(Role.GUARDIAN).get(PAGE + "?start=2026-05-07&end=2026-09-30")
    assert response.status_code == 200
    page = response.content.decode()
    assert "7 May 2026 to 30 September 2026" in page
    assert "Cases raised in the period" in page
    assert "Or choose your own dates" in page
    # Another organisation's cases could be worked out day by day from national figures.
    assert "National figures are given only for whole financial quarters" in page
    assert "Our figures and the national figures" not in page


def test_the_national_figures_are_compared_over_a_whole_half_year(client_as, cases, february_2027):
    page = client_as(Role.GUARDIAN).get(PAGE + HALF).content.decode()
    assert "Our figures and the national figures" in page
    assert "National figures are given only for whole financial quarters" not in page


def test_only_guardians_are_offered_dates_of_their_own(client_as, february_2027):
    for role in READERS_OF_STANDARD_PERIODS:
        client = client_as(role)
        for url in ("/reports/board-reports/", PAGE + HALF):
            page = client.get(url).content.decode()
            assert "Financial year" in page and "October to March" in page
            assert "Or choose your own dates" not in page and "Start date" not in page
    guardian = client_as(Role.GUARDIAN)
    for url in ("/reports/board-reports/", PAGE + HALF):
        page = guardian.get(url).content.decode()
        assert "Financial year" in page and "Or choose your own dates" in page


def test_the_page_says_a_year_and_its_half_years_can_be_subtracted(client_as, organisation):
    """It said reports "cannot be compared to single anyone out", and they can: a year less
    one of its half-years is the other, hidden counts and all (docs/reporting.md, "What is
    left")."""
    for month in (5, 6, 7, 8, 9, 11):  # 5 anonymous from April to September 2025, 1 after
        received = london(2025, month, 3, 10, 0)
        make_case(organisation, received=received, confidentiality=Confidentiality.ANONYMOUS)
    for month in (4, 6, 8, 10, 12, 2) * 2:
        make_case(organisation, received=london(2025 + (month < 4), month, 5, 10, 0))
    client = client_as(Role.BOARD_MEMBER)
    with time_machine.travel(london(2026, 5, 1, 9, 0)):
        anonymous = [
            _summary(client.get(f"{PAGE}?year=2025&part={part}"), "Raised anonymously")
            for part in ("year", "h1", "h2")
        ]
        page = client.get("/reports/board-reports/").content.decode()
    assert anonymous == ["6 (33.3%)", "5 (45.5%)", "fewer than 5 (not shown)"]
    assert "cannot be compared to single anyone out" not in page
    assert "6 anonymous cases in the year and 5 from April to September leave exactly 1" in page


def _summary(response, label: str) -> str:
    page = response.content.decode()
    row = page[page.index(f">{label}</dt>") :]
    return row.split('value">', 1)[1].split("<", 1)[0]


def test_a_hidden_number_of_answers_reads_as_a_sentence(client_as, cases, february_2027):
    # April to September 2026: 5 said yes and 1 no, so the number of answers is not shown.
    page = client_as(Role.BOARD_MEMBER).get(PAGE + HALF).content.decode()
    assert "Number of answers: not shown." in page
    assert "not shown answered" not in page


def test_a_share_of_a_hidden_number_of_cases_reads_not_shown(
    client_as, organisation, february_2027
):
    # July 2026: 3 cases, one anonymous: the counts are small, their shares not shown.
    make_case(organisation, received=london(2026, 7, 6), confidentiality=Confidentiality.ANONYMOUS)
    make_case(organisation, received=london(2026, 7, 7))
    make_case(organisation, received=london(2026, 7, 8))
    page = client_as(Role.GUARDIAN).get(PAGE + "?start=2026-07-01&end=2026-07-31").content.decode()
    assert "fewer than 5 (fewer than 5)" not in page
    assert page.count("fewer than 5 (not shown)") == 2  # anonymously, and detriment


def test_with_no_dates_the_last_half_year_is_shown(client_as, february_2027):
    page = client_as(Role.GUARDIAN).get(PAGE).content.decode()
    assert "1 April 2026 to 30 September 2026" in page
    assert "No cases were raised with the guardians in this period" in page


def test_the_pdf_has_the_figures_contents_and_period_on_every_page(client_as, cases, february_2027):
    response = client_as(Role.BOARD_MEMBER).get(PAGE + "report.pdf" + HALF)
    assert response["Content-Type"] == "application/pdf"
    assert "ftsu-board-report-TST01-2026-04-01-to-2026-09-30.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert "1 April 2026 to 30 September 2026" in text
        assert f"Page {number} of {len(pages)}" in text
    whole = "\n".join(pages)
    assert "Contents" in whole
    assert "Cases raised in the period" in whole
    assert "41.7%" in whole  # anonymous share
    assert "fewer than 5" in whole
    assert PUBLISHED in whole
    assert UNPUBLISHED not in whole


def test_the_guardian_adds_survey_scores_and_a_narrative(client_as, february_2027):
    client = client_as(Role.GUARDIAN)
    url = PAGE + "inputs/" + HALF
    response = client.post(
        url,
        {
            "survey_year": "2025",
            "survey_sub_score": "6.8",
            "survey_secure_clinical": "7.1",
            "narrative": "Themes this half-year: rotas.\nNext: more champions.",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "The survey scores and narrative are saved" in page
    assert "Raising concerns sub-score" in page and "6.80" in page
    assert "Next: more champions." in page
    inputs = BoardReportInputs.objects.get()
    assert (inputs.start.isoformat(), inputs.end.isoformat()) == ("2026-04-01", "2026-09-30")


def test_a_score_out_of_range_is_refused(client_as, february_2027):
    response = client_as(Role.GUARDIAN).post(PAGE + "inputs/" + HALF, {"survey_sub_score": "11"})
    assert response.status_code == 400
    assert "Enter a score from 0 to 10" in response.content.decode()
    assert not BoardReportInputs.objects.exists()


def test_only_the_guardian_may_type_the_inputs(client_as, february_2027):
    assert client_as(Role.BOARD_MEMBER).get(PAGE + "inputs/" + HALF).status_code == 404


def _row(page: str, table_id: str, label: str) -> str:
    """The row headed `label` of the table `table_id`, from its heading to its last cell."""
    table = page[page.index(f'id="{table_id}"') :]
    row = table[table.index(f">{label}<") :]
    return row[: row.index("</tr>")].strip()


def test_a_few_trained_of_many_read_under_1_percent_as_on_the_dashboard(
    client_as, organisation, february_2027
):
    """1 of 201 workers trained read "0%" and "0% of 201", as if nobody had: the dashboard's
    words, "under 1%", are the board's too."""
    workers = StaffRecordFactory.create_batch(
        201, organisation=organisation, staff_group="Students"
    )
    CompletionFactory(staff_record=workers[0], completed_on=london(2026, 6, 1, 9, 0).date())
    page = client_as(Role.GUARDIAN).get(PAGE + HALF).content.decode()

    speak_up = _row(page, "table-compliance", "Speak Up")
    assert speak_up.count("<td") == 4  # mandatory?, required, complete, compliance
    assert speak_up.endswith(">under 1%</td>")
    students = _row(page, "table-staff-groups", "Students")
    assert ">under 1% of 201</td>" in students
    assert ">0%" not in speak_up + students


def test_a_board_members_overdue_follow_up_says_when_it_was_due_as_the_dashboard_does(
    client_as, organisation, february_2027
):
    """The report said "Overdue" alone, while the dashboard said "was due by 21 January 2026"."""
    yara = StaffRecordFactory(
        organisation=organisation,
        first_name="Yara",
        last_name="Larkfield",
        is_board_member=True,
        assignment_start=date(2025, 10, 23),  # the board's 90 days: due by 21 January 2026
    )
    for module in ("speak_up", "listen_up"):
        CompletionFactory(staff_record=yara, module=module, completed_on=date(2025, 11, 1))
    client = client_as(Role.BOARD_MEMBER)
    said = "Board members take Follow Up; was due by 21 January 2026"
    report = _text(client.get(PAGE + HALF))
    board = report[report.index("Follow Up training of board members") :]
    assert f"Yara Larkfield Overdue {said}" in board
    assert said in _text(client.get("/training/organisations/TST01/"))


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
