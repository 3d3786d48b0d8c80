"""The staff pages: the guardian's case list and case page, the handler's and leader's pages."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from speakup.concerns.models import Action, Concern, Confidentiality, Escalation, Status
from speakup.concerns.services import handling
from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from tests.concerns.factories import ConcernFactory, speaker_message
from tests.conftest import date_boxes, sign_in

pytestmark = pytest.mark.django_db


def test_the_guardian_sees_their_cases_with_overdue_flags(client, staff):
    late = ConcernFactory(
        organisation=staff.organisation,
        received_at=timezone.now() - timedelta(days=10),
    )
    on_time = ConcernFactory(organisation=staff.organisation)
    sign_in(client, staff.guardian)
    page = client.get(reverse("concerns:list_cases")).content.decode()
    assert late.reference in page and on_time.reference in page
    assert "Not acknowledged by" in page

    only_late = client.get(reverse("concerns:list_cases"), {"overdue": "on"}).content.decode()
    assert late.reference in only_late and on_time.reference not in only_late


def test_the_case_list_shows_open_cases_unless_asked_for_any_status(client, staff):
    open_case = ConcernFactory(organisation=staff.organisation)
    closed_case = ConcernFactory(organisation=staff.organisation)
    Concern.objects.filter(pk=closed_case.pk).update(status=Status.CLOSED)
    sign_in(client, staff.guardian)
    page = client.get(reverse("concerns:list_cases")).content.decode()
    assert open_case.reference in page and closed_case.reference not in page
    assert re.search(r'<option value="open" selected\s*>Open cases', page)
    every = client.get(reverse("concerns:list_cases"), {"status": ""}).content.decode()
    assert open_case.reference in every and closed_case.reference in every


def test_the_organisation_column_shows_only_for_a_guardian_of_several(client, staff):
    from tests.organisations.factories import MembershipFactory

    ConcernFactory(organisation=staff.organisation)
    sign_in(client, staff.guardian)
    one = client.get(reverse("concerns:list_cases")).content.decode()
    column = re.compile(r"<th[^>]*>\s*Organisation\s*<")
    assert not column.search(one) and "Confidentiality" in one
    MembershipFactory(user=staff.guardian, role=Role.GUARDIAN)  # a second organisation
    several = client.get(reverse("concerns:list_cases")).content.decode()
    assert column.search(several) and staff.organisation.name in several


def test_the_case_list_filters_by_status_and_element(client, staff):
    triaged = ConcernFactory(organisation=staff.organisation)
    handling.concern_acknowledge(user=staff.guardian, concern=triaged)
    handling.concern_triage(
        user=staff.guardian, concern=triaged, elements=["worker_safety"], worker_group="ahp"
    )
    untouched = ConcernFactory(organisation=staff.organisation)
    sign_in(client, staff.guardian)
    by_element = client.get(reverse("concerns:list_cases"), {"element": "worker_safety"})
    assert triaged.reference in by_element.content.decode()
    assert untouched.reference not in by_element.content.decode()
    by_status = client.get(reverse("concerns:list_cases"), {"status": "received"})
    assert untouched.reference in by_status.content.decode()
    assert triaged.reference not in by_status.content.decode()


def test_the_guardian_reads_the_case_and_the_read_is_audited(client, staff, concern):
    speaker_message(concern, "I work nights on ward 7")
    sign_in(client, staff.guardian)
    page = client.get(reverse("concerns:show_concern", args=[concern.reference]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "one nurse for 30 patients" in text
    assert "Sam Speaker" in text  # the confidential speaker's identity: to the guardian only
    assert "I work nights on ward 7" in text
    assert AuditRecord.objects.filter(action="concern.view", object_ref=concern.reference).exists()


def test_the_accountable_leader_never_sees_a_confidential_speaker_or_the_conversation(
    client, staff, concern
):
    speaker_message(concern, "I work nights on ward 7")
    concern.accountable_lead = staff.lead
    concern.save()
    sign_in(client, staff.lead)
    text = client.get(reverse("concerns:show_concern", args=[concern.reference])).content.decode()
    assert "one nurse for 30 patients" in text
    assert "Sam Speaker" not in text and "sam.speaker" not in text
    assert "I work nights" not in text


def test_the_accountable_leader_sees_an_open_speakers_name(client, staff):
    concern = ConcernFactory(
        organisation=staff.organisation,
        confidentiality=Confidentiality.OPEN,
        accountable_lead=staff.lead,
    )
    sign_in(client, staff.lead)
    text = client.get(reverse("concerns:show_concern", args=[concern.reference])).content.decode()
    assert "Sam Speaker" in text


def test_the_handler_sees_only_the_shared_summary_never_the_speaker(client, staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    action = handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=staff.manager,
        respond_by=timezone.localdate() + timedelta(days=7),
        accountable_lead=staff.lead,
        description="Review the night rota",
        shared_summary="A staffing concern about nights",
    )
    sign_in(client, staff.manager)
    listing = client.get(reverse("concerns:list_actions")).content.decode()
    assert "Review the night rota" in listing and concern.reference in listing
    text = client.get(reverse("concerns:show_action", args=[action.pk])).content.decode()
    assert "Review the night rota" in text and "A staffing concern about nights" in text
    assert "Sam Speaker" not in text and "one nurse for 30 patients" not in text
    assert client.get(reverse("concerns:show_concern", args=[concern.reference])).status_code == 404

    response = client.post(
        reverse("concerns:show_action", args=[action.pk]), {"response": "Rota changed"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.state == Action.State.RESPONDED


def test_an_empty_response_is_refused_with_an_error_summary(client, staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    action = handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=staff.manager,
        respond_by=timezone.localdate(),
        accountable_lead=staff.lead,
    )
    sign_in(client, staff.manager)
    page = client.post(reverse("concerns:show_action", args=[action.pk]), {"response": ""})
    assert page.status_code == 200
    assert "<title>Error: " in page.content.decode()
    assert "There is a problem" in page.content.decode()


def action_form(staff, respond_by: date, **typed) -> dict[str, str]:
    """The guardian's Assign an action form, filled in, with what else was `typed`."""
    return {
        "description": "Review the rota",
        "shared_summary": "Night staffing",
        "handler": str(staff.manager.pk),
        **date_boxes("respond_by", respond_by),
        "accountable_lead": str(staff.lead.pk),
        **typed,
    }


