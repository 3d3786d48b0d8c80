"""Setting a new password from the link an organisation admin had emailed: once, within 24
hours, checked by the password rules, and never signing the person in past their second factor."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from speakup.core.models import AuditRecord
from speakup.core.password_links import password_link
from speakup.organisations.roles import Role
from tests.conftest import field_error, sign_in
from tests.organisations.conftest import SITE
from tests.organisations.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a new long password for speakup"
LIKE_THEM = "Your password must not be like your name or email address"
DOES_NOT_WORK = "The link to set a new password has expired or has already been used"


@pytest.fixture
def link(guardian, person_with_role, mailoutbox, django_capture_on_commit_callbacks):
    """The link in the email the guardian's organisation admin had sent them."""
    admin = sign_in(Client(), person_with_role(Role.ORGANISATION_ADMIN))
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(f"/organisations/TST01/sign-in-help/{guardian.pk}/send-password-link/")
    [found] = re.findall(r"https?://\S+", mailoutbox.pop().body)
    return found.removeprefix(SITE)


def choose(client, form_page: str, password: str, again: str | None = None):
    return client.post(form_page, {"password": password, "password_again": again or password})


def test_the_link_opens_a_page_whose_address_holds_no_token(client, link):
    response = client.get(link)
    token = link.split("/")[-2]
    assert response.url == link.replace(f"/{token}/", "/set/")
    page = client.get(response.url).content.decode()
    assert "<h1>Set a new password</h1>" in page
    assert token not in page


def test_a_new_password_is_set_and_the_person_is_sent_to_sign_in_with_it_and_their_code(
    client, link, guardian, mailoutbox, django_capture_on_commit_callbacks
):
    form_page = client.get(link).url
    with django_capture_on_commit_callbacks(execute=True):
        response = choose(client, form_page, NEW_PASSWORD)
    assert response.url == "/account/sign-in/"
    assert (
        "Your new password is set. Sign in with it now."
        in client.get(response.url).content.decode()
    )
    assert "_auth_user_id" not in client.session  # not signed in, let alone past the code
    assert client.get("/concerns/cases/").url.startswith("/account/sign-in/")

    browser = Client()
    old = browser.post("/account/sign-in/", {"email": guardian.email, "password": TEST_PASSWORD})
    assert old.status_code == 200
    new = browser.post("/account/sign-in/", {"email": guardian.email, "password": NEW_PASSWORD})
    assert new.url.startswith("/account/two-factor/")
    [record] = AuditRecord.objects.filter(action="account.password_set")
    assert (record.actor, record.object_ref) == (guardian, str(guardian.pk))
    [email] = mailoutbox
    assert email.to == [guardian.email] and "Your speakup password was changed" in email.body
    assert "http" not in email.body


def test_setting_a_password_on_a_shared_computer_signs_out_whoever_was_signed_in(
    client, person_with_role, link, guardian
):
    """An admin signed in on the computer the guardian uses to open their link: the guardian
    signs in next, on a clean sign-in page with their email address in its box."""
    admin = person_with_role(Role.ORGANISATION_ADMIN, email="ada.admin@fictional.test")
    sign_in(client, admin)
    assert "Sign out" in client.get(client.get(link).url).content.decode()

    response = choose(client, client.get(link).url, NEW_PASSWORD)
    assert response.url == "/account/sign-in/"  # no email address in the address
    sign_in_page = client.get(response.url)
    page = sign_in_page.content.decode()
    assert "Your new password is set. Sign in with it now." in page
    assert "_auth_user_id" not in client.session
    assert "Sign out" not in page and admin.email not in page
    assert f'name="email" type="email" value="{guardian.email}"' in page
    # Offered once: the page opened again later has an empty box.
    assert guardian.email not in client.get("/account/sign-in/").content.decode()


@pytest.fixture
def elsewhere(guardian):
    """The guardian signed in on another computer, before the link was sent (signing in after
    would end the link)."""
    return sign_in(Client(), guardian)


def test_setting_a_password_ends_every_session_the_person_had(elsewhere, client, link):
    assert elsewhere.get("/").status_code == 200
    choose(client, client.get(link).url, NEW_PASSWORD)
    assert "_auth_user_id" not in elsewhere.get("/").wsgi_request.session


def test_the_link_works_once(client, link):
    choose(client, client.get(link).url, NEW_PASSWORD)
    assert DOES_NOT_WORK in client.get(link).content.decode()
    again = Client()
    assert DOES_NOT_WORK in again.get(link).content.decode()


