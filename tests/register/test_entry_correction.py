"""Register officers correct a director's entry: a misspelt name or a wrong email address, with
a reason; the public sees the corrected name at once and the entry follows the new address."""

import html
import json

import pytest

from speakup.core.audit import records_for
from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from speakup.register.models import Director, StatusChange
from speakup.register.services.common import RegisterRefusal
from speakup.register.services.entries import director_correct, director_create
from tests.conftest import sign_in
from tests.organisations.factories import UserFactory
from tests.register.factories import AppointmentFactory, DirectorFactory
from tests.register.test_form_messages import assert_plain, summary

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(organisation):
    """Dana's entry, created as an admin's appointment creates it, misspelt "Dunmoore"."""
    account = UserFactory(email="dana@fictional.test")
    director = director_create(
        actor=None, first_name="Dana", last_name="Dunmoore", email="dana@fictional.test"
    )
    assert director.user == account
    AppointmentFactory(director=director, organisation=organisation, role_title="Chair")
    return director


@pytest.fixture
def officer(client_as):
    return client_as(Role.REGISTER_OFFICER)


def correction(entry, **changes) -> dict:
    return {
        "first_name": entry.first_name,
        "last_name": entry.last_name,
        "email": entry.email,
        "reason": "Misspelt on the board's import",
        **changes,
    }


def messages(page: bytes) -> list[str]:
    return [html.unescape(message) for message in summary(page.decode())]


def address(entry) -> str:
    return f"/register/officer/directors/{entry.register_number}/correct/"


def nothing_saved(entry) -> None:
    held = Director.objects.get(pk=entry.pk)
    assert (held.first_name, held.last_name, held.email) == (
        entry.first_name,
        entry.last_name,
        entry.email,
    )
    assert held.updated_at == entry.updated_at
    assert held.status_changes.count() == 1  # added to the register, nothing since
    assert not AuditRecord.objects.filter(action="register.director_correct").exists()