def test_the_guardian_works_a_case_through_the_pages(client, staff, concern):
    sign_in(client, staff.guardian)
    show = reverse("concerns:show_concern", args=[concern.reference])
    client.post(reverse("concerns:acknowledge_concern", args=[concern.reference]))
    client.post(
        reverse("concerns:triage_concern", args=[concern.reference]),
        {"elements": ["patient_safety"], "worker_group": "nursing_midwifery"},
    )
    response = client.post(
        reverse("concerns:assign_action", args=[concern.reference]),
        action_form(staff, timezone.localdate() + timedelta(days=5)),
    )
    assert response.status_code == 302, response.content.decode()
    concern.refresh_from_db()
    assert concern.status == Status.IN_PROGRESS
    assert concern.accountable_lead == staff.lead
    assert "Review the rota" in client.get(show).content.decode()


@pytest.mark.parametrize("box", ["day", "month"])
def test_a_huge_day_or_month_to_respond_by_is_not_a_real_date(client, staff, concern, box):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    sign_in(client, staff.guardian)
    page = client.post(
        reverse("concerns:assign_action", args=[concern.reference]),
        action_form(
            staff,
            timezone.localdate() + timedelta(days=5),
            **{f"respond_by_{box}": "99999999999999999999"},
        ),
    )
    assert page.status_code == 200
    shown = unescape(page.content.decode())
    assert "<title>Error: " in shown
    assert shown.count("The date to respond by must be a real date") == 2  # summary and box
    assert f'href="#id_respond_by-{box}"' in shown
    assert not Action.objects.exists()


