import os

import pytest
from django.core.management import CommandError, call_command

from speakup.organisations.models import Organisation, RoleMembership, User
from speakup.organisations.roles import Role
from tests.core.test_audit import speakup


def demo_output(capsys):
    call_command("demo-data")
    return capsys.readouterr().out


def test_demo_data_covers_every_role_in_three_fictional_organisations(db, capsys):
    out = demo_output(capsys)
    assert Organisation.objects.count() == 3
    assert set(Organisation.objects.values_list("kind", flat=True)) == {
        "foundation_trust",
        "nhs_trust",
        "icb",
    }
    assert 50 <= User.objects.count() <= 70
    assert set(RoleMembership.objects.values_list("role", flat=True)) == {r.value for r in Role}
    for role in Role:
        assert role.label in out


def test_each_sign_in_is_printed_on_its_own_line(db, capsys):
    out = demo_output(capsys)
    guardian_lines = [line for line in out.splitlines() if "guardian1@demo1" in line]
    assert len(guardian_lines) == 1
    line = guardian_lines[0]
    assert "FTSU guardian" in line and "DEMO1" in line and "speakup-demo-password" in line
    assert "make otp-code EMAIL=guardian1@demo1.demo.speakup.test" in line


def test_the_demo_says_how_to_try_helping_someone_sign_in(db, capsys, settings, tmp_path):
    settings.EMAIL_FILE_PATH = tmp_path / "elsewhere" / "mail"  # from SPEAKUP_VAR_DIR
    out = demo_output(capsys)
    assert (
        "Help someone sign in: as organisation-admin@demo1.demo.speakup.test, choose 'Help "
        "someone sign in'" in out
    )
    assert f"make run writes the emails to {tmp_path}/elsewhere/mail/" in out
    assert "var/mail" not in out
    admin = User.objects.get(email="organisation-admin@demo1.demo.speakup.test")
    assert admin.memberships.get().role == Role.ORGANISATION_ADMIN


def test_demo_data_can_be_loaded_twice_without_duplicates(db, capsys):
    demo_output(capsys)
    counts = (User.objects.count(), RoleMembership.objects.count(), Organisation.objects.count())
    demo_output(capsys)
    assert (
        User.objects.count(),
        RoleMembership.objects.count(),
        Organisation.objects.count(),
    ) == counts


def test_demo_users_can_sign_in_with_the_printed_password_and_code(client, db, capsys):
    demo_output(capsys)
    email = "guardian1@demo1.demo.speakup.test"
    response = client.post(
        "/account/sign-in/", {"email": email, "password": "speakup-demo-password"}
    )
    call_command("otp-code", email)
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()
    client.post(response.url, {"code": code})
    assert "FTSU guardian" in client.get("/").content.decode()


def test_otp_codes_are_only_printed_for_demo_users(db, capsys):
    from tests.organisations.factories import UserFactory

    UserFactory(email="real.person@fictional.test")
    with pytest.raises(CommandError, match="only for demo users"):
        call_command("otp-code", "real.person@fictional.test")


@pytest.mark.parametrize(
    ("email", "case_page", "asked_on"),
    [
        ("line-manager1@demo1.demo.speakup.test", "/concerns/actions/", "case pages"),
        (
            "board-member1@demo1.demo.speakup.test",
            "/concerns/follow-up/",
            "case pages and the compliance and leavers downloads",
        ),
    ],
)
def test_demo_people_handed_cases_have_a_code_printed_for_the_case_pages(
    client, db, capsys, email, case_page, asked_on
):
    line = next(line for line in demo_output(capsys).splitlines() if email in line)
    assert f"2FA code on {asked_on}: make otp-code EMAIL={email}" in line
    client.post("/account/sign-in/", {"email": email, "password": "speakup-demo-password"})
    asked = client.get(case_page, follow=True)
    assert "Enter your security code" in asked.content.decode()  # enrolled: no QR code to scan
    call_command("otp-code", email)
    client.post(asked.redirect_chain[-1][0], {"code": capsys.readouterr().out.strip()})
    assert client.get(case_page).status_code == 200


def test_a_code_asked_of_a_database_with_no_demo_says_so_without_a_traceback(tmp_path):
    """A tester ran make otp-code without the DATABASE_URL their make run had: a traceback
    ending "no such table: otp_totp_totpdevice"."""
    empty = tmp_path / "empty.sqlite3"
    environment = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{empty}",
        "SPEAKUP_VAR_DIR": str(tmp_path),
    }
    asked = speakup("otp-code", "guardian1@demo1.demo.speakup.test", env=environment)
    assert asked.returncode == 1
    assert f"There is no demo in the database {empty}: it has no speakup tables." in asked.stderr
    assert "Traceback" not in asked.stderr
