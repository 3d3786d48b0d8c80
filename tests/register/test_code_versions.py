"""Every version of the code of practice stays readable by anyone: directors attested to each,
and an officer told that another published a version reads it. A tester found only the latest
could be read (the page ignored ?version=2)."""

import re
from datetime import datetime
from html import unescape

import pytest
from django.utils import timezone

from speakup.organisations.roles import Role
from speakup.register.models import CodeOfPractice
from speakup.register.services.fppt_and_attestation import code_publish

pytestmark = pytest.mark.django_db

VERSIONS = "/register/code-of-practice/versions/"


@pytest.fixture
def three_versions(person_with_role):
    officer = person_with_role(Role.REGISTER_OFFICER)
    for version, (title, body, day) in enumerate(
        [
            ("Code of practice", "## Listen\n\n1. I will thank people who speak up.", 2),
            ("Code of practice", "## Listen\n\n1. I will thank everyone who speaks up.", 9),
            ("Code of practice 2027", "## Follow up\n\n1. I will tell the board.", 16),
        ]
    ):
        code_publish(actor=officer, title=title, body=body, based_on=version)
        published = timezone.make_aware(datetime(2026, 3, day, 12))
        CodeOfPractice.objects.filter(version=version + 1).update(published_at=published)


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def rows(response) -> list[str]:
    """The list's table rows, as read (a responsive table repeats each column's name)."""
    body = re.search(r"<tbody.*?</tbody>", response.content.decode(), re.S).group(0)
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_anyone_can_list_every_version_with_its_title_and_date(client, three_versions):
    response = client.get(VERSIONS)
    assert response.status_code == 200
    assert re.findall(r'href="(/register/code-of-practice/\d+/)"', response.content.decode()) == [
        "/register/code-of-practice/3/",
        "/register/code-of-practice/2/",
        "/register/code-of-practice/1/",
    ]
    listed = rows(response)
    assert "Version 3 (current)" in listed[0] and "Code of practice 2027" in listed[0]
    assert "16 March 2026 at 12:00pm" in listed[0]
    assert "Version 1" in listed[2] and "2 March 2026 at 12:00pm" in listed[2]


def test_each_version_says_how_many_lines_it_added_and_removed(client, three_versions):
    listed = rows(client.get(VERSIONS))
    assert listed[0].endswith("Change from the version before 2 lines added, 2 removed")
    assert listed[1].endswith("Change from the version before 1 line added, 1 removed")
    assert listed[2].endswith("Change from the version before First version")


def test_versions_published_the_same_day_with_the_same_title_can_be_told_apart(
    client, person_with_role
):
    """A tester found two rows the same: both "Code of practice", both published that day."""
    officer = person_with_role(Role.REGISTER_OFFICER)
    first = "## Listen\n\n1. I will thank people who speak up.\n2. I will follow up."
    second = first.replace(
        "\n2. I will follow up.", "\n\n## Tell the board\n\nEach quarter.\nIn public."
    )
    shorter = "## Listen\n\n1. I will thank people who speak up."
    for version, (body, hour, minute) in enumerate(
        [(first, 9, 5), (second, 14, 15), (shorter, 23, 59)], start=1
    ):
        code_publish(actor=officer, title="Code of practice", body=body, based_on=version - 1)
        published = timezone.make_aware(datetime(2026, 11, 27, hour, minute))
        CodeOfPractice.objects.filter(version=version).update(published_at=published)

    listed = rows(client.get(VERSIONS))

    assert "27 November 2026 at 11:59pm" in listed[0] and "3 lines removed" in listed[0]
    assert "27 November 2026 at 2:15pm" in listed[1] and "3 lines added, 1 removed" in listed[1]
    assert "27 November 2026 at 9:05am" in listed[2] and "First version" in listed[2]


def test_a_version_that_changed_only_spacing_says_no_lines_were_added_or_removed(
    client, person_with_role
):
    """Spaces at the start of a line publish a version (they are in the text an officer
    edits), but the page shows the same lines."""
    officer = person_with_role(Role.REGISTER_OFFICER)
    code_publish(actor=officer, title="Code", body="## Listen\n\n1. Thank them.", based_on=0)
    code_publish(actor=officer, title="Code", body="## Listen\n\n   1. Thank them.", based_on=1)
    assert "No lines added or removed" in rows(client.get(VERSIONS))[0]


def test_an_earlier_version_shows_its_own_text_and_says_it_is_no_longer_current(
    client, three_versions
):
    response = client.get("/register/code-of-practice/1/")
    assert response.status_code == 200
    page = text(response)
    assert "I will thank people who speak up." in page
    assert "I will tell the board." not in page
    assert "Code of practice: version 1, published 2 March 2026." in page
    assert "This version is no longer current: directors now attest to version 3." in page
    assert 'href="/register/code-of-practice/"' in response.content.decode()
    title = "<title>Code of practice for board directors – version 1 – speakup – NHS</title>"
    assert title in response.content.decode()


def test_the_current_version_by_its_number_is_not_called_out_of_date(client, three_versions):
    page = text(client.get("/register/code-of-practice/3/"))
    assert "I will tell the board." in page and "no longer current" not in page


def test_the_current_code_links_to_its_earlier_versions(client, three_versions):
    response = client.get("/register/code-of-practice/")
    assert "Earlier versions" in text(response)
    assert f'href="{VERSIONS}"' in response.content.decode()


def test_a_first_version_has_no_earlier_versions_to_link_to(client, person_with_role):
    officer = person_with_role(Role.REGISTER_OFFICER)
    code_publish(actor=officer, title="Code", body="Version one.", based_on=0)
    assert "Earlier versions" not in text(client.get("/register/code-of-practice/"))


@pytest.mark.parametrize(
    "version", ["0", "4", "99", "-1", "1.5", "one", "²", "99999999999999999999", "9" * 5000]
)
def test_a_version_never_published_or_not_a_number_is_page_not_found(
    client, three_versions, version
):
    response = client.get(f"/register/code-of-practice/{version}/")
    assert response.status_code == 404
    assert "<title>Page not found" in response.content.decode()


@pytest.mark.parametrize("typed", ["03", "0003", "0" * 20 + "3"])
def test_a_version_typed_with_leading_zeros_moves_to_its_own_address(client, three_versions, typed):
    """/register/code-of-practice/04/ showed version 4: one version had two addresses."""
    response = client.get(f"/register/code-of-practice/{typed}/")
    assert response.status_code == 301
    assert response["Location"] == "/register/code-of-practice/3/"
    assert "I will tell the board." in text(client.get(response["Location"]))


@pytest.mark.parametrize("typed", ["04", "00", "000"])
def test_leading_zeros_on_a_version_never_published_still_end_at_page_not_found(
    client, three_versions, typed
):
    response = client.get(f"/register/code-of-practice/{typed}/", follow=True)
    assert response.status_code == 404
    assert "<title>Page not found" in response.content.decode()


def test_with_nothing_published_the_list_says_so(client, db):
    response = client.get(VERSIONS)
    assert response.status_code == 200
    assert "No code of practice has been published yet." in text(response)