def test_assigning_to_a_date_in_the_past_shows_the_error_by_the_field(client, staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    sign_in(client, staff.guardian)
    page = client.post(
        reverse("concerns:assign_action", args=[concern.reference]),
        action_form(staff, timezone.localdate() - timedelta(days=5)),
    )
    assert page.status_code == 200
    assert "must be today or in the future" in page.content.decode()
    assert not Action.objects.exists()


def test_the_respond_by_hint_gives_an_example_date_ahead(client, staff, concern):
    from speakup.core.forms import future_date_example

    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    sign_in(client, staff.guardian)
    page = client.get(reverse("concerns:assign_action", args=[concern.reference]))
    assert future_date_example() in page.content.decode()
    assert "15 3 2026" not in page.content.decode()


def _hint(html: str, field: str) -> str:
    found = re.search(rf'<div class="nhsuk-hint" id="id_{field}-hint"\s*>(.*?)</div>', html, re.S)
    assert found, f"no hint for {field!r}"
    return _text(found.group(1))


def test_both_boxes_the_line_manager_reads_warn_not_to_name_the_speaker(client, staff, concern):
    """The line manager reads what needs to be done in full on their action and its start in
    their list, as well as the summary: neither box may say it is all they will see."""
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    sign_in(client, staff.guardian)
    page = client.get(reverse("concerns:assign_action", args=[concern.reference])).content.decode()
    description, summary = _hint(page, "description"), _hint(page, "shared_summary")
    assert description == (
        "The line manager sees this in full on their action, and the start of it in their list "
        "of actions. Do not name a confidential or anonymous speaker"
    )
    assert summary == (
        "The line manager sees this with what needs to be done and the date to respond by, and "
        "nothing else of the case. Do not name a confidential or anonymous speaker"
    )
    assert "all they will see" not in _text(page)
    # Choosing another leader on an action moves the whole case: the form says so.
    assert _hint(page, "accountable_lead").endswith(
        "The leader is the whole case's: choosing another replaces the one named before, on "
        "every action"
    )


def test_the_api_schema_warns_the_same_of_both_texts(client):
    schema = client.get("/api/v1/schema", HTTP_ACCEPT="application/json").json()
    assign = schema["components"]["schemas"]["StaffAssign"]["properties"]
    for field in ("description", "shared_summary"):
        assert assign[field]["description"].endswith(
            "Do not name a confidential or anonymous speaker"
        ), field
    assert "The line manager sees this in full" in assign["description"]["description"]
    assert "All the handler sees" not in str(schema)


def test_a_guardian_records_a_concern_raised_by_phone_and_sees_the_receipt_code_once(client, staff):
    sign_in(client, staff.guardian)
    page = client.post(
        reverse("concerns:record_concern"),
        {
            "organisation": staff.organisation.ods_code,
            "source": "phone",
            "confidentiality": "anonymous",
            "description": "The fire exit on level 2 is blocked (synthetic)",
            "patient_safety_risk": "yes",
        },
    )
    assert page.status_code == 200, page.content.decode()
    text = page.content.decode()
    assert "receipt code" in text and "shown only once" in text
    assert page["Cache-Control"] == "no-store"
    from speakup.concerns.models import Concern

    recorded = Concern.objects.get()
    assert recorded.recorded_by == staff.guardian and recorded.source == "phone"
    assert f"Reference<br><strong>{recorded.reference}</strong>" in text
    # Not asked about detriment ("Not known", as the form opens): kept as not answered, where
    # an unticked box was kept as the speaker saying no.
    assert recorded.detriment_reported is None


def test_a_guardian_records_whether_the_speaker_says_they_have_suffered(client, staff):
    sign_in(client, staff.guardian)
    form = client.get(reverse("concerns:record_concern")).content.decode()
    assert "Does the speaker say they have already suffered for speaking up?" in form
    for answer, kept in [("yes", True), ("no", False), ("unknown", None)]:
        client.post(
            reverse("concerns:record_concern"),
            {
                "organisation": staff.organisation.ods_code,
                "source": "in_person",
                "confidentiality": "anonymous",
                "description": f"Rota pressure on ward 4, told {answer} (synthetic)",
                "detriment_experienced": answer,
            },
        )
        from speakup.concerns.models import Concern

        assert Concern.objects.latest("received_at").detriment_reported is kept


def test_the_record_form_tells_the_guardian_not_to_write_who_the_speaker_is(client, staff):
    """The leaders who follow the case up read the description, not a confidential speaker's
    name: the form said only "In the speaker's words"."""
    sign_in(client, staff.guardian)
    form = _text(client.get(reverse("concerns:record_concern")).content.decode())
    assert (
        "In the speaker's words, as far as you can. The leaders who follow the concern up read "
        "this: for a confidential or anonymous speaker, do not write their name or details that "
        "would identify them"
    ) in form


def _text(html: str) -> str:
    """What a person reads: the page without its tags, its spaces run together."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _summary_value(html: str, key: str) -> str:
    found = re.search(
        rf'<dt class="nhsuk-summary-list__key"\s*>\s*{re.escape(key)}\s*</dt>'
        r"\s*<dd[^>]*>(.*?)</dd>",
        html,
        re.S,
    )
    assert found, f"no summary row {key!r}"
    return _text(found.group(1))


def _assigned(staff, concern, description="Review the night rota", **kwargs):
    concern.refresh_from_db()
    if concern.status == Status.RECEIVED:
        handling.concern_acknowledge(user=staff.guardian, concern=concern)
    return handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=kwargs.pop("handler", staff.manager),
        respond_by=kwargs.pop("respond_by", timezone.localdate() + timedelta(days=7)),
        accountable_lead=staff.lead,
        description=description,
        **kwargs,
    )


def test_the_handler_sees_the_status_of_their_action_in_words(client, staff, concern):
    action = _assigned(staff, concern)
    sign_in(client, staff.manager)
    page = reverse("concerns:show_action", args=[action.pk])
    assert _summary_value(client.get(page).content.decode(), "Status") == "Open"
    client.post(page, {"response": "Rota changed"})
    assert _summary_value(client.get(page).content.decode(), "Status") == "Responded"


def _record(client, staff, **fields):
    """The guardian's "Record a concern" form, sent with a phoned-in concern and `fields`."""
    sign_in(client, staff.guardian)
    return client.post(
        reverse("concerns:record_concern"),
        {
            "organisation": staff.organisation.ods_code,
            "source": "phone",
            "description": "The fire exit on level 2 is blocked (synthetic)",
            **fields,
        },
    )


@pytest.mark.parametrize("confidentiality", ["open", "confidential"])
def test_recording_a_concern_without_contact_details_asks_for_the_speakers_not_yours(
    client, staff, confidentiality
):
    page = _record(client, staff, confidentiality=confidentiality)
    text = _text(page.content.decode())
    assert "<title>Error: " in page.content.decode()
    assert "Enter the speaker's name" in text and "Enter the speaker's email address" in text
    assert "Enter your name" not in text and "Enter your email" not in text
    assert not Concern.objects.exists()


def test_a_guardian_records_the_speakers_contact_details_for_a_confidential_concern(client, staff):
    page = _record(
        client,
        staff,
        confidentiality="confidential",
        contact_name="Robin Nurse",
        contact_email="robin@example.test",
    )
    assert "shown only once" in page.content.decode()
    recorded = Concern.objects.get()
    assert handling.speaker_contact(recorded)["name"] == "Robin Nurse"


@pytest.mark.parametrize("email", ["robin@example.test", ""])
def test_recording_a_phone_number_that_is_not_one_is_refused_beside_it(client, staff, email):
    """With no email address as well, still one error: a phone was given, just not a valid one."""
    page = _record(
        client,
        staff,
        confidentiality="confidential",
        contact_name="Robin Nurse",
        contact_email=email,
        contact_phone="x",
    ).content.decode()
    summary = page[page.index("nhsuk-error-summary__list") :]
    summary = summary[: summary.index("</ul>")]
    assert re.findall(r'<a href="#([^"]+)"[^>]*>\s*([^<]+?)\s*</a>', summary) == [
        ("id_contact_phone", "Enter a phone number, like 01632 960 001 or 07700 900 982")
    ]
    assert "Enter the speaker's email address or phone number" not in unescape(page)
    assert not Concern.objects.exists()


TOO_LONG = "x" * 20_001


@pytest.mark.parametrize(
    ("page", "fields", "refusal"),
    [
        ("message_concern", {"body": TOO_LONG}, "Your message must be 20,000 characters"),
        ("give_feedback", {"body": TOO_LONG}, "Your feedback must be 20,000 characters"),
        (
            "record_learning",
            {"outcome": "Rota changed", "learning": TOO_LONG},
            "The learning must be 20,000 characters",
        ),
        (
            "record_learning",
            {"outcome": TOO_LONG, "learning": "Ask night staff"},
            "The outcome must be 20,000 characters",
        ),
        (
            "assign_action",
            {"description": TOO_LONG, "shared_summary": "Night staffing"},
            "The description of the action must be 20,000 characters",
        ),
        (
            "assign_action",
            {"description": "Review the rota", "shared_summary": TOO_LONG},
            "The summary for the line manager must be 20,000 characters",
        ),
    ],
)
def test_the_guardians_free_text_over_twenty_thousand_characters_is_refused_and_not_kept(
    client, staff, concern, page, fields, refusal
):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    sign_in(client, staff.guardian)
    answer = client.post(
        reverse(f"concerns:{page}", args=[concern.reference]),
        {
            "handler": str(staff.manager.pk),
            "accountable_lead": str(staff.lead.pk),
            **date_boxes("respond_by", timezone.localdate() + timedelta(days=5)),
            **fields,
        },
    )
    assert answer.status_code == 200
    assert "<title>Error: " in answer.content.decode()
    assert f"{refusal} or fewer" in _text(answer.content.decode())
    concern.refresh_from_db()
    assert concern.status == Status.ACKNOWLEDGED
    assert not concern.messages.exists() and not concern.actions.exists()
    assert not concern.learning_sealed


def test_a_response_over_twenty_thousand_characters_is_refused_and_not_kept(client, staff, concern):
    action = _assigned(staff, concern)
    sign_in(client, staff.manager)
    page = client.post(reverse("concerns:show_action", args=[action.pk]), {"response": TOO_LONG})
    assert "Your response must be 20,000 characters or fewer" in _text(page.content.decode())
    action.refresh_from_db()
    assert action.state == Action.State.OPEN and not action.response_sealed


def test_a_concern_recorded_for_someone_over_twenty_thousand_characters_is_refused(client, staff):
    page = _record(client, staff, confidentiality="anonymous", description=TOO_LONG)
    assert "The description of the concern must be 20,000 characters or fewer" in _text(
        page.content.decode()
    )
    assert not Concern.objects.exists()


def _assign_by(client, staff, concern, respond_by):
    return client.post(
        reverse("concerns:assign_action", args=[concern.reference]),
        {
            "description": "Review the rota",
            "shared_summary": "Night staffing",
            "handler": str(staff.manager.pk),
            **date_boxes("respond_by", respond_by),
            "accountable_lead": str(staff.lead.pk),
        },
    )


def test_a_respond_by_date_more_than_a_year_ahead_is_refused_by_the_field(client, staff, concern):
    from dateutil.relativedelta import relativedelta

    from speakup.core.dates import day_in_words

    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    sign_in(client, staff.guardian)
    page = _assign_by(client, staff, concern, date(3000, 1, 1))
    latest = timezone.localdate() + relativedelta(years=1)
    assert page.status_code == 200 and "<title>Error: " in page.content.decode()
    assert (
        "The date to respond by must be no more than a year from today: "
        f"{day_in_words(latest)} or earlier" in _text(page.content.decode())
    )
    assert not Action.objects.exists()
    assert _assign_by(client, staff, concern, latest).status_code == 302
    assert Action.objects.get().respond_by == latest


def test_the_handlers_list_tells_actions_on_one_case_apart_by_their_description(
    client, staff, concern, person_with_role
):
    long = "Check the sign-in sheets for the night shift on ward 7 against the rota for March"
    _assigned(staff, concern, "Review the night rota")
    _assigned(staff, concern, "Talk to the ward sister")
    _assigned(staff, concern, long)
    someone_else = person_with_role(Role.LINE_MANAGER, full_name="Other Manager")
    handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=someone_else,
        respond_by=timezone.localdate(),
        description="Audit the agency bookings",
    )
    sign_in(client, staff.manager)
    page = client.get(reverse("concerns:list_actions")).content.decode()
    links = [
        _text(link) for link in re.findall(r'<a href="/concerns/actions/\d+/"[^>]*>(.*?)</a>', page)
    ]
    assert sorted(links) == sorted(
        [
            "Review the night rota",
            "Talk to the ward sister",
            "Check the sign-in sheets for the night shift on ward 7…",
        ]
    )
    assert long not in page and "Audit the agency bookings" not in page
    # What the list shows is the guardian's words for the handler, never who spoke up or what
    # they said.
    assert "Sam Speaker" not in page and "one nurse for 30 patients" not in page
    assert AuditRecord.objects.filter(
        action="action.list", actor=staff.manager, object_ref=concern.reference
    ).exists()


