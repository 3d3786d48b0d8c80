"""The register's pages: public without sign-in and private details never on them; others 404."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from speakup.organisations.roles import Role
from speakup.register import queries
from speakup.register.models import Appointment, Outcome
from speakup.register.services.fppt_and_attestation import (
    LCF_DOMAINS,
    attestation_submit,
    code_publish,
)
from speakup.register.services.regulatory import (
    appeal_decide,
    appeal_lodge,
    case_decide,
    case_open,
    case_respond,
)
from tests.conftest import date_boxes, sign_in
from tests.organisations.factories import UserFactory
from tests.register.factories import AppointmentFactory, DirectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(organisation):
    director = DirectorFactory(
        first_name="Iris", last_name="Ingleby", email="iris.private@fictional.test"
    )
    AppointmentFactory(director=director, organisation=organisation, role_title="Chair")
    AppointmentFactory(
        director=director,
        organisation=organisation,
        role_title="Non-executive director",
        start_date=date(2020, 1, 1),
        end_date=date(2023, 12, 31),
    )
    return director


def test_the_public_can_search_by_name_organisation_or_register_number(client, board):
    for q in ["ingleby", "Iris Ingleby", "Testshire", "tst01", board.register_number.lower()]:
        response = client.get("/register/", {"q": q})
        assert response.status_code == 200
        assert "Iris Ingleby" in response.content.decode(), q
    missing = client.get("/register/", {"q": "Nobody"}).content.decode()
    assert "No director matches your search" in missing


def test_many_results_page_through_keeping_the_search(client, organisation):
    for number in range(45):
        director = DirectorFactory(last_name=f"Fictional{number:02d}")
        AppointmentFactory(director=director, organisation=organisation)
    page = client.get("/register/", {"q": "Testshire"}).content.decode()
    assert 'aria-label="Pages of directors"' in page
    assert "?q=Testshire&amp;page=2" in page and "?q=Testshire&amp;page=3" in page
    second = client.get("/register/", {"q": "Testshire", "page": 2}).content.decode()
    assert "?q=Testshire&amp;page=1" in second


def test_a_directors_public_page_shows_appointments_decisions_and_nothing_private(
    client, board, person_with_role
):
    opener, decider = (person_with_role(Role.REGISTER_OFFICER) for _ in range(2))
    code = code_publish(actor=opener, title="Code", body="Text", based_on=0)
    answers = {k: {"rating": "developing", "note": "SECRET NOTE"} for k in LCF_DOMAINS}
    attestation_submit(actor=None, director=board, code=code, self_assessment=answers)
    case = case_open(actor=opener, director=board, grounds="GROUNDS TEXT")
    case_respond(actor=None, case=case, response="PRIVATE RESPONSE")
    case_decide(
        actor=decider,
        case=case,
        outcome=Outcome.CONDITIONS,
        reasons="Published reasons.",
        conditions_text="Attend a speak-up workshop.",
        review_date=timezone.localdate() + timedelta(days=365),
    )
    page = client.get(f"/register/directors/{board.register_number}/").content.decode()
    assert "Iris Ingleby" in page
    assert "Registered with conditions" in page
    assert "Chair" in page and "31 December 2023" in page  # current and past appointments
    assert "Attend a speak-up workshop." in page
    assert "Published reasons." in page
    for private in ["iris.private@fictional.test", "SECRET NOTE", "PRIVATE RESPONSE", "developing"]:
        assert private not in page
    assert "Open a regulatory case" not in page


def test_each_appointments_table_is_named_once_by_its_heading(client, board):
    """A caption repeating the heading above it is read twice by a screen reader."""
    page = client.get(f"/register/directors/{board.register_number}/").content.decode()
    assert "<caption" not in page
    for key, title in [("current", "Current appointments"), ("past", "Past appointments")]:
        assert f'<h2 id="{key}-appointments">{title}</h2>' in page
        assert f'aria-labelledby="{key}-appointments"' in page


def test_the_public_entry_stays_true_once_a_conditions_review_date_has_passed(
    client, organisation, person_with_role
):
    opener, decider = (person_with_role(Role.REGISTER_OFFICER) for _ in range(2))
    director = DirectorFactory(first_name="Ada", last_name="Aske")
    AppointmentFactory(director=director, organisation=organisation, role_title="Chair")
    url = f"/register/directors/{director.register_number}/"
    with time_machine.travel("2026-03-02 10:00", tick=False):
        case = case_open(actor=opener, director=director, grounds="Grounds.")
        case_respond(actor=None, case=case, response="Answer.")
        case_decide(
            actor=decider,
            case=case,
            outcome=Outcome.CONDITIONS,
            reasons="Reasons.",
            conditions_text="Report each quarter.",
            review_date=date(2026, 11, 19),
        )
        before = page_text(client.get(url))
    assert "Report each quarter. (to be reviewed on 19 November 2026)" in before
    assert "No past appointments." in before
    with time_machine.travel("2026-11-19 10:00", tick=False):
        assert "(to be reviewed on 19 November 2026)" in page_text(client.get(url))
    with time_machine.travel("2026-11-26 10:00", tick=False):
        after = page_text(client.get(url))
    assert "Report each quarter. (due for review since 19 November 2026)" in after
    assert "to be reviewed on" not in after


def page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_an_unknown_register_number_is_not_found(client, db):
    assert client.get("/register/directors/D999999/").status_code == 404


def test_open_data_has_one_row_per_appointment_and_an_etag(client, board):
    response = client.get("/register/open-data.csv")
    assert response.status_code == 200
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("Register Number,First Name,Last Name,Status")
    assert len(lines) == 3
    assert "iris.private" not in response.content.decode()
    again = client.get("/register/open-data.csv", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    ["/register/officer/", "/register/officer/code/new/", "/register/boards/TST01/"],
)
def test_people_without_the_role_get_not_found(client_as, path, board):
    client = client_as(Role.WORKER)
    assert client.get(path).status_code == 404


def test_signed_out_people_are_asked_to_sign_in_for_private_pages(client, db):
    response = client.get("/register/me/")
    assert response.status_code == 302
    assert "/account/sign-in/" in response["Location"]


def test_another_organisations_admin_cannot_see_or_change_the_board(
    client_as, board, other_organisation
):
    client = client_as(Role.ORGANISATION_ADMIN, other_organisation)
    assert client.get("/register/boards/TST01/").status_code == 404
    assert client.get("/register/boards/TST01/appointments/new/").status_code == 404
    assert client.post("/register/boards/TST01/import/").status_code == 404


def test_the_non_executive_lead_sees_board_compliance_but_cannot_change_it(client_as, board):
    client = client_as(Role.NON_EXECUTIVE_LEAD)
    page = client.get("/register/boards/TST01/").content.decode()
    assert "Board compliance" in page and "Iris Ingleby" in page
    assert "Add an appointment" not in page
    assert client.get("/register/boards/TST01/appointments/new/").status_code == 404


def test_an_admin_adding_an_appointment_to_a_removed_director_sees_a_clear_refusal(
    client_as, organisation
):
    removed = DirectorFactory(status="removed", first_name="Rem", last_name="Oved")
    client = client_as(Role.ORGANISATION_ADMIN)
    response = client.post(
        "/register/boards/TST01/appointments/new/",
        {
            "register_number": removed.register_number,
            "role_title": "Chair",
            "executive": "no",
            "ftsu_role": "none",
            **date_boxes("start_date", date(2026, 4, 1)),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Add an appointment" in page
    assert "has been removed from the register and cannot be given a new appointment" in page
    assert not Appointment.objects.filter(director=removed).exists()


def test_a_director_sees_their_duties_and_cases_but_not_someone_elses(client, board, organisation):
    account = UserFactory(email="Iris.Private@fictional.test")
    sign_in(client, account)
    page = client.get("/register/me/").content.decode()
    assert "Your register entry" in page and "Your duties" in page
    other = DirectorFactory()
    opener = UserFactory()
    with time_machine.travel("2026-03-01 10:00"):
        case = case_open(actor=opener, director=other, grounds="Other person's case.")
    assert client.get(f"/register/me/cases/{case.pk}/").status_code == 404


def test_the_header_links_lead_each_role_to_their_register_pages(client_as, board):
    officer = client_as(Role.REGISTER_OFFICER)
    page = officer.get("/").content.decode()
    assert 'href="/register/officer/"' in page


def test_attesting_after_a_new_version_appeared_is_refused_on_the_page(
    client, board, person_with_role
):
    officer = person_with_role(Role.REGISTER_OFFICER)
    code_publish(actor=officer, title="Code", body="Version one", based_on=0)
    code_publish(actor=officer, title="Code", body="Version two", based_on=1)
    sign_in(client, UserFactory(email=board.email))
    answers = {f"{k}_rating": "strong" for k in LCF_DOMAINS}
    response = client.post(
        "/register/me/attest/", {**answers, "confirm": "on", "code_version": "1"}
    )
    assert "Version 1 of the code of practice is no longer current" in response.content.decode()
    assert not board.attestations.exists()


@pytest.mark.parametrize("version", ["99999999999999999999", "9" * 5000, "²", "7"])
def test_a_version_of_the_code_that_is_not_one_is_read_as_none_not_an_error(
    client, board, person_with_role, version
):
    # A changed page (a number too big for the database or for Python to read, a digit that is
    # not 0 to 9, or no such version): the attestation is to the version the page shows, the
    # current one.
    officer = person_with_role(Role.REGISTER_OFFICER)
    code_publish(actor=officer, title="Code", body="Version one", based_on=0)
    sign_in(client, UserFactory(email=board.email))
    answers = {f"{k}_rating": "strong" for k in LCF_DOMAINS}
    response = client.post(
        "/register/me/attest/", {**answers, "confirm": "on", "code_version": version}
    )
    assert response.status_code == 302
    assert board.attestations.get().code.version == 1


def test_the_open_data_file_is_rate_limited(client, board):
    statuses = [client.get("/register/open-data.csv").status_code for _ in range(121)]
    assert statuses[-1] == 429 and statuses[0] == 200


@pytest.mark.parametrize(
    "title, chairs",
    [
        ("Chair", True),
        ("Interim Chair", True),
        ("Chair (interim)", True),
        ("chair of the board", True),
        ("Chairperson", True),
        ("Trust Chair", True),
        ("Chair of the Trust Board", True),
        ("Chair of the Trust", True),
        ("ICB Chair", True),
        ("Acting Board Chair", True),
        ("Chair of the Integrated Care Board", True),
        ("Vice Chair", False),
        ("Deputy Chair", False),
        ("Chair of the Audit Committee", False),
        ("Trust Vice Chair", False),
        ("Chair of the Quality Committee of the Board", False),
        ("Non-executive director", False),
    ],
)
def test_the_chair_is_recognised_by_the_title_of_their_appointment(title, chairs):
    assert queries.is_chair_title(title) is chairs


FPPT_POST = {
    "year": "2026",
    "checks": [
        "references_6_years",
        "qualifications",
        "disqualified_director_check",
        "right_to_work",
        "chair_signed_off",
    ],
    "outcome": "fit",
    **date_boxes("recorded_on", date(2026, 2, 1)),
}


@time_machine.travel("2026-03-01 10:00", tick=False)
def test_the_chair_sees_board_compliance_and_records_fppt_but_not_their_own(
    client, person_with_role, board, organisation
):
    chair = person_with_role(Role.BOARD_MEMBER, email="iris.private@fictional.test")
    colleague = AppointmentFactory(organisation=organisation, role_title="Director of Finance")
    sign_in(client, chair)
    page = client.get("/register/boards/TST01/").content.decode()
    assert "Board compliance" in page and colleague.director.name in page
    assert "Record fit and proper person checks" in page
    assert "Add an appointment" not in page
    assert client.get("/register/boards/TST01/appointments/new/").status_code == 404
    form = client.get("/register/boards/TST01/fppt/new/").content.decode()
    assert f'value="{board.register_number}"' not in form  # not offered, so not filled in
    assert f'value="{colleague.director.register_number}"' in form
    assert "Your own entry is not on the list" in form
    own = client.post(
        "/register/boards/TST01/fppt/new/", {**FPPT_POST, "director": board.register_number}
    )
    assert "Choose the director" in own.content.decode()
    assert not board.fppt_checks.exists()
    other = client.post(
        "/register/boards/TST01/fppt/new/",
        {**FPPT_POST, "director": colleague.director.register_number},
    )
    assert other.status_code == 302
    assert colleague.director.fppt_checks.get().outcome == "fit"


def test_a_board_member_who_is_not_the_chair_does_not_see_colleagues_compliance(
    client, person_with_role, board, organisation
):
    member = person_with_role(Role.BOARD_MEMBER)
    AppointmentFactory(
        director=DirectorFactory(email=member.email),
        organisation=organisation,
        role_title="Vice Chair",
    )
    sign_in(client, member)
    assert client.get("/register/boards/TST01/").status_code == 404
    assert client.get("/register/boards/").status_code == 404
    assert client.get("/register/me/").status_code == 200


def test_a_chair_of_another_board_cannot_see_this_one(
    client, person_with_role, board, other_organisation
):
    chair = person_with_role(Role.BOARD_MEMBER, other_organisation)
    AppointmentFactory(
        director=DirectorFactory(email=chair.email),
        organisation=other_organisation,
        role_title="Chair",
    )
    sign_in(client, chair)
    assert client.get("/register/boards/TST01/").status_code == 404
    assert client.get(f"/register/boards/{other_organisation.ods_code}/").status_code == 200


@pytest.mark.parametrize("role", [Role.ORGANISATION_ADMIN, Role.REGISTER_OFFICER])
@pytest.mark.parametrize(
    "path",
    [
        "/register/boards/NOPE1/",
        "/register/boards/NOPE1/appointments/new/",
        "/register/boards/NOPE1/appointments/1/end/",
        "/register/boards/NOPE1/import/",
        "/register/boards/NOPE1/fppt/new/",
    ],
)
def test_a_board_address_with_an_unknown_organisation_code_is_not_found(
    client_as, board, role, path
):
    # A mistyped or out-of-date address: the not-found page, never the error page.
    assert client_as(role).get(path).status_code == 404


def test_what_officers_and_the_director_wrote_keeps_its_line_breaks(
    client, board, person_with_role
):
    opener, decider, appeals = (person_with_role(Role.REGISTER_OFFICER) for _ in range(3))
    case = case_open(actor=opener, director=board, grounds="1. Late checks.\r\n2. No <b>plan</b>.")
    case_respond(actor=None, case=case, response="I accept 1.\n\nI dispute 2.")
    terms = {
        "outcome": Outcome.CONDITIONS,
        "reasons": "First, the checks.\nSecond, the plan.",
        "conditions_text": "Attend a workshop.\nReport each quarter.",
        "review_date": timezone.localdate() + timedelta(days=365),
    }
    decision = case_decide(actor=decider, case=case, **terms)
    appeal = appeal_lodge(actor=None, decision=decision, grounds="The plan was sent.\nLate.")
    appeal_decide(actor=appeals, appeal=appeal, outcome="dismissed", reasons="No plan.\nNone.")
    # Numbered points and paragraphs as written, not run together into one line; still text.
    public = client.get(f"/register/directors/{board.register_number}/").content.decode()
    for written in [
        "First, the checks.<br>Second, the plan.",
        "Attend a workshop.<br>Report each quarter.",
        "No plan.<br>None.",
    ]:
        assert written in public
    sign_in(client, opener)
    officer_page = client.get(f"/register/officer/cases/{case.pk}/").content.decode()
    for written in [
        "1. Late checks.<br>2. No &lt;b&gt;plan&lt;/b&gt;.",
        "I accept 1.<br><br>I dispute 2.",
        "First, the checks.<br>Second, the plan.",
        "The plan was sent.<br>Late.",
    ]:
        assert written in officer_page


def test_importing_one_appointment_says_so_in_the_singular(client_as, organisation):
    admin = client_as(Role.ORGANISATION_ADMIN)
    board_file = SimpleUploadedFile(
        "board.csv",
        b"First Name,Last Name,Email,Organisation,Role Title,Executive (Y/N),FTSU Role,"
        b"Start Date,End Date\nAda,Aske,ada@f.test,TST01,Chair,N,,2026-01-01,\n",
        content_type="text/csv",
    )
    response = admin.post("/register/boards/TST01/import/", {"file": board_file}, follow=True)
    assert "Board imported: 1 appointment added, none already on the register." in page_text(
        response
    )


def test_an_excel_workbook_sent_as_a_board_file_says_how_to_save_it_as_csv(client_as, organisation):
    # The same words as the roster and completions uploads (core.csvfiles.not_csv).
    workbook = SimpleUploadedFile("board.xlsx", b"PK\x03\x04\x14\x00\x06\x00\xff\xfe\x00")
    page = client_as(Role.ORGANISATION_ADMIN).post(
        "/register/boards/TST01/import/", {"file": workbook}
    )
    assert "In Excel, choose File, Save As, and the type" in page_text(page)


def test_a_numbered_point_too_long_to_be_a_number_is_shown_as_written(client, person_with_role):
    # An officer's slip of the keyboard in a new code must not take the public page down.
    officer = person_with_role(Role.REGISTER_OFFICER)
    long_number = "9" * 5000
    code_publish(
        actor=officer,
        title="Code",
        body=f"## Duties\n\n2. Listen well.\n\n{long_number}. Again.",
        based_on=0,
    )
    page = client.get("/register/code-of-practice/").content.decode()
    assert '<ol start="2">' in page and "Listen well." in page
    assert f"<p>{long_number}. Again.</p>" in page


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def test_pages_about_one_director_name_them_in_their_titles(client_as, board, organisation):
    """As each page's caption does: two directors' pages open in two tabs are told apart."""
    chair = Appointment.objects.get(director=board, role_title="Chair")
    admin = client_as(Role.ORGANISATION_ADMIN)
    ending = admin.get(f"/register/boards/TST01/appointments/{chair.pk}/end/")
    assert _title(ending) == "End an appointment – Iris Ingleby, Chair – speakup – NHS"
    adding = admin.get("/register/boards/TST01/appointments/new/")
    assert _title(adding) == f"Add an appointment – {organisation.name} – speakup – NHS"
    officer = client_as(Role.REGISTER_OFFICER)
    number = board.register_number
    for path, heading in (
        (f"/register/officer/directors/{number}/cases/new/", "Open a regulatory case"),
        (f"/register/officer/directors/{number}/correct/", "Correct a register entry"),
    ):
        page = officer.get(path)
        assert _title(page) == f"{heading} – Iris Ingleby, {number} – speakup – NHS"
        assert f"<h1>{heading}</h1>" in page.content.decode()


def test_the_organisation_search_says_what_an_ods_code_is(client, db):
    page = " ".join(unescape(client.get("/register/").content.decode()).split())
    assert (
        "The organisation's NHS code (its ODS code), such as RXX, or part of its name, "
        "such as Riverbank"
    ) in page