def test_the_link_stops_working_once_the_person_signs_in(client, link, guardian):
    Client().post("/account/sign-in/", {"email": guardian.email, "password": TEST_PASSWORD})
    assert DOES_NOT_WORK in client.get(link).content.decode()


def test_the_link_stops_working_after_24_hours(client, link):
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        page = client.get(link).content.decode()
    assert DOES_NOT_WORK in page
    assert "A link works once, for 24 hours" in page
    assert "Ask your organisation's speakup admin" in page


def test_a_page_opened_in_time_is_refused_once_the_link_has_expired(client, link, guardian):
    form_page = client.get(link).url
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        page = choose(client, form_page, NEW_PASSWORD).content.decode()
    assert DOES_NOT_WORK in page
    guardian.refresh_from_db()
    assert guardian.check_password(TEST_PASSWORD)


@pytest.mark.parametrize(
    "uidb64, token", [("MQ", "nonsense-token"), ("!!", "x"), ("OTk5OTk5", "set")]
)
def test_a_made_up_link_does_not_work(client, db, uidb64, token):
    response = client.get(f"/account/new-password/{uidb64}/{token}/")
    assert response.status_code == 200 and DOES_NOT_WORK in response.content.decode()


@pytest.mark.parametrize(
    "password, again, field, message",
    [
        ("", "", "password", "Enter a new password"),
        ("short", "short", "password", "Your password must be at least 12 characters"),
        (
            "123456789012345",
            "123456789012345",
            "password",
            "Your password must not be only numbers",
        ),
        (
            "password1234",
            "password1234",
            "password",
            "Your password is too common. Choose one that is harder to guess",
        ),
        ("x" * 201, "x" * 201, "password", "Your password must be 200 characters or fewer"),
        (
            NEW_PASSWORD,
            "something else entirely",
            "password_again",
            "The two passwords are not the same. Type it again",
        ),
    ],
)
def test_a_password_the_rules_refuse_is_explained_in_plain_words(
    client, link, guardian, password, again, field, message
):
    form_page = client.get(link).url
    response = choose(client, form_page, password, again)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Set a new password" in page and "There is a problem" in page
    assert field_error(response, field) == message  # one message, not Django's several
    guardian.refresh_from_db()
    assert guardian.check_password(TEST_PASSWORD)
    # The form may be sent again: the link still works until a password is set.
    assert choose(client, form_page, NEW_PASSWORD).url == "/account/sign-in/"


def test_a_password_like_their_email_address_is_refused(client, link, guardian):
    form_page = client.get(link).url
    response = choose(client, form_page, guardian.email)
    assert field_error(response, "password") == LIKE_THEM


@pytest.fixture
def milo(person_with_role):
    return person_with_role(Role.WORKER, full_name="Milo Ellery", email="m.ellery@fictional.test")


@pytest.mark.parametrize(
    "password",
    ["MiloEllery2024", "correct horse elleRY staple", "battery M.Ellery staple", "mIlO-and-8-more"],
)
def test_a_password_holding_their_first_or_last_name_or_email_is_refused(client, milo, password):
    form_page = client.get(password_link(milo).removeprefix(SITE)).url
    response = choose(client, form_page, password)
    assert field_error(response, "password") == LIKE_THEM
    milo.refresh_from_db()
    assert milo.check_password(TEST_PASSWORD)


def test_a_password_holding_other_names_is_taken(client, milo):
    form_page = client.get(password_link(milo).removeprefix(SITE)).url
    assert choose(client, form_page, "Mike Elliot walks 2024").url == "/account/sign-in/"


def test_a_short_name_does_not_refuse_the_ordinary_words_holding_it(client, person_with_role):
    ann = person_with_role(Role.WORKER, full_name="Ann Tam", email="a.tam@fictional.test")
    form_page = client.get(password_link(ann).removeprefix(SITE)).url
    assert choose(client, form_page, "planning tamarind 2024").url == "/account/sign-in/"


def test_setting_a_password_also_unlocks_a_locked_account(client, link, guardian):
    for _ in range(5):
        Client().post("/account/sign-in/", {"email": guardian.email, "password": "wrong"})
    choose(client, client.get(link).url, NEW_PASSWORD)
    signed_in = Client().post(
        "/account/sign-in/", {"email": guardian.email, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