def _visible_text(html: str) -> str:
    """The page as seen on screen: without what only screen readers read."""
    return _text(
        re.sub(
            r'<(\w+)[^>]*class="[^"]*nhsuk-u-visually-hidden[^"]*"[^>]*>.*?</\1>',
            "",
            html,
            flags=re.S,
        )
    )


def test_the_case_page_shows_each_table_title_once(client, staff, concern):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    concern.refresh_from_db()
    concern.accountable_lead = staff.lead
    concern.save()
    handling.concern_escalate(
        user=staff.guardian, concern=concern, level=Escalation.Level.ACCOUNTABLE_LEAD
    )
    sign_in(client, staff.guardian)
    page = client.get(reverse("concerns:show_concern", args=[concern.reference])).content.decode()
    assert _visible_text(page).count("Status history") == 1
    assert _visible_text(page).count("Escalations") == 1
    # The tables keep their names for screen readers.
    assert re.search(r"<caption[^>]*>\s*Status history\s*</caption>", page)


def _heading_levels(html: str) -> list[int]:
    main = html[html.index("<main") : html.index("</main>")]
    return [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]


def test_headings_on_the_close_and_case_pages_go_down_one_level_at_a_time(client, staff):
    late = ConcernFactory(
        organisation=staff.organisation, received_at=timezone.now() - timedelta(days=10)
    )
    sign_in(client, staff.guardian)
    close = client.get(reverse("concerns:close_concern", args=[late.reference])).content.decode()
    case = client.get(reverse("concerns:show_concern", args=[late.reference])).content.decode()
    assert "This concern cannot close yet" in close and "Not acknowledged by" in case
    for html in (close, case):
        levels = _heading_levels(html)
        assert levels[0] == 1
        assert all(
            after <= before + 1 for before, after in zip(levels, levels[1:], strict=False)
        ), levels


