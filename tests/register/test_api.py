"""The public JSON API of the register: search, one entry, pagination, ETags and rate limits."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from speakup.organisations.roles import Role
from speakup.register.models import Outcome
from speakup.register.services.regulatory import case_decide, case_open, case_respond
from tests.register.factories import AppointmentFactory, DirectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(organisation):
    director = DirectorFactory(first_name="Kit", last_name="Kestrel", email="kit@fictional.test")
    AppointmentFactory(
        director=director,
        organisation=organisation,
        role_title="Chief Executive",
        executive=True,
        ftsu_role="executive_lead",
    )
    return director


def test_the_list_is_paginated_and_shows_public_fields_only(client, entry, organisation):
    for n in range(25):
        AppointmentFactory(organisation=organisation, director=DirectorFactory(last_name=f"Z{n}"))
    body = client.get("/api/v1/register/directors").json()
    assert body["count"] == 26
    assert body["previous"] is None and "page=2" in body["next"]
    first = body["results"][0]
    assert first == {
        "register_number": entry.register_number,
        "name": "Kit Kestrel",
        "status": "registered",
        "appointments": [
            {
                "organisation": "Testshire Fictional NHS Trust",
                "role_title": "Chief Executive",
                "executive": True,
                "ftsu_role": "executive_lead",
                "start_date": "2026-01-01",
                "end_date": None,
            }
        ],
    }
    assert len(client.get("/api/v1/register/directors?page=2").json()["results"]) == 6


def test_the_list_filters_by_name_organisation_and_status(client, entry, other_organisation):
    AppointmentFactory(organisation=other_organisation, director=DirectorFactory(status="removed"))
    assert client.get("/api/v1/register/directors?q=kestrel").json()["count"] == 1
    assert client.get("/api/v1/register/directors?organisation=OTH01").json()["count"] == 1
    assert client.get("/api/v1/register/directors?status=removed").json()["count"] == 1
    assert client.get("/api/v1/register/directors?status=registered").json()["count"] == 1


def test_a_search_the_page_would_refuse_is_a_400_saying_why(client, entry):
    too_long = client.get("/api/v1/register/directors", {"q": "k" * 101})
    assert too_long.status_code == 400
    assert too_long.json() == {"q": ["Search for 100 characters or fewer"]}
    unknown = client.get("/api/v1/register/directors", {"status": "sacked"})
    assert unknown.status_code == 400
    assert unknown.json() == {"status": ["Choose a status from the list"]}
    by_name = client.get("/api/v1/register/directors", {"organisation": "Testshire"})
    assert by_name.json()["count"] == 1  # part of the name, as on the search page


def test_one_entry_has_conditions_and_published_decisions(client, entry, person_with_role):
    opener, decider = (person_with_role(Role.REGISTER_OFFICER) for _ in range(2))
    review_date = timezone.localdate() + timedelta(days=365)
    case = case_open(actor=opener, director=entry, grounds="Grounds.")
    case_respond(actor=None, case=case, response="Private response.")
    case_decide(
        actor=decider,
        case=case,
        outcome=Outcome.CONDITIONS,
        reasons="Reasons.",
        conditions_text="Mentoring.",
        review_date=review_date,
    )
    body = client.get(f"/api/v1/register/directors/{entry.register_number}").json()
    assert body["status"] == "conditions"
    assert body["conditions"] == [{"text": "Mentoring.", "review_date": review_date.isoformat()}]
    assert body["decisions"][0]["outcome"] == "conditions"
    assert body["decisions"][0]["reasons"] == "Reasons."
    assert "kit@fictional.test" not in str(body) and "Private response." not in str(body)


def test_an_unknown_register_number_is_404(client, db):
    assert client.get("/api/v1/register/directors/D999999").status_code == 404


def test_responses_carry_an_etag_that_answers_not_modified(client, entry):
    first = client.get("/api/v1/register/directors")
    assert first.has_header("ETag")
    again = client.get("/api/v1/register/directors", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    # A change to the register changes the ETag.
    DirectorFactory()
    changed = client.get("/api/v1/register/directors", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200


def test_the_public_api_is_rate_limited(client, db):
    statuses = [client.get("/api/v1/register/directors").status_code for _ in range(121)]
    assert statuses[:120] == [200] * 120
    assert statuses[120] == 429
    refused = client.get("/api/v1/register/directors")
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 60
    assert refused.json() == {
        "detail": f"Too many requests. Try again in {wait} second{'' if wait == 1 else 's'}."
    }


def test_the_endpoints_are_in_the_openapi_schema(client, db):
    schema = client.get("/api/v1/schema").content.decode()
    assert "/api/v1/register/directors/{register_number}" in schema


def search_described(client) -> dict[str, str]:
    """What the schema says each search term of the directors list matches."""
    schema = client.get("/api/v1/schema", {"format": "json"}).json()
    parameters = schema["paths"]["/api/v1/register/directors"]["get"]["parameters"]
    return {p["name"]: p.get("description", "") for p in parameters}


def test_the_schema_says_what_each_search_term_matches(client, entry, other_organisation):
    """It said "ODS code or part of the name" (whose name?) and nothing of the words of q, past
    appointments or the words past the sixth, which the search leaves out."""
    assert search_described(client) == {
        "q": "Every word must be found in the director's name, their register number, or the "
        "name or ODS code of an organisation where they have an appointment (current, upcoming "
        "or past). Part of a word is enough, such as kest for Kestrel. Only the first 6 words "
        "count. 100 characters at most.",
        "organisation": "An organisation's whole ODS code, such as RXX, or part of its name, "
        "such as Riverbank: directors with an appointment there (current, upcoming or past). "
        "100 characters at most.",
        "status": "",
        "page": "A page number within the paginated result set.",
    }

    # Each claim, as the search does it: an ended appointment, part of a word, the seventh word.
    AppointmentFactory(director=entry, organisation=other_organisation, end_date=date(2026, 1, 31))

    def found(**search) -> int:
        return client.get("/api/v1/register/directors", search).json()["count"]

    assert found(q="kest chief") == 0  # a role title is not searched
    assert found(q="kest oth01") == 1  # an ended appointment's ODS code
    assert found(organisation="oth01") == found(organisation="therton") == 1
    assert found(organisation="TST0") == 0  # part of an ODS code (TST01) is not enough
    number = entry.register_number.lower()
    assert found(q=f"kit kest {number} testshire nhs trust nobody") == 1  # "nobody" is 7th
