"""Every page: NHS.UK layout, a title, navigation by role, nothing loaded from another host."""

import re

import pytest
from django.urls import reverse

from speakup.organisations.roles import Role
from tests.conftest import sign_in
from tests.organisations.factories import UserFactory

PUBLIC_PAGES = [
    "/",
    "/accessibility/",
    "/privacy/",
    "/api/",
    "/account/sign-in/",
    "/account/signed-out/",
]
EXTERNAL = re.compile(
    r"""(?:src|href|action|formaction|poster)\s*=\s*["']?\s*(?:https?:)?//""", re.I
)
CSS_EXTERNAL = re.compile(r"url\(\s*[\"']?(?:https?:)?//", re.I)


def assert_nhs_page(page: str):
    assert re.search(r"<title>[^<]+ – speakup – NHS</title>", page)
    assert 'class="nhsuk-skip-link"' in page and 'href="#maincontent"' in page
    assert 'class="nhsuk-header' in page
    assert 'class="nhsuk-footer' in page
    assert 'id="maincontent"' in page


def assert_nothing_external(page: str):
    assert not EXTERNAL.search(page), EXTERNAL.search(page).group(0)
    assert not CSS_EXTERNAL.search(page)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_use_the_nhs_layout_and_load_nothing_from_other_hosts(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert_nhs_page(page)
    assert_nothing_external(page)


@pytest.mark.parametrize("role", list(Role))
def test_signed_in_home_page_in_every_role(client_as, role):
    client = client_as(role)
    page = client.get("/").content.decode()
    assert_nhs_page(page)
    assert_nothing_external(page)
    assert role.label in page
    assert "Sign out" in page


def test_the_stylesheet_loads_no_font_from_another_host(client):
    response = client.get("/assets/nhsuk-frontend.min.css")
    css = b"".join(response.streaming_content).decode()
    assert "nhsuk-header" in css
    assert not CSS_EXTERNAL.search(css)


def test_pages_send_a_strict_content_security_policy(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert f'nonce="{nonce}"' in response.content.decode()


def test_an_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert_nhs_page(page)


def test_national_roles_see_no_organisation_in_their_roles(client_as):
    page = client_as(Role.NATIONAL_ANALYST).get("/").content.decode()
    assert "National" in page


def test_the_sign_in_link_shows_when_signed_out(client, db):
    page = client.get("/").content.decode()
    assert f'href="{reverse("core:sign_in")}"' in page


def header_links(page: str) -> set[str]:
    nav = re.search(r'<nav class="nhsuk-header__navigation.*?</nav>', page, re.S)
    return (
        set(
            re.findall(
                r'class="nhsuk-header__navigation-link"[^>]*>\s*(?:<strong[^>]*>)?([^<]+)',
                nav.group(0),
            )
        )
        if nav
        else set()
    )


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        (Role.GUARDIAN, {"Cases"}, {"Your actions", "National returns"}),
        (Role.WORKER, {"Your training"}, {"Cases", "Cases you lead"}),
        (Role.LINE_MANAGER, {"Your actions", "Your training"}, {"Cases"}),
        (Role.NATIONAL_ANALYST, set(), {"Cases", "Your actions", "Cases you lead"}),
        # "Follow up" for the cases they lead sat beside the Follow Up module in their training.
        (Role.BOARD_MEMBER, {"Cases you lead", "Your training"}, {"Follow up"}),
    ],
)
def test_the_header_navigation_follows_the_persons_roles(client_as, role, sees, does_not_see):
    links = header_links(client_as(role).get("/").content.decode())
    assert sees <= links, links
    assert not (does_not_see & links), links


def test_nobody_signed_out_gets_staff_navigation(client, db):
    assert header_links(client.get("/").content.decode()) == set()


def test_a_request_for_an_unknown_host_gets_a_plain_400_page(client, db):
    response = client.get("/", HTTP_HOST="not-ours.example")
    assert response.status_code == 400
    assert "Something was wrong with that request" in response.content.decode()


def test_a_back_link_sits_in_a_navigation_landmark_of_its_own(client_as):
    """So that no content sits outside a landmark; a page with no back link has no empty one."""
    client = client_as(Role.WORKER)
    with_back = client.get(reverse("training:show_module", args=["speak_up"])).content.decode()
    back_nav = r'<nav class="speakup-back" aria-label="Back">(.*?)</nav>'
    landmark = re.search(back_nav, with_back, re.S)
    assert landmark and 'class="nhsuk-back-link' in landmark.group(1)
    without = client.get(reverse("training:my_training")).content.decode()
    assert 'class="nhsuk-back-link' not in without and 'aria-label="Back"' not in without


def test_a_superuser_with_no_role_is_sent_to_the_administration_site(client, db):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    page = sign_in(client, superuser).get("/").content.decode()
    assert 'href="/admin/">Open the administration site</a>' in page
    assert "You do not hold any role yet" not in page


def test_a_worker_is_not_offered_the_administration_site(client_as):
    page = client_as(Role.WORKER).get("/").content.decode()
    assert "administration site" not in page


def test_the_public_can_find_the_register_from_the_home_page_and_every_footer(client, db):
    home = client.get("/").content.decode()
    assert 'href="/register/">register of board directors</a>' in home
    privacy = client.get("/privacy/").content.decode()
    assert re.search(r'<a class="nhsuk-footer__list-item-link" href="/register/"', privacy)


def test_the_national_analysts_home_page_leads_to_the_national_view(client_as):
    """It linked to their work only in the header, where other roles find theirs on the page."""
    home = client_as(Role.NATIONAL_ANALYST).get("/").content.decode()
    main = home.split('id="maincontent"')[1]
    assert "<h2>National figures</h2>" in main
    assert '<a href="/reports/national/view/">Open the national view</a>' in main
    guardian = client_as(Role.GUARDIAN).get("/").content.decode()
    assert "Open the national view" not in guardian