def test_the_handlers_list_asks_the_database_the_same_number_of_questions_for_many_actions(
    client, staff, concern, django_assert_max_num_queries
):
    """A line manager with many actions gets their list as fast as one with a single action:
    checking that each action is theirs is one question, not one a row."""
    _assigned(staff, concern, "Review the night rota")
    sign_in(client, staff.manager)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("concerns:list_actions")).status_code == 200
    for n in range(5):
        _assigned(staff, concern, f"Check rota week {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("concerns:list_actions")).content.decode()
    assert page.count('<a href="/concerns/actions/') == 6


def test_the_action_list_service_refuses_a_list_holding_someone_elses_action(
    staff, concern, person_with_role
):
    from django.http import Http404

    mine = _assigned(staff, concern, "Review the night rota")
    theirs = handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=person_with_role(Role.LINE_MANAGER, full_name="Other Manager"),
        respond_by=timezone.localdate(),
        accountable_lead=staff.lead,
        description="Audit the agency bookings",
    )
    with pytest.raises(Http404):
        handling.action_list_view(user=staff.manager, actions=[mine, theirs])
    assert not AuditRecord.objects.filter(action="action.list").exists()
    assert handling.action_list_view(user=staff.manager, actions=[mine]) == {
        mine.pk: "Review the night rota"
    }


