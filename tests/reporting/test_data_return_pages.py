"""The guardian's data return pages: figures, submission, corrections, and 404 for outsiders."""

import re

import pytest

from speakup.organisations.roles import Role
from speakup.reporting.models import DataReturnSubmission
from speakup.reporting.queries import COUNT_COLUMNS
from tests.reporting.factories import london, make_case

PAGE = "/reports/data-returns/TST01/2026-Q3/"


@pytest.fixture
def cases(organisation):
    make_case(organisation, received=london(2026, 10, 5), elements=["patient_safety"])
    make_case(organisation, received=london(2026, 10, 6), worker_group="ahp")


def test_the_guardian_sees_the_figures_and_marks_the_return_submitted(
    client_as, cases, february_2027
):
    client = client_as(Role.GUARDIAN)
    page = client.get(PAGE).content.decode()
    assert "Data return for Q3 2026/27 (October to December 2026)" in page
    assert "Patient safety or quality" in page
    # "Element" is the National Guardian's Office's word: the table says what it means.
    assert "Elements: what cases are about (a case can have several)" in page
    assert "Mark as submitted" in page
    assert "not hidden here" in page  # the national return is exempt, and says so
    # "Feedback" is what the guardian gives: the speakers' answers are called what they are.
    assert "Would they speak up again? (answers in the quarter)" in page
    assert "Answered “would you speak up again?”" in page and "Feedback received" not in page

    response = client.post(PAGE + "submit/", follow=True)
    page = response.content.decode()
    assert "is marked as submitted" in page
    assert "Marked as submitted on 10 February 2027" in page
    assert "&lt;p&gt;" not in page  # no markup shown as text
    assert "Mark as submitted</button>" not in page
    assert DataReturnSubmission.objects.get().figures["total_cases"] == 2


def test_corrections_since_submission_are_shown(client_as, organisation, cases, february_2027):
    client = client_as(Role.GUARDIAN)
    client.post(PAGE + "submit/")
    make_case(organisation, received=london(2026, 12, 1), worker_group="ahp")
    page = client.get(PAGE).content.decode()
    assert "Corrections since this return was submitted" in page
    # A heading under the page's h1 (axe: heading-order), not an h3 straight after it.
    assert re.search(r"<h2[^>]*>(?:(?!</h2>).)*Corrections since this return", page, re.S)
    assert "Worker group: Allied health professionals" in page


def test_a_quarter_in_progress_cannot_be_submitted_yet(client_as, february_2027):
    client = client_as(Role.GUARDIAN)
    page = client.get("/reports/data-returns/TST01/2026-Q4/").content.decode()
    assert "has not ended yet" in page
    assert "Mark as submitted</button>" not in page
    response = client.post("/reports/data-returns/TST01/2026-Q4/submit/", follow=True)
    assert "once the quarter has ended" in response.content.decode()
    assert not DataReturnSubmission.objects.exists()


def test_an_empty_quarter_says_it_is_a_nil_return(client_as, february_2027):
    page = client_as(Role.GUARDIAN).get("/reports/data-returns/TST01/2025-Q1/").content.decode()
    assert "this is a nil return" in page


def test_the_q4_page_reconciles_q1_to_q3(client_as, organisation, may_2027):
    make_case(organisation, received=london(2026, 5, 1))
    client = client_as(Role.GUARDIAN)
    client.post("/reports/data-returns/TST01/2026-Q1/submit/")
    make_case(organisation, received=london(2026, 5, 2))
    page = client.get("/reports/data-returns/TST01/2026-Q4/").content.decode()
    assert "Reconciling Q1 to Q3" in page
    assert "1 figure changed since" in page or "figures changed since" in page
    assert "Q2: not submitted" in page


def test_a_bad_quarter_is_a_400_page_with_a_clear_message(client_as, february_2027):
    response = client_as(Role.GUARDIAN).get("/reports/data-returns/TST01/2026-Q5/")
    assert response.status_code == 400
    assert "There is no Q5" in response.content.decode()


def test_the_list_shows_recent_quarters_and_what_was_submitted(client_as, february_2027):
    client = client_as(Role.GUARDIAN)
    client.post(PAGE + "submit/")
    page = client.get("/reports/data-returns/").content.decode()
    assert "Testshire Fictional NHS Trust (TST01)" in page
    assert "Q3 2026/27 (October to December 2026)" in page
    assert "Submitted" in page and "Quarter in progress" in page and "Not submitted" in page


def _list_rows(page: str) -> list[str]:
    """Each row of the list's table, its cells' text joined: "Q3 2026/27 (…) Submitted …"."""
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_an_older_quarter_with_cases_and_no_return_stays_listed_until_submitted(
    client_as, organisation, february_2027
):
    """Past the last six quarters, a return still owed was not listed: a guardian could miss
    it. Each row is a quarter, newest first; the six recent ones are 2025-Q3 to 2026-Q4."""
    make_case(organisation, received=london(2025, 5, 20))  # Q1 2025/26, never submitted
    # 00:30 on 1 July in summer time is still 30 June by the clock in UTC: Q2, not Q1.
    make_case(organisation, received=london(2025, 7, 1, 0, 30))
    # Q3 2024/25: submitted; its feedback, given in Q4 2024/25, is a return still owed.
    make_case(
        organisation, received=london(2024, 12, 2), feedback="yes", feedback_at=london(2025, 2, 3)
    )
    client = client_as(Role.GUARDIAN)
    client.post("/reports/data-returns/TST01/2024-Q3/submit/")

    rows = _list_rows(client.get("/reports/data-returns/").content.decode())
    older = [row for row in rows if "2025/26" in row or "2024/25" in row]
    assert older == [
        "Q4 2025/26 (January to March 2026) Not submitted",
        "Q3 2025/26 (October to December 2025) Not submitted",
        "Q2 2025/26 (July to September 2025) Not submitted",
        "Q1 2025/26 (April to June 2025) Not submitted",
        "Q4 2024/25 (January to March 2025) Not submitted",
    ]
    assert "earlier quarter with cases or feedback whose return has not been submitted" in (
        client.get("/reports/data-returns/").content.decode()
    )

    client.post("/reports/data-returns/TST01/2025-Q1/submit/")
    rows = _list_rows(client.get("/reports/data-returns/").content.decode())
    assert not any("Q1 2025/26" in row for row in rows)  # sent: no longer owed


@pytest.mark.parametrize("role", [Role.WORKER, Role.LINE_MANAGER, Role.BOARD_MEMBER])
def test_people_who_are_not_guardians_get_404(client_as, cases, role):
    client = client_as(role)
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE + "submit/").status_code == 404
    assert client.get("/reports/data-returns/").status_code == 404
    assert not DataReturnSubmission.objects.exists()


def test_another_organisations_guardian_gets_404(client_as, other_organisation, cases):
    client = client_as(Role.GUARDIAN, other_organisation)
    assert client.get(PAGE).status_code == 404
    assert client.post(PAGE + "submit/").status_code == 404
    assert client.get("/reports/data-returns/ZZZ99/2026-Q3/").status_code == 404


def test_the_guardian_has_a_data_returns_link(client_as):
    page = client_as(Role.GUARDIAN).get("/").content.decode()
    assert 'href="/reports/data-returns/"' in page


def test_zero_is_shown_as_0_not_left_blank(client_as, february_2027):
    page = client_as(Role.GUARDIAN).get("/reports/data-returns/TST01/2025-Q1/").content.decode()
    cells = re.findall(r"<td[^>]*numeric[^>]*>\s*([^<]*?)\s*</td>", page)
    assert len(cells) == len(COUNT_COLUMNS)
    assert set(cells) == {"0"}