def test_an_officer_corrects_a_name_and_the_public_sees_it_at_once(client, officer, entry):
    public = client.get(f"/register/directors/{entry.register_number}/").content.decode()
    assert 'href="' + address(entry) + '"' in public and "Correct this entry" in public
    form = officer.get(address(entry)).content.decode()
    assert 'value="Dunmoore"' in form and 'value="dana@fictional.test"' in form
    etag = client.get("/register/open-data.csv")["ETag"]

    response = officer.post(address(entry), correction(entry, last_name="  Dunmore "))
    assert response.status_code == 302
    assert response["Location"] == f"/register/directors/{entry.register_number}/"
    shown = officer.get(response["Location"]).content.decode()
    assert f"The entry of Dana Dunmore ({entry.register_number}) is corrected." in shown
    assert "<h1>Dana Dunmore</h1>" in shown

    client.logout()
    found = client.get("/register/", {"q": "Dunmore"}).content.decode()
    assert "Dana Dunmore" in found and "Dunmoore" not in found
    assert "Dana Dunmoore" not in client.get("/register/", {"q": "Dunmoore"}).content.decode()
    api = client.get(f"/api/v1/register/directors/{entry.register_number}").json()
    assert api["name"] == "Dana Dunmore"
    # Clients holding the old open data learn that it changed.
    changed = client.get("/register/open-data.csv", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Dana,Dunmore," in changed.content.decode()


def test_the_reason_is_kept_in_the_entrys_history_and_the_audit_has_no_values(officer, entry):
    officer.post(address(entry), correction(entry, last_name="Dunmore"))
    history = Director.objects.get(pk=entry.pk).status_changes.last()
    assert history.reason == "Corrected the last name: Misspelt on the board's import"
    assert history.changed_by == officer.user
    assert (history.from_status, history.to_status) == ("registered", "registered")
    (record,) = records_for("director", entry.register_number).filter(
        action="register.director_correct"
    )
    assert record.actor == officer.user
    assert record.detail == {"fields": ["last_name"]}
    written = json.dumps(record.detail) + record.object_ref
    for value in ["Dunmore", "Dunmoore", "Misspelt", "dana@"]:
        assert value not in written


def test_a_new_email_address_links_the_entry_to_that_account_and_lets_go_of_the_old(
    client, person_with_role, entry
):
    old_account = entry.user
    new_account = UserFactory(email="dana.dunmore@fictional.test")
    officer = person_with_role(Role.REGISTER_OFFICER)
    fields = director_correct(
        actor=officer,
        director=entry,
        first_name="Dana",
        last_name="Dunmoore",
        email=" Dana.Dunmore@Fictional.test ",
        reason="Her trust address changed",
    )
    assert fields == ["email"]
    entry.refresh_from_db()
    assert entry.email == "dana.dunmore@fictional.test"
    assert entry.user == new_account
    (record,) = AuditRecord.objects.filter(action="register.director_correct")
    assert record.detail == {"fields": ["email", "user"]}

    sign_in(client, new_account)
    mine = client.get("/register/me/")
    assert mine.status_code == 200
    assert f"Register number {entry.register_number}" in mine.content.decode()
    sign_in(client, old_account)
    assert client.get("/register/me/").status_code == 404


def test_an_email_address_with_no_account_leaves_the_entry_unlinked(person_with_role, entry):
    director_correct(
        actor=person_with_role(Role.REGISTER_OFFICER),
        director=entry,
        first_name="Dana",
        last_name="Dunmoore",
        email="nobody.yet@fictional.test",
        reason="Wrong address given by the trust",
    )
    entry.refresh_from_db()
    assert entry.user is None


def test_an_email_address_on_another_entry_is_refused_naming_its_register_number(officer, entry):
    other = DirectorFactory(first_name="Abe", last_name="Other", email="abe@fictional.test")
    response = officer.post(
        address(entry), correction(entry, last_name="Dunmore", email="ABE@fictional.test")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Correct a register entry" in page
    assert summary(page) == [
        f"The email address abe@fictional.test is on the entry of Abe Other "
        f"({other.register_number}). Each director has their own email address: check the "
        "address."
    ]
    nothing_saved(entry)


def test_nothing_changed_is_refused_with_a_clear_message(officer, entry):
    page = officer.post(address(entry), correction(entry, email="DANA@fictional.test ")).content
    assert messages(page) == [
        "Nothing has changed: the names and email address are the same as on the entry. "
        "Change what is wrong, or go back to the entry."
    ]
    nothing_saved(entry)


def test_empty_and_too_long_answers_are_refused_in_plain_words(officer, entry):
    page = officer.post(
        address(entry), {"first_name": " ", "last_name": "", "email": "", "reason": ""}
    ).content
    assert messages(page) == [
        "Enter the first name",
        "Enter the last name",
        "Enter the director's email address",
        "Enter the reason for the correction",
    ]
    assert_plain(page.decode())
    page = officer.post(
        address(entry),
        correction(entry, first_name="F" * 101, email="not an address", reason="R" * 141),
    ).content.decode()
    assert summary(page) == [
        "The first name must be 100 characters or fewer",
        "Enter an email address in the correct format, like name@example.nhs.uk",
        "The reason for the correction must be 140 characters or fewer",
    ]
    assert_plain(page)
    nothing_saved(entry)


@pytest.mark.parametrize("invisible", ["\u200b", " \u200b\ufeff "])
def test_a_name_of_only_invisible_characters_is_refused_and_not_published(
    client, officer, entry, invisible
):
    page = officer.post(address(entry), correction(entry, last_name=invisible)).content
    assert messages(page) == ["Enter the director's first name, last name and email address."]
    nothing_saved(entry)
    public = client.get(f"/register/directors/{entry.register_number}/").content.decode()
    assert "Dana Dunmoore" in public


def test_the_service_refuses_what_the_form_would(person_with_role, entry):
    officer = person_with_role(Role.REGISTER_OFFICER)
    for changes, message in [
        ({"last_name": " "}, "Enter the director's first name, last name and email address."),
        ({"last_name": "L" * 101}, "The last name must be 100 characters or fewer."),
        ({"reason": " "}, "Enter the reason for the correction."),
    ]:
        with pytest.raises(RegisterRefusal) as refusal:
            director_correct(actor=officer, director=entry, **correction(entry, **changes))
        assert refusal.value.messages == [message]
    nothing_saved(entry)


@pytest.mark.parametrize("who", ["organisation admin", "worker", "the director themselves"])
def test_people_who_are_not_register_officers_get_not_found(client, person_with_role, who, entry):
    roles = {"organisation admin": Role.ORGANISATION_ADMIN, "worker": Role.WORKER}
    sign_in(client, person_with_role(roles[who]) if who in roles else entry.user)
    page = client.get(f"/register/directors/{entry.register_number}/").content.decode()
    assert "Correct this entry" not in page
    assert client.get(address(entry)).status_code == 404
    assert client.post(address(entry), correction(entry, last_name="X")).status_code == 404
    nothing_saved(entry)


def test_the_public_is_asked_to_sign_in_and_sees_no_link(client, entry):
    page = client.get(f"/register/directors/{entry.register_number}/").content.decode()
    assert "Correct this entry" not in page
    response = client.post(address(entry), correction(entry, last_name="X"))
    assert response.status_code == 302
    assert "/account/sign-in/" in response["Location"]
    nothing_saved(entry)


def test_an_unknown_register_number_is_not_found(officer, db):
    assert officer.get("/register/officer/directors/D999999/correct/").status_code == 404


def test_an_officer_on_the_register_cannot_correct_their_own_entry(
    client, person_with_role, organisation
):
    officer = person_with_role(Role.REGISTER_OFFICER)
    own = DirectorFactory(first_name="Ola", last_name="Oficer", email=officer.email)
    sign_in(client, officer)
    entry_page = client.get(f"/register/directors/{own.register_number}/").content.decode()
    assert "Correct this entry" not in entry_page
    page = client.get(address(own)).content.decode()
    assert "You cannot correct your own register entry" in page
    assert 'name="reason"' not in page
    client.post(address(own), correction(own, last_name="Officer"))
    assert Director.objects.get(pk=own.pk).last_name == "Oficer"
    assert not StatusChange.objects.filter(director=own).exists()