def test_changing_the_outcome_starts_from_what_was_recorded_and_keeps_the_sign_off(
    client, staff, concern
):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    handling.concern_name_accountable_lead(
        user=staff.guardian, concern=concern, accountable_lead=staff.lead
    )
    handling.concern_record_learning(
        user=staff.guardian,
        concern=concern,
        outcome="Rota changed",
        learning="Check night rotas\nevery month",
        publishable=True,
    )
    concern.refresh_from_db()
    handling.concern_sign_off_learning(user=staff.lead, concern=concern)
    sign_in(client, staff.guardian)
    page = reverse("concerns:record_learning", args=[concern.reference])
    form = client.get(page).content.decode()
    # The boxes hold what was recorded and "may be shared" is still ticked: the guardian changes
    # a word rather than retyping both (a learning retyped differently needs a new sign-off).
    assert re.search(r'name="outcome"[^>]*>\s*Rota changed</textarea>', form)
    assert re.search(r'name="learning"[^>]*>\s*Check night rotas\s+every month</textarea>', form)
    assert re.search(r'<input[^>]*name="publishable"[^>]*checked', form)
    assert AuditRecord.objects.filter(action="concern.view", object_ref=concern.reference).exists()

    sent = client.post(
        page,
        {
            "outcome": "Rota changed on two wards",
            "learning": "Check night rotas\r\nevery month",
            "publishable": "on",
        },
    )
    assert sent.status_code == 302
    concern.refresh_from_db()
    assert concern.learning_signed_off_by == staff.lead and concern.learning_publishable


def test_a_response_sent_twice_is_not_a_page_not_found(client, staff, concern):
    action = _assigned(staff, concern)
    sign_in(client, staff.manager)
    page = reverse("concerns:show_action", args=[action.pk])
    assert client.post(page, {"response": "Rota changed\r\nfrom Monday"}).status_code == 302
    # A double click, or the form sent again from a second tab: the response went the first time.
    again = client.post(page, {"response": "Rota changed\r\nfrom Monday"})
    assert again.status_code == 302 and again["Location"] == page
    assert "Response sent to the guardian" in _text(client.get(page).content.decode())


