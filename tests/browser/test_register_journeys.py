"""The register in a real browser: an admin appoints, a director attests, the public searches,
a whole regulatory case runs open -> respond -> decide -> appeal, a condition is reviewed, and
an officer corrects a misspelt name."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from speakup.core.dates import day_in_words
from speakup.organisations.roles import Role
from speakup.register.models import Appointment, Outcome
from speakup.register.services.fppt_and_attestation import LCF_DOMAINS, code_publish
from speakup.register.services.regulatory import case_decide, case_open, case_respond
from tests.browser.conftest import assert_accessible, fill_date, sign_in
from tests.register.factories import AppointmentFactory, DirectorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="You have signed out").wait_for()


def test_an_organisation_admin_adds_an_appointment(page, person_with_role, organisation):
    admin = person_with_role(Role.ORGANISATION_ADMIN)
    sign_in(page, admin, two_factor=True)
    page.get_by_role("link", name="Boards").first.click()
    page.get_by_role("link", name="Testshire Fictional NHS Trust").click()
    page.get_by_role("link", name="Add an appointment").click()
    assert_accessible(page)
    page.get_by_label("First name").fill("Wren")
    page.get_by_label("Last name").fill("Larkfield")
    page.get_by_label("Email address").fill("wren@fictional.test")
    page.get_by_label("Role title").fill("Chief Executive")
    page.get_by_role("group", name="Is this an executive role?").get_by_label("Yes").check()
    page.get_by_label("Executive FTSU lead", exact=True).check()
    fill_date(page, "Start date", date(2026, 1, 5))
    fill_date(page, "End date", date(2025, 12, 1))
    page.get_by_role("button", name="Add the appointment").click()
    expect(page).to_have_title(re.compile(r"^Error: Add an appointment"))
    expect(
        page.get_by_text("The end date must be the same as or after the start date").first
    ).to_be_visible()
    assert_accessible(page)
    fill_date(page, "End date", None)
    page.get_by_role("button", name="Add the appointment").click()
    expect(
        page.get_by_text("Wren Larkfield (D000001) is appointed Chief Executive.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Board compliance")).to_be_visible()
    assert Appointment.objects.get().ftsu_role == "executive_lead"
    assert_accessible(page)


def test_a_director_attests_to_the_code_with_a_self_assessment(
    page, person_with_role, organisation
):
    officer = person_with_role(Role.REGISTER_OFFICER)
    code_publish(
        actor=officer,
        title="Code of practice for board directors",
        body="## Listen\n\n1. I will listen to people who speak up.",
        based_on=0,
    )
    member = person_with_role(Role.BOARD_MEMBER, full_name="Nell Northcote")
    director = DirectorFactory(first_name="Nell", last_name="Northcote", email=member.email)
    AppointmentFactory(director=director, organisation=organisation, role_title="Chair")
    sign_in(page, member, two_factor=False)
    page.get_by_role("link", name="Your register entry").first.click()
    expect(page.get_by_role("heading", name="Your duties")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Attest to the code of practice").click()
    page.get_by_role("button", name="Attest").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    for domain in LCF_DOMAINS.values():
        page.get_by_role("group", name=domain).get_by_label("I meet this well").check()
    page.get_by_label("I have read the code of practice and I will meet it").check()
    assert_accessible(page)
    page.get_by_role("button", name="Attest").click()
    expect(page.get_by_text("Thank you: your attestation is recorded.")).to_be_visible()
    assert director.attestations.count() == 1
    page.get_by_role("link", name="See your public entry").click()
    expect(page.get_by_role("heading", name="Nell Northcote")).to_be_visible()
    assert member.email not in page.content()
    assert_accessible(page)


def test_the_public_searches_the_register_without_signing_in(page, organisation):
    director = DirectorFactory(first_name="Otis", last_name="Ellery")
    AppointmentFactory(director=director, organisation=organisation, role_title="Chair")
    DirectorFactory(first_name="Someone", last_name="Else")
    page.goto("/register/")
    assert_accessible(page)
    page.get_by_label("Name, organisation or register number").fill("Ellery")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 director found")).to_be_visible()
    page.get_by_role("link", name="Otis Ellery").click()
    expect(page.get_by_role("heading", name="Otis Ellery")).to_be_visible()
    expect(page.get_by_text("Testshire Fictional NHS Trust").first).to_be_visible()
    assert_accessible(page)


def test_a_whole_regulatory_case_open_respond_decide_appeal(page, person_with_role, organisation):
    opener = person_with_role(Role.REGISTER_OFFICER, full_name="Olive Opener")
    decider = person_with_role(Role.REGISTER_OFFICER, full_name="Dora Decider")
    appeals = person_with_role(Role.REGISTER_OFFICER, full_name="Abe Appeals")
    member = person_with_role(Role.BOARD_MEMBER, full_name="Hal Hollins")
    director = DirectorFactory(first_name="Hal", last_name="Hollins", email=member.email)
    AppointmentFactory(director=director, organisation=organisation, role_title="Chair")

    # The first officer opens the case from the director's public entry.
    sign_in(page, opener, two_factor=True)
    page.goto(f"/register/directors/{director.register_number}/")
    page.get_by_role("link", name="Open a regulatory case about this director").click()
    page.get_by_label("Grounds for the case").fill("Concerns raised with the board were ignored.")
    assert_accessible(page)
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_text("Waiting for the director's response")).to_be_visible()
    # They cannot decide their own case: the page says so instead of offering the form.
    expect(
        page.get_by_text("You opened this case, so a different register officer must decide it.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Make the decision")).to_have_count(0)
    sign_out(page)

    # The director responds.
    sign_in(page, member, two_factor=False)
    page.get_by_role("link", name="Your register entry").first.click()
    page.get_by_role("link", name="Case RC").click()
    page.get_by_label("Your response").fill("I took every concern to the board.")
    page.get_by_role("button", name="Send your response").click()
    expect(page.get_by_text("Your response has been sent to the register.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # A second officer decides: suspension to a date (no more than 2 years ahead).
    suspended_until = date.today() + timedelta(days=90)
    sign_in(page, decider, two_factor=True)
    page.get_by_role("link", name="Register", exact=True).first.click()
    expect(page.get_by_role("heading", name="Regulatory cases")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="RC").first.click()
    page.get_by_role("radio", name="Suspension").check()
    page.get_by_label("Reasons", exact=True).fill("Concerns were not followed up.")
    fill_date(page, "Suspended until (if the outcome is suspension)", suspended_until)
    page.get_by_role("button", name="Make the decision").click()
    expect(page.get_by_text("The decision is made, published")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The director appeals.
    sign_in(page, member, two_factor=False)
    page.get_by_role("link", name="Your register entry").first.click()
    expect(
        page.get_by_text(f"Suspended until {day_in_words(suspended_until)}").first
    ).to_be_visible()
    page.get_by_role("link", name="Case RC").click()
    page.get_by_label("Why you are appealing").fill("The board minutes show I acted.")
    page.get_by_role("button", name="Lodge your appeal").click()
    expect(page.get_by_text("Your appeal has been lodged.")).to_be_visible()
    sign_out(page)

    # The officer who decided cannot decide the appeal: the page says so instead of the form.
    sign_in(page, decider, two_factor=True)
    page.get_by_role("link", name="Register", exact=True).first.click()
    page.get_by_role("link", name="RC").first.click()
    made_it = "You made the decision, so a third register officer must decide the appeal."
    expect(page.get_by_text(made_it)).to_be_visible()
    expect(page.get_by_role("button", name="Decide the appeal")).to_have_count(0)
    sign_out(page)

    # A third officer upholds the appeal, and the register status goes back.
    sign_in(page, appeals, two_factor=True)
    page.get_by_role("link", name="Register", exact=True).first.click()
    page.get_by_role("link", name="RC").first.click()
    page.get_by_label("Upheld: the decision is reversed").check()
    page.get_by_label("Reasons for the appeal decision").fill("The minutes show action was taken.")
    page.get_by_role("button", name="Decide the appeal").click()
    expect(page.get_by_text("The appeal is decided")).to_be_visible()
    expect(page.get_by_role("cell", name="Appeal decided")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    page.goto(f"/register/directors/{director.register_number}/")
    expect(page.get_by_text("Registered", exact=True)).to_be_visible()
    expect(page.get_by_text("Concerns were not followed up.")).to_be_visible()
    expect(page.get_by_role("heading", name="Appeal upheld")).to_be_visible()
    assert_accessible(page)


BOARD_CSV = (
    "Register Number,First Name,Last Name,Email,Organisation,Role Title,Executive (Y/N),"
    "FTSU Role,Start Date,End Date\n"
    ",Pia Marlowe,,pia@fictional.test,TST01,Chair,N,,2026-01-05,\n"
    ",Sol,Juniper,sol@fictional.test,Nowhere Trust,Non-executive director,N,NED lead,2026-01-05,\n"
)


def test_an_admin_imports_the_board_records_fppt_and_ends_an_appointment(
    page, person_with_role, organisation
):
    admin = person_with_role(Role.ORGANISATION_ADMIN)
    sign_in(page, admin, two_factor=True)
    page.goto("/register/boards/TST01/")
    page.get_by_role("link", name="Import the board from a CSV file").click()
    assert_accessible(page)
    upload = {"name": "board.csv", "mimeType": "text/csv", "buffer": BOARD_CSV.encode()}
    page.locator("input[type=file][name=file]").set_input_files(upload)
    page.get_by_role("button", name="Import the board").click()
    # Two problems, nothing imported.
    expect(page).to_have_title(re.compile(r"^Error: Import the board"))
    expect(
        page.get_by_text("Row 3: there is no organisation called “Nowhere Trust”.").first
    ).to_be_visible()
    assert not Appointment.objects.exists()
    assert_accessible(page)
    fixed = BOARD_CSV.replace("Pia Marlowe,,", "Pia,Marlowe,").replace("Nowhere Trust", "TST01")
    upload["buffer"] = fixed.encode()
    page.locator("input[type=file][name=file]").set_input_files(upload)
    page.get_by_role("button", name="Import the board").click()
    expect(page.get_by_text("Board imported: 2 appointments added")).to_be_visible()

    page.get_by_role("link", name="Record fit and proper person checks").click()
    page.get_by_label("Director", exact=True).select_option(label="Pia Marlowe (D000001)")
    for check in [
        "References covering the last six years",
        "Qualifications and career history checked",
        "Disqualified director check",
        "Right to work check",
        "The chair has signed off",
    ]:
        page.get_by_label(check).check()
    page.get_by_role("radio", name="Fit", exact=True).check()
    fill_date(page, "Date of the outcome", date(2026, 1, 10))
    assert_accessible(page)
    page.get_by_role("button", name="Record the checks").click()
    expect(
        page.get_by_text("Fit and proper person checks recorded for Pia Marlowe.")
    ).to_be_visible()

    page.get_by_role("link", name="End the appointment of Sol Juniper").click()
    fill_date(page, "End date", date(2026, 2, 1))
    page.get_by_role("button", name="End the appointment").click()
    expect(page.get_by_text("The appointment of Sol Juniper has ended.")).to_be_visible()
    expect(page.get_by_role("table", name="Past appointments")).to_be_visible()
    assert_accessible(page)


def test_an_officer_publishes_a_new_version_of_the_code(page, person_with_role):
    officer = person_with_role(Role.REGISTER_OFFICER)
    code_publish(
        actor=officer, title="Code of practice for board directors", body="Version one.", based_on=0
    )
    sign_in(page, officer, two_factor=True)
    page.get_by_role("link", name="Register", exact=True).first.click()
    page.get_by_role("link", name="Publish a new version").click()
    assert page.get_by_label("Text of the code").input_value() == "Version one."
    page.get_by_label("Text of the code").fill("## Listen\n\n1. I will thank people who speak up.")
    assert_accessible(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Version 2 of the code is published.")).to_be_visible()
    page.goto("/register/code-of-practice/")
    expect(page.get_by_role("heading", name="Listen")).to_be_visible()
    expect(page.get_by_text("I will thank people who speak up.")).to_be_visible()
    assert_accessible(page)


def test_an_officer_told_another_published_reads_what_changed_and_keeps_it(page, person_with_role):
    """Another officer adds a section while this one edits: the refusal shows the section as
    added and links to that version, so the officer adds it to their text before publishing."""
    officer, other = (person_with_role(Role.REGISTER_OFFICER) for _ in range(2))
    first = "## Listen\n\n1. I will thank people who speak up."
    code_publish(actor=officer, title="Code of practice", body=first, based_on=0)
    sign_in(page, officer, two_factor=True)
    page.goto("/register/officer/code/new/")
    page.get_by_label("Text of the code").fill(first + "\n2. I will follow up within a week.")
    code_publish(
        actor=other,
        title="Code of practice",
        body=first + "\n\n## Tell the board\n\nReport what we learnt each quarter.",
        based_on=1,
    )

    page.get_by_role("button", name="Publish").click()
    expect(page).to_have_title(re.compile(r"^Error: Publish a new version of the code"))
    expect(page.get_by_text("publishing it will replace the text of version 2")).to_be_visible()
    expect(page.get_by_role("heading", name="What changed in version 2")).to_be_visible()
    added = page.get_by_role("listitem").filter(has_text="Report what we learnt each quarter.")
    expect(added).to_have_text("Added: Report what we learnt each quarter.")
    assert_accessible(page)

    with page.expect_popup() as opened:
        page.get_by_role("link", name="Read version 2 of the code of practice in full").click()
    version_2 = opened.value
    expect(version_2.get_by_role("heading", name="Tell the board")).to_be_visible()
    expect(version_2.get_by_text("version 2, published")).to_be_visible()
    assert_accessible(version_2)
    version_2.close()

    text = page.get_by_label("Text of the code")
    text.fill(text.input_value() + "\n\n## Tell the board\n\nReport what we learnt each quarter.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Version 3 of the code is published.")).to_be_visible()

    page.goto("/register/code-of-practice/")
    page.get_by_role("link", name="See every version of the code").click()
    expect(page.get_by_role("link", name="Version 1", exact=True)).to_be_visible()
    # Three versions the same day: each row says when and how much it changed.
    rows = page.get_by_role("row")
    expect(rows.filter(has_text="Version 3")).to_contain_text("1 line added")
    expect(rows.filter(has_text="Version 2")).to_contain_text("2 lines added")
    expect(rows.filter(has_text="Version 1")).to_contain_text("First version")
    expect(rows.filter(has_text="Version 1")).to_contain_text(re.compile(r" at \d{1,2}:\d\d[ap]m"))
    assert_accessible(page)
    page.get_by_role("link", name="Version 1", exact=True).click()
    expect(page.get_by_text("This version is no longer current")).to_be_visible()
    expect(page.get_by_text("Report what we learnt each quarter.")).to_have_count(0)
    assert_accessible(page)


def test_an_officer_reviews_a_condition_past_its_review_date(page, person_with_role):
    opener, decider, reviewer = (
        person_with_role(Role.REGISTER_OFFICER, full_name=name)
        for name in ("Olive Opener", "Dora Decider", "Rhys Reviewer")
    )
    director = DirectorFactory(first_name="Cai", last_name="Penrose")
    case = case_open(actor=opener, director=director, grounds="Concerns were not followed up.")
    case_respond(actor=None, case=case, response="I will report each quarter.")
    decision = case_decide(
        actor=decider,
        case=case,
        outcome=Outcome.CONDITIONS,
        reasons="Follow-up was missing.",
        conditions_text="Report each quarter on concerns raised.",
        review_date=date.today() + timedelta(days=1),
    )
    decision.conditions.update(review_date=date.today() - timedelta(days=1))  # now due

    sign_in(page, reviewer, two_factor=True)
    page.goto("/register/officer/")
    page.get_by_role("link", name="Review the condition on Cai Penrose").click()
    expect(page.get_by_role("heading", name="Review a condition")).to_be_visible()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()  # to read the case
    assert_accessible(page)
    page.get_by_role("radio", name="Keep it until a new review date").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("link", name="Enter the new review date")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Lift the condition").check()
    page.get_by_label("Reasons").fill("Every quarterly report arrived on time.")
    page.get_by_role("button", name="Record the review").click()
    expect(
        page.get_by_text("The condition on Cai Penrose is lifted, and they are told.")
    ).to_be_visible()
    expect(page.get_by_text("No conditions are past their review date.")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/register/directors/{director.register_number}/")
    expect(page.get_by_text("No conditions.")).to_be_visible()


def test_an_officer_corrects_a_misspelt_name_and_the_public_finds_it(
    page, person_with_role, organisation
):
    officer = person_with_role(Role.REGISTER_OFFICER)
    director = DirectorFactory(first_name="Ffion", last_name="Pritchardd", email="ffion@nhs.test")
    AppointmentFactory(director=director, organisation=organisation, role_title="Chair")

    sign_in(page, officer, two_factor=True)
    page.goto(f"/register/directors/{director.register_number}/")
    page.get_by_role("link", name="Correct this entry").click()
    expect(page.get_by_label("Last name")).to_have_value("Pritchardd")
    expect(page.get_by_label("Email address")).to_have_value("ffion@nhs.test")
    assert_accessible(page)
    # Nothing changed and no reason: each said, nothing saved.
    page.get_by_role("button", name="Correct the entry").click()
    expect(page).to_have_title(re.compile(r"^Error: Correct a register entry"))
    expect(page.get_by_role("link", name="Enter the reason for the correction")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Last name").fill("Pritchard")
    page.get_by_label("Reason for the correction").fill("Misspelt on the board's import.")
    page.get_by_role("button", name="Correct the entry").click()
    expect(
        page.get_by_text(f"The entry of Ffion Pritchard ({director.register_number}) is corrected.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Ffion Pritchard", exact=True)).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    page.goto("/register/")
    page.get_by_label("Name, organisation or register number").fill("Pritchard")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Ffion Pritchard", exact=True)).to_be_visible()
    expect(page.get_by_text("Pritchardd")).to_have_count(0)
