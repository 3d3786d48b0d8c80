"""Signing in and out, lockout, and the second factor for roles that need one."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from speakup.core.two_factor import current_code, enrol_confirmed_device
from speakup.organisations.roles import Role
from tests.conftest import field_error
from tests.organisations.factories import TEST_PASSWORD

SIGN_IN = "/account/sign-in/"
NO_ACCOUNT_NEEDED = (
    'You never need an account to <a href="/concerns/speak-up/">speak up</a>: anyone can raise '
    "a concern without signing in."
)


def post_sign_in(client, email, password=TEST_PASSWORD, next_url=""):
    return client.post(SIGN_IN, {"email": email, "password": password, "next": next_url})


@pytest.fixture(autouse=True)
def fresh_lockouts(db):
    call_command("axes_reset", verbosity=0)


def test_a_worker_signs_in_with_email_and_password_and_sees_their_roles(client, person_with_role):
    worker = person_with_role(Role.WORKER, email="Wendy.Worker@fictional.test")
    response = post_sign_in(client, "wendy.worker@FICTIONAL.test")
    assert response.status_code == 302
    home = client.get(response.url)
    assert "Worker" in home.content.decode()
    assert worker.email in home.content.decode()


def test_a_wrong_password_shows_an_error_summary_and_an_error_title(client, person_with_role):
    worker = person_with_role(Role.WORKER)
    response = post_sign_in(client, worker.email, "wrong password")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in" in page
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert 'href="#id_email"' in page


def test_an_empty_form_names_each_missing_field(client, db):
    page = client.post(SIGN_IN, {}).content.decode()
    assert "Enter your email address" in page
    assert "Enter your password" in page


def test_an_email_address_too_long_to_keep_is_told_so_in_one_message(client, db):
    response = post_sign_in(client, "a" * 320 + "@example.nhs.uk")
    assert field_error(response, "email") == "The email address must be 254 characters or fewer"
    assert "Ensure this value" not in response.content.decode()


def test_an_account_is_locked_after_five_failures_even_with_the_right_password(
    client, person_with_role
):
    worker = person_with_role(Role.WORKER)
    for _ in range(5):
        post_sign_in(client, worker.email, "wrong password")
    response = post_sign_in(client, worker.email)
    assert response.status_code == 429
    assert "locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Who can unlock it sooner: their organisation admin, or else the team that runs speakup.
    assert "ask your organisation's speakup admin. They can unlock" in _help(response)
    assert "ask the team that runs speakup" in _help(response)
    assert NO_ACCOUNT_NEEDED in response.content.decode()


def test_a_guardian_must_give_a_code_before_seeing_anything(client, person_with_role):
    guardian = person_with_role(Role.GUARDIAN)
    device = enrol_confirmed_device(guardian)
    response = post_sign_in(client, guardian.email, next_url="/accessibility/")
    assert response.url.startswith(reverse("core:two_factor"))
    # Any other page sends them back to the code page.
    assert client.get("/").url.startswith(reverse("core:two_factor"))

    wrong = client.post(response.url, {"code": wrong_code(device)})
    assert "The code is wrong or has expired" in wrong.content.decode()

    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        right = client.post(response.url, {"code": current_code(device)})
    assert right.status_code == 302
    assert right.url == "/accessibility/"
    assert client.get("/").status_code == 200


def wrong_code(device) -> str:
    return "000000" if current_code(device) != "000000" else "111111"


def test_a_code_given_too_soon_after_a_wrong_one_says_the_real_wait(client, person_with_role):
    """django-otp waits 1 second after a wrong code, doubling with each wrong code in a row:
    the page says how long, never "too many" after one or two."""
    guardian = person_with_role(Role.GUARDIAN)
    device = enrol_confirmed_device(guardian)
    code_page = post_sign_in(client, guardian.email).url
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post(code_page, {"code": wrong_code(device)})
        too_soon = client.post(code_page, {"code": current_code(device)})
        assert field_error(too_soon, "code") == (
            "That code was not accepted. Wait 1 second, then enter the code again"
        )
        assert "Too many" not in too_soon.content.decode()

        clock.shift(1)
        client.post(code_page, {"code": wrong_code(device)})  # a second wrong code: 2 seconds
        clock.shift(0.5)
        assert "Wait 2 seconds, then" in field_error(
            client.post(code_page, {"code": "123456"}), "code"
        )

        clock.shift(2)
        assert client.post(code_page, {"code": current_code(device)}).url == "/"


def test_setting_up_the_app_says_the_real_wait_after_a_wrong_code(client, person_with_role):
    guardian = person_with_role(Role.GUARDIAN)
    code_page = post_sign_in(client, guardian.email).url
    client.get(code_page)
    device = TOTPDevice.objects.get(user=guardian, confirmed=False)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post(code_page, {"code": wrong_code(device)})
        too_soon = client.post(code_page, {"code": current_code(device)})
        assert "<title>Error: Set up two-factor sign-in" in too_soon.content.decode()
        assert field_error(too_soon, "code") == (
            "That code was not accepted. Wait 1 second, then enter the code again"
        )
        clock.shift(1)
        assert client.post(code_page, {"code": current_code(device)}).url == "/"
    device.refresh_from_db()
    assert device.confirmed


def _help(response) -> str:
    """The "Problems signing in?" box, as read."""
    page = " ".join(response.content.decode().split())
    found = re.search(r'<details class="nhsuk-details"[^>]*>(.*?)</details>', page)
    return re.sub(r"\s*<[^>]+>\s*", " ", found.group(1)).strip() if found else ""


def test_the_sign_in_and_code_pages_say_who_helps_with_a_lost_password_or_phone(
    client, person_with_role
):
    """The organisation admin first (their "Help someone sign in" page), the team that runs
    speakup for anyone the admin cannot help."""
    sign_in_page = client.get(SIGN_IN)
    help = _help(sign_in_page)
    assert help.startswith("Problems signing in?")
    assert "forgotten your password" in help and "lost or replaced the phone" in help
    # The admin is named once, as people know them.
    assert "ask your organisation's speakup admin. They can unlock" in help
    assert "(organisation admin)" not in help
    assert "email you a link to set a new password" in help
    assert "set up the app on your phone again the next time you are asked for a security code" in (
        help
    )
    assert "If your speakup admin cannot help" in help
    assert "ask the team that runs speakup for your organisation" in help
    assert NO_ACCOUNT_NEEDED in sign_in_page.content.decode()
    guardian = person_with_role(Role.GUARDIAN)
    enrol_confirmed_device(guardian)
    code_page = client.get(post_sign_in(client, guardian.email).url)
    assert _help(code_page) == help
    assert NO_ACCOUNT_NEEDED in code_page.content.decode()
    # A guardian is asked at every sign-in, as their role needs: no page asked for it.
    assert "need a security code as well as your password" not in code_page.content.decode()

    client.logout()
    new_guardian = person_with_role(Role.GUARDIAN)
    set_up_page = client.get(post_sign_in(client, new_guardian.email).url)
    assert "<h1>Set up two-factor sign-in</h1>" in set_up_page.content.decode()
    assert _help(set_up_page) == help
    assert NO_ACCOUNT_NEEDED in set_up_page.content.decode()


def test_a_new_guardian_enrols_an_authenticator_app_with_a_qr_code(client, person_with_role):
    guardian = person_with_role(Role.GUARDIAN)
    response = post_sign_in(client, guardian.email)
    page = client.get(response.url).content.decode()
    assert "Set up two-factor sign-in" in page
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=guardian, confirmed=False)
    client.post(response.url, {"code": current_code(device)})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "role", [Role.ORGANISATION_ADMIN, Role.NATIONAL_ANALYST, Role.REGISTER_OFFICER]
)
def test_organisation_admins_and_national_roles_need_a_second_factor(
    client, person_with_role, role
):
    person = person_with_role(role)
    response = post_sign_in(client, person.email)
    assert response.url.startswith(reverse("core:two_factor"))


@pytest.mark.parametrize("role", [Role.WORKER, Role.LINE_MANAGER, Role.BOARD_MEMBER])
def test_other_roles_sign_in_with_a_password_alone(client, person_with_role, role):
    person = person_with_role(role)
    response = post_sign_in(client, person.email)
    assert response.url == "/"


def test_sign_in_never_redirects_to_another_site(client, person_with_role):
    worker = person_with_role(Role.WORKER)
    response = post_sign_in(client, worker.email, next_url="https://evil.example/")
    assert response.url == "/"


@pytest.mark.parametrize(
    "next_url",
    ["home", "logout", "javascript:alert(1)", "/account/sign-out/", "/api/v1/", "/training/"],
)
def test_sign_in_goes_on_only_to_a_page_of_this_service(client, person_with_role, next_url):
    """A link to the sign-in page whose `next` is a word, not an address, still signs in."""
    worker = person_with_role(Role.WORKER)
    response = post_sign_in(client, worker.email, next_url=next_url)
    assert response.status_code == 302
    assert response.url == ("/training/" if next_url == "/training/" else "/")


def test_the_second_factor_goes_on_home_when_next_is_not_an_address(client, person_with_role):
    guardian = person_with_role(Role.GUARDIAN)
    device = enrol_confirmed_device(guardian)
    post_sign_in(client, guardian.email)
    response = client.post(
        "/account/two-factor/?next=home", {"code": current_code(device), "next": "home"}
    )
    assert response.status_code == 302
    assert response.url == "/"


def test_signing_out_ends_the_session(client_as):
    client = client_as(Role.WORKER)
    response = client.post("/account/sign-out/")
    assert response.url == reverse("core:signed_out")
    assert "_auth_user_id" not in client.session
    assert "Sign in" in client.get("/").content.decode()


def test_signing_out_needs_a_post(client_as):
    client = client_as(Role.WORKER)
    assert client.get("/account/sign-out/").status_code == 405


def test_the_admin_is_for_superusers_who_gave_their_second_factor(client, client_as, db):
    from tests.organisations.factories import UserFactory

    worker_client = client_as(Role.WORKER)
    assert worker_client.get("/admin/").status_code == 302  # to the admin's sign-in, refused

    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.logout()
    response = post_sign_in(client, superuser.email, next_url="/admin/")
    assert response.url.startswith(reverse("core:two_factor"))
    assert client.get("/admin/").url.startswith(reverse("core:two_factor"))
    assert "Set up two-factor sign-in" in client.get(response.url).content.decode()
    device = TOTPDevice.objects.get(user=superuser)
    client.post(response.url, {"code": current_code(device)})
    assert client.get("/admin/").status_code == 200


def test_a_second_sign_in_within_the_same_30_seconds_takes_the_next_code(client, person_with_role):
    guardian = person_with_role(Role.GUARDIAN)
    device = enrol_confirmed_device(guardian)
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(2):
            client.logout()
            response = post_sign_in(client, guardian.email)
            verified = client.post(response.url, {"code": current_code(device)})
            assert verified.url == "/", "a used code must not block the next sign-in"


def header_links(page: str) -> list[str]:
    """The texts of the header's navigation links."""
    return re.findall(r'class="nhsuk-header__navigation-link"[^>]*>\s*([^<]+?)\s*<', page)


def test_the_header_offers_no_role_pages_until_the_code_is_given(client, person_with_role):
    """Each link only led back to "Enter your security code"."""
    admin = person_with_role(Role.ORGANISATION_ADMIN)
    device = enrol_confirmed_device(admin)
    code_page = client.get(post_sign_in(client, admin.email).url).content.decode()
    assert header_links(code_page) == []
    assert "Sign out" in code_page
    client.post(reverse("core:two_factor"), {"code": current_code(device)})
    home = client.get("/").content.decode()
    assert "Training dashboard" in header_links(home)