def test_a_response_that_can_no_longer_be_sent_says_why_and_keeps_the_text(client, staff, concern):
    action = _assigned(staff, concern)
    sign_in(client, staff.manager)
    page = reverse("concerns:show_action", args=[action.pk])
    client.post(page, {"response": "Rota changed"})
    other_tab = client.post(page, {"response": "Also: two nurses on nights"})
    html = other_tab.content.decode()
    assert other_tab.status_code == 200 and "<title>Error: " in html
    assert "You have already responded to this action, so this was not sent" in _text(html)
    assert re.search(r'name="response"[^>]*>\s*Also: two nurses on nights</textarea>', html)
    assert "Send your response" not in html

    second = _assigned(staff, concern, "Check the agency bookings")
    concern.refresh_from_db()
    handling.concern_withdraw(user=staff.guardian, concern=concern)
    shown = client.get(reverse("concerns:show_action", args=[second.pk])).content.decode()
    assert "no response is needed" in _text(shown)
    late = client.post(
        reverse("concerns:show_action", args=[second.pk]), {"response": "Bookings checked"}
    )
    assert late.status_code == 200
    assert "This concern is no longer open, so your response was not sent" in _text(
        late.content.decode()
    )
    assert re.search(r'name="response"[^>]*>\s*Bookings checked</textarea>', late.content.decode())
    second.refresh_from_db()
    assert second.state == Action.State.OPEN and not second.response_sealed


def test_recording_the_same_concern_twice_records_it_once(client, staff):
    import time_machine

    sign_in(client, staff.guardian)
    form = client.get(reverse("concerns:record_concern")).content.decode()
    token = re.search(r'name="submission" value="([^"]+)"', form).group(1)
    fields = {
        "organisation": staff.organisation.ods_code,
        "source": "phone",
        "confidentiality": "anonymous",
        "description": "The fire exit on level 2 is blocked (synthetic)",
        "submission": token,
    }
    first = client.post(reverse("concerns:record_concern"), fields).content.decode()
    # A double click: the browser shows the second answer, so it must hold the same code.
    again = client.post(reverse("concerns:record_concern"), fields).content.decode()
    recorded = Concern.objects.get()
    code = re.search(r'id="receipt-code">([^<]+)<', first).group(1)
    assert re.search(r'id="receipt-code">([^<]+)<', again).group(1) == code
    assert recorded.reference in again
    # Sent again later (a reload on a shared computer): still one concern, and no code.
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        later = client.post(reverse("concerns:record_concern"), fields).content.decode()
    assert Concern.objects.count() == 1
    assert code not in later and "cannot be shown again" in later
    assert recorded.reference in later


def test_the_case_page_warns_of_an_overdue_action_as_the_case_list_does(client, staff, concern):
    """The list said "1 action overdue" while the case itself showed no warning at the top."""
    action = acknowledged_with_an_action(staff, concern)
    Action.objects.filter(pk=action.pk).update(respond_by=timezone.localdate() - timedelta(days=1))
    sign_in(client, staff.guardian)
    listed = client.get(reverse("concerns:list_cases")).content.decode()
    page = client.get(reverse("concerns:show_concern", args=[concern.reference])).content.decode()
    assert "1 action overdue" in listed
    assert re.search(r"Overdue.*?1 action overdue\.", page, re.S)


def test_the_follow_up_page_says_which_cases_have_actions_waiting_for_sign_off(
    client, staff, concern
):
    """An answered action waits for the accountable leader: their list says so, so they need not
    open every case to find out."""
    action = acknowledged_with_an_action(staff, concern)
    sign_in(client, staff.lead)
    before = client.get(reverse("concerns:list_led")).content.decode()
    assert concern.reference in before and "To sign off" not in before
    handling.action_respond(user=staff.manager, action=action, response="Rota changed")
    page = client.get(reverse("concerns:list_led")).content.decode()
    assert "To sign off" in page
    assert "1 action answered, waiting for your sign-off" in page
    handling.action_sign_off(user=staff.lead, action=action)
    assert "To sign off" not in client.get(reverse("concerns:list_led")).content.decode()


def acknowledged_with_an_action(staff, concern) -> Action:
    """The concern acknowledged, and an action handed to the line manager, due in a week."""
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    return handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=staff.manager,
        respond_by=timezone.localdate() + timedelta(days=7),
        accountable_lead=staff.lead,
        description="Review the rota",
        shared_summary="Night staffing",
    )


