"""An organisation admin helps one of their people sign in: unlocks their account, removes their
authenticator or emails them a link to set a new password; and whom they may not help."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from speakup.core.models import AuditRecord
from speakup.core.permissions import can
from speakup.core.two_factor import current_code, enrol_confirmed_device
from speakup.organisations.roles import Role
from tests.conftest import field_error, sign_in
from tests.organisations.conftest import SITE
from tests.organisations.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db

FIND = "/organisations/TST01/sign-in-help/"
NO_ONE = "No one at Testshire Fictional NHS Trust has that email address"


@pytest.fixture
def admin(person_with_role):
    return person_with_role(Role.ORGANISATION_ADMIN, full_name="Ada Admin")


@pytest.fixture
def admin_client(client, admin):
    return sign_in(client, admin)


@pytest.fixture
def worker(person_with_role):
    return person_with_role(Role.WORKER, full_name="Wendy Worker", email="wendy@fictional.test")


def person_page(person) -> str:
    return f"{FIND}{person.pk}/"


def find(client, email: str):
    return client.post(FIND, {"email": email})


def press(client, person, button: str, token: str = ""):
    """Press one of the person's page's buttons: unlock, remove-authenticator or
    send-password-link."""
    return client.post(f"{person_page(person)}{button}/", {"form_token": token}, follow=True)


def sign_in_attempt(email: str, password: str = TEST_PASSWORD):
    return Client().post("/account/sign-in/", {"email": email, "password": password})


def lock_out(person) -> None:
    for _ in range(5):
        sign_in_attempt(person.email, "wrong password")
    assert sign_in_attempt(person.email).status_code == 429


def audited(action: str) -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action=action))


# --- Who may use the page ------------------------------------------------------------------


def test_the_header_links_organisation_admins_to_the_page(admin_client):
    home = admin_client.get("/").content.decode()
    assert 'href="/organisations/sign-in-help/"' in home
    assert "Help someone sign in" in home
    assert admin_client.get("/organisations/sign-in-help/").url == FIND


def test_an_admin_of_two_organisations_chooses_one(admin_client, admin, other_organisation):
    MembershipFactory(user=admin, organisation=other_organisation, role=Role.ORGANISATION_ADMIN)
    page = admin_client.get("/organisations/sign-in-help/").content.decode()
    assert FIND in page and "/organisations/OTH01/sign-in-help/" in page


@pytest.mark.parametrize("role", [Role.WORKER, Role.GUARDIAN, Role.NATIONAL_ANALYST])
def test_no_one_but_an_organisation_admin_has_the_page(client_as, role, worker):
    client = client_as(role)
    assert "Help someone sign in" not in client.get("/").content.decode()
    assert client.get("/organisations/sign-in-help/").status_code == 404
    assert client.get(FIND).status_code == 404
    assert client.get(person_page(worker)).status_code == 404


def test_an_admin_of_another_organisation_gets_not_found(client_as, other_organisation, worker):
    client = client_as(Role.ORGANISATION_ADMIN, other_organisation)
    assert client.get(FIND).status_code == 404
    assert client.get(person_page(worker)).status_code == 404
    lock_out(worker)
    assert press(client, worker, "unlock").status_code == 404
    assert sign_in_attempt(worker.email).status_code == 429


def test_an_admin_who_has_not_given_their_code_is_asked_for_it_and_nothing_is_done(
    client, admin, worker
):
    client.force_login(admin)  # password given, no security code yet
    lock_out(worker)
    for response in (client.get(FIND), client.post(f"{person_page(worker)}unlock/")):
        assert response.status_code == 302
        assert response.url.startswith("/account/two-factor/")
    assert sign_in_attempt(worker.email).status_code == 429
    assert not audited("account.unlock")


def test_the_rule_refuses_an_admin_who_has_not_given_their_code(admin, worker):
    # A user read outside a request has no second factor: services refuse them too.
    assert not can(admin, "organisations.help_person_sign_in", worker)
    admin.is_verified = lambda: True
    assert can(admin, "organisations.help_person_sign_in", worker)


# --- Whom they may help -----------------------------------------------------------------


def test_finding_someone_at_the_organisation_opens_their_page(admin_client, worker, guardian):
    response = find(admin_client, "WENDY@fictional.test ")
    assert response.url == person_page(worker)
    page = admin_client.get(response.url).content.decode()
    assert "<h1>Wendy Worker</h1>" in page
    assert "Not locked" in page and "Not set up" in page and "Never" in page
    assert admin_client.get(person_page(guardian)).status_code == 200
    assert len(audited("account.sign_in_help_view")) == 2


@pytest.mark.parametrize(
    "who",
    [
        "nobody",
        "other_organisation_only",
        "also_at_another_organisation",
        "also_national_analyst",
        "also_register_officer",
        "superuser",
        "staff",
        "no_role",
        "inactive",
    ],
)
def test_anyone_they_may_not_help_gets_the_answer_of_an_address_nobody_has(
    admin_client, organisation, other_organisation, who
):
    """Not a person who does not exist, a person elsewhere or a national one: the page does not
    say who has an account."""
    email = f"{who}@fictional.test"
    if who != "nobody":
        person = _person_who_is(who, email, organisation, other_organisation)
    response = find(admin_client, email)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Help someone sign in" in page
    assert page.count(NO_ONE) == 2  # the error summary and the field
    if who != "nobody":
        assert admin_client.get(person_page(person)).status_code == 404
        assert press(admin_client, person, "send-password-link").status_code == 404


def _person_who_is(who, email, organisation, other_organisation):
    from tests.organisations.factories import UserFactory

    person = UserFactory(
        email=email,
        is_superuser=who == "superuser",
        is_staff=who in ("superuser", "staff"),
        is_active=who != "inactive",
    )
    here = None if who == "other_organisation_only" else organisation
    if here and who != "no_role":
        MembershipFactory(user=person, organisation=here, role=Role.WORKER)
    national = {"also_national_analyst": Role.NATIONAL_ANALYST}
    national["also_register_officer"] = Role.REGISTER_OFFICER
    if who in national:
        MembershipFactory(user=person, organisation=None, role=national[who])
    if who in ("other_organisation_only", "also_at_another_organisation"):
        MembershipFactory(user=person, organisation=other_organisation, role=Role.GUARDIAN)
    return person


def test_an_admin_is_told_plainly_to_ask_another_admin_for_themselves(admin_client, admin):
    page = find(admin_client, admin.email.upper()).content.decode()
    assert "You cannot use this page for your own account" in page
    assert "Ask another organisation admin at Testshire Fictional NHS Trust" in page
    assert admin_client.get(person_page(admin)).status_code == 404


def test_an_admin_may_help_another_admin_of_the_organisation(admin_client, person_with_role):
    other_admin = person_with_role(Role.ORGANISATION_ADMIN)
    assert find(admin_client, other_admin.email).url == person_page(other_admin)


def test_a_badly_written_address_is_refused_with_an_error_summary(admin_client):
    page = find(admin_client, "not an address").content.decode()
    assert "There is a problem" in page
    assert "Enter an email address in the correct format" in page
    assert 'href="#id_email"' in page


def test_a_very_long_address_is_refused_with_one_message(admin_client):
    response = find(admin_client, "a" * 320 + "@example.nhs.uk")
    assert field_error(response, "email") == "The email address must be 254 characters or fewer"


# --- Unlocking ------------------------------------------------------------------------------


def test_unlocking_lets_a_locked_out_person_sign_in_at_once(
    admin_client, admin, worker, mailoutbox, django_capture_on_commit_callbacks
):
    lock_out(worker)
    assert (
        "Locked after too many wrong passwords"
        in admin_client.get(person_page(worker)).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        page = press(admin_client, worker, "unlock").content.decode()
    assert "Account unlocked. Wendy Worker can sign in again now." in page
    assert "Not locked" in page
    assert sign_in_attempt(worker.email).status_code == 302
    [record] = audited("account.unlock")
    assert (record.actor, record.object_ref) == (admin, str(worker.pk))
    assert record.organisation.ods_code == "TST01"
    [email] = mailoutbox
    assert email.to == [worker.email]
    assert "Ada Admin, an organisation admin at Testshire Fictional NHS Trust, unlocked" in (
        email.body
    )
    assert "http" not in email.body  # no link to follow in an email about their account


def test_unlocking_an_account_that_is_not_locked_changes_nothing(admin_client, worker, mailoutbox):
    page = press(admin_client, worker, "unlock").content.decode()
    assert "Their account was not locked, so nothing was changed" in page
    assert not audited("account.unlock") and not mailoutbox


# --- Removing the authenticator -----------------------------------------------------------


def test_removing_the_authenticator_has_them_set_up_a_new_one_at_their_next_sign_in(
    admin_client, admin, guardian, mailoutbox, django_capture_on_commit_callbacks
):
    assert "Set up on " in admin_client.get(person_page(guardian)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        page = press(admin_client, guardian, "remove-authenticator").content.decode()
    assert (
        "Authenticator app removed. Gina Guardian will set up the app again the next time they "
        "sign in." in page
    )
    assert not TOTPDevice.objects.filter(user=guardian).exists()
    [record] = audited("account.authenticator_remove")
    assert (record.actor, record.object_ref) == (admin, str(guardian.pk))
    [email] = mailoutbox
    assert email.to == [guardian.email]
    assert "Ada Admin, an organisation admin at Testshire Fictional NHS Trust, removed" in (
        email.body
    )
    assert "You will set up the app on your phone again the next time you sign in." in email.body
    assert "http" not in email.body

    their_browser = Client()
    signed_in = their_browser.post(
        "/account/sign-in/", {"email": guardian.email, "password": TEST_PASSWORD}
    )
    assert signed_in.url.startswith("/account/two-factor/")
    code_page = their_browser.get(signed_in.url).content.decode()
    assert "Set up two-factor sign-in" in code_page and "<svg" in code_page
    device = TOTPDevice.objects.get(user=guardian, confirmed=False)
    their_browser.post(signed_in.url, {"code": current_code(device)})
    assert their_browser.get("/").status_code == 200


def test_someone_asked_for_a_code_only_by_case_pages_is_told_when_they_set_up_again(
    admin_client, person_with_role, mailoutbox, django_capture_on_commit_callbacks
):
    """A line manager signs in with their password alone: the case pages ask for the code."""
    manager = person_with_role(Role.LINE_MANAGER, full_name="Lee Manager")
    enrol_confirmed_device(manager)
    when = "the next time a page asks them for a security code, such as a case page"
    person = " ".join(admin_client.get(person_page(manager)).content.decode().split())
    assert f"They set up the app on their phone again {when}." in person
    with django_capture_on_commit_callbacks(execute=True):
        page = press(admin_client, manager, "remove-authenticator").content.decode()
    assert f"Authenticator app removed. Lee Manager will set up the app again {when}." in page
    assert "next time they sign in" not in page
    [email] = mailoutbox
    assert (
        "You will set up the app on your phone again the next time a page asks you for a "
        "security code, such as a case page." in email.body
    )

    their_browser = Client()
    signed_in = their_browser.post(
        "/account/sign-in/", {"email": manager.email, "password": TEST_PASSWORD}
    )
    assert signed_in.url == "/"  # no code asked
    asked = their_browser.get("/concerns/actions/")
    assert asked.url.startswith("/account/two-factor/")
    assert "Set up two-factor sign-in" in their_browser.get(asked.url).content.decode()


def test_a_session_that_gave_a_code_before_the_removal_must_sign_in_again(admin_client, guardian):
    """Whoever has the lost phone may have its signed-in browser too: it must not set up a new
    app without the password."""
    lost_phone = Client()
    signed_in = lost_phone.post(
        "/account/sign-in/", {"email": guardian.email, "password": TEST_PASSWORD}
    )
    lost_phone.post(signed_in.url, {"code": current_code(enrol_confirmed_device(guardian))})
    assert lost_phone.get("/").status_code == 200

    press(admin_client, guardian, "remove-authenticator")
    response = lost_phone.get("/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/account/sign-in/"
    assert "Your authenticator app was removed from your account. Sign in again" in page
    assert "_auth_user_id" not in lost_phone.session
    assert not TOTPDevice.objects.filter(user=guardian).exists()


def test_removing_when_there_is_no_authenticator_changes_nothing(admin_client, worker, mailoutbox):
    assert (
        "They have no authenticator app set up"
        in admin_client.get(person_page(worker)).content.decode()
    )
    page = press(admin_client, worker, "remove-authenticator").content.decode()
    assert "They had no authenticator app set up, so nothing was changed" in page
    assert not audited("account.authenticator_remove") and not mailoutbox


# --- Sending a link to set a new password ---------------------------------------------------


def test_the_link_is_emailed_to_the_person_alone_and_never_shown_to_the_admin(
    admin_client, admin, worker, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = press(admin_client, worker, "send-password-link").content.decode()
    assert "Link sent to wendy@fictional.test. It works once, for 24 hours." in page
    [email] = mailoutbox
    assert email.to == [worker.email] and not email.cc and not email.bcc
    assert email.subject == "speakup: set a new password"
    assert "Ada Admin, an organisation admin at Testshire Fictional NHS Trust, sent you" in (
        email.body
    )
    [link] = re.findall(r"https?://\S+", email.body)  # the one link in it
    assert link.startswith(f"{SITE}/account/new-password/")
    assert link not in page and link.split("/")[-2] not in page
    [record] = audited("account.password_link_send")
    assert (record.actor, record.object_ref) == (admin, str(worker.pk))
    assert link.split("/")[-2] not in str(record.detail)


def test_the_same_button_sent_twice_sends_one_email(
    admin_client, worker, mailoutbox, django_capture_on_commit_callbacks
):
    token = "0123456789abcdef0123456789abcdef"
    with django_capture_on_commit_callbacks(execute=True):
        press(admin_client, worker, "send-password-link", token)
        again = press(admin_client, worker, "send-password-link", token).content.decode()
    assert "That was already done" in again
    assert len(mailoutbox) == 1


def test_the_buttons_need_a_post_with_the_forms_csrf_token(admin, worker):
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, admin)
    lock_out(worker)
    assert browser.get(f"{person_page(worker)}unlock/").status_code == 405
    assert browser.post(f"{person_page(worker)}unlock/").status_code == 403
    assert sign_in_attempt(worker.email).status_code == 429


def test_removing_the_authenticator_asks_first_and_has_the_admin_check_who_is_asking(
    admin_client, guardian, mailoutbox
):
    """Whoever has someone's password could ring and ask for their app to go: the button on the
    person's page only opens a question, and nothing is removed until it is answered."""
    person = admin_client.get(person_page(guardian)).content.decode()
    assert f'href="{person_page(guardian)}remove-authenticator/"' in person
    question = admin_client.get(f"{person_page(guardian)}remove-authenticator/")
    page = " ".join(question.content.decode().split())
    assert "Remove Gina Guardian&#39;s authenticator app?" in page
    assert "Check it is really them asking" in page
    assert "call them back on a number you already have for them" in page
    assert "Yes, remove their authenticator app" in page and "No, go back" in page
    assert TOTPDevice.objects.filter(user=guardian).exists()
    assert not audited("account.authenticator_remove") and not mailoutbox
    # Read, as the person's page is: it names them and their email address.
    assert len(audited("account.sign_in_help_view")) == 2


def test_asking_to_remove_an_app_nobody_set_up_goes_back_and_says_so(admin_client, worker):
    response = admin_client.get(f"{person_page(worker)}remove-authenticator/", follow=True)
    assert response.redirect_chain[-1][0] == person_page(worker)
    assert "no authenticator app set up, so there is nothing to remove" in (
        response.content.decode()
    )
