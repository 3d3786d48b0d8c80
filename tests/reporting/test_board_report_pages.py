"""The board report page, its PDF and the guardian's inputs: who may see them, bad periods."""

import io

import pytest
from pypdf import PdfReader

from speakup.organisations.roles import Role
from speakup.reporting.models import BoardReportInputs
from tests.reporting.board_report_fixtures import PUBLISHED, UNPUBLISHED, half_year_of_cases

PAGE = "/reports/board-reports/TST01/"
HALF = "?start=2026-04-01&end=2026-09-30"


@pytest.fixture
def cases(organisation, other_organisation):
    return half_year_of_cases(organisation, other_organisation)


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
        ("?start=2026-04-01", "Enter the end date of the period"),
    ],
)
def test_a_bad_period_gets_a_clear_400(client_as, query, message, february_2027):
    client = client_as(Role.GUARDIAN)
    response = client.get(PAGE + query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "<title>Error: " in page
    assert client.get(PAGE + "report.pdf" + query).status_code == 400


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