def _title(response) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1))


def test_each_page_of_a_case_names_the_case_in_its_title(client, staff, concern):
    """Two cases open in two tabs, or a screen reader's list of windows, tell them apart."""
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    sign_in(client, staff.guardian)
    reference = concern.reference
    pages = {
        "triage_concern": "Triage the concern",
        "message_concern": "Write to the speaker",
        "assign_action": "Assign an action",
        "escalate_concern": "Escalate the concern",
        "close_concern": "Close the concern",
    }
    for name, heading in pages.items():
        page = client.get(reverse(f"concerns:{name}", args=[reference]))
        assert _title(page) == f"{heading} – Concern {reference} – speakup – NHS", name
        assert f"<h1>{heading}</h1>" in page.content.decode()
    refused = client.post(
        reverse("concerns:triage_concern", args=[reference]), {"worker_group": ""}
    )
    assert _title(refused) == f"Error: Triage the concern – Concern {reference} – speakup – NHS"


def test_a_line_managers_actions_on_one_concern_have_titles_of_their_own(
    client, staff, concern, person_with_role
):
    """Numbered among their own actions only, in the order given: the title says nothing of the
    case, not even how many others were asked to act, nor what the guardian wrote."""
    first = _assigned(staff, concern, "Review the night rota")
    someone_else = person_with_role(Role.LINE_MANAGER, full_name="Other Manager")
    _assigned(staff, concern, "Audit the agency bookings", handler=someone_else)
    sign_in(client, staff.manager)
    only = client.get(reverse("concerns:show_action", args=[first.pk]))
    assert _title(only) == f"Action on concern {concern.reference} – speakup – NHS"
    second = _assigned(staff, concern, "Talk to the ward sister")
    titles = [
        _title(client.get(reverse("concerns:show_action", args=[action.pk])))
        for action in (first, second)
    ]
    assert titles == [
        f"Action 1 of 2 on concern {concern.reference} – speakup – NHS",
        f"Action 2 of 2 on concern {concern.reference} – speakup – NHS",
    ]
    page = client.get(reverse("concerns:show_action", args=[second.pk]))
    assert _text(re.search(r"<h1>(.*?)</h1>", page.content.decode(), re.S).group(1)) == (
        f"Action 2 of 2 on concern {concern.reference}"
    )


@pytest.mark.parametrize(
    ("page", "fields", "refusals"),
    [
        ("message_concern", {"body": " "}, ["Enter your message to the speaker"]),
        ("give_feedback", {"body": ""}, ["Enter your feedback to the speaker"]),
        (
            "record_learning",
            {"outcome": "", "learning": ""},
            [
                "Enter the outcome of the concern",
                "Enter what the organisation has learned from the concern",
            ],
        ),
    ],
)
def test_an_empty_box_is_refused_in_a_sentence_that_says_what_to_write(
    client, staff, concern, page, fields, refusals
):
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    sign_in(client, staff.guardian)
    shown = _text(
        client.post(reverse(f"concerns:{page}", args=[concern.reference]), fields).content.decode()
    )
    assert [refusal for refusal in refusals if f"Error: {refusal}" in shown] == refusals


ELEMENTS_MEAN = (
    "What a concern is about, in the National Guardian's Office's categories, such as patient "
    "safety or bullying"
)


def test_the_word_element_is_explained_wherever_staff_meet_it(client, staff, concern):
    """The National Guardian's Office's word, which a leader or a new guardian may not know."""
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    sign_in(client, staff.guardian)
    cases = _text(client.get(reverse("concerns:list_cases")).content.decode())
    assert f"Element {ELEMENTS_MEAN}" in cases  # the filter's label, then its hint
    triage = reverse("concerns:triage_concern", args=[concern.reference])
    asked = _text(client.get(triage).content.decode())
    assert f"Elements of the concern {ELEMENTS_MEAN}. Select all that apply" in asked
    refused = _text(client.post(triage, {"worker_group": "ahp"}).content.decode())
    assert "Error: Select at least one element: what the concern is about" in refused

    _assigned(staff, concern)
    sign_in(client, staff.lead)
    led = _text(client.get(reverse("concerns:list_led")).content.decode())
    assert (
        "Elements say what each concern is about, in the National Guardian's Office's "
        "categories, such as patient safety or bullying. “Not triaged” means the guardian has "
        "not recorded them yet."
    ) in led
