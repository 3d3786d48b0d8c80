"""Every case page and staff endpoint walked as every role: outsiders 404, the right people 200."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from speakup.concerns.models import Concern, Status
from speakup.concerns.services import handling
from speakup.organisations.roles import Role
from tests.concerns.factories import ConcernFactory, attached_file
from tests.conftest import sign_in
from tests.organisations.factories import UserFactory

pytestmark = pytest.mark.django_db

CASE_PAGES = [
    ("concerns:show_concern", "get"),
    ("concerns:triage_concern", "get"),
    ("concerns:message_concern", "get"),
    ("concerns:assign_action", "get"),
    ("concerns:give_feedback", "get"),
    ("concerns:record_learning", "get"),
    ("concerns:close_concern", "get"),
    ("concerns:escalate_concern", "get"),
    ("concerns:change_action", "get"),
    ("concerns:change_action", "post"),
    ("concerns:acknowledge_concern", "post"),
    ("concerns:reopen_concern", "post"),
    ("concerns:withdraw_concern", "post"),
    ("concerns:sign_off_learning", "post"),
]
# Not for the handler or outsiders either: the pages that ask before a reopen or a withdrawal,
# the buttons' addresses opened in the browser (after signing in again, say), the speaker's files.
MORE_CASE_PAGES = [
    ("concerns:reopen_concern", "get"),
    ("concerns:withdraw_concern", "get"),
    ("concerns:acknowledge_concern", "get"),
    ("concerns:sign_off_learning", "get"),
    ("concerns:sign_off_action", "get"),
    ("concerns:download_attachment", "get"),
]
API_ENDPOINTS = [
    ("get", ""),
    ("post", "/acknowledge"),
    ("post", "/triage"),
    ("post", "/assign"),
    ("post", "/actions/{action}/change"),
    ("post", "/messages"),
    ("post", "/close"),
]
OUTSIDERS = [
    "worker",
    "line manager (not assigned)",
    "champion",
    "other organisation's guardian",
    "national analyst",
    "register officer",
    "superuser",
    "board member",
    "executive lead (not accountable)",
    "non-executive lead (nothing escalated)",
    "organisation admin",
]


@pytest.fixture
def case(staff):
    concern = ConcernFactory(organisation=staff.organisation)
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    concern.refresh_from_db()
    action = handling.action_assign(
        user=staff.guardian,
        concern=concern,
        handler=staff.manager,
        respond_by=timezone.localdate() + timedelta(days=7),
        accountable_lead=staff.lead,
        shared_summary="A staffing concern",
    )
    concern.refresh_from_db()
    return concern, action


@pytest.fixture
def outsider(person_with_role, other_organisation):
    def make(kind: str):
        if kind == "superuser":
            return UserFactory(is_superuser=True, is_staff=True)
        if kind == "other organisation's guardian":
            return person_with_role(Role.GUARDIAN, other_organisation)
        role = {
            "worker": Role.WORKER,
            "line manager (not assigned)": Role.LINE_MANAGER,
            "champion": Role.CHAMPION,
            "national analyst": Role.NATIONAL_ANALYST,
            "register officer": Role.REGISTER_OFFICER,
            "board member": Role.BOARD_MEMBER,
            "executive lead (not accountable)": Role.EXECUTIVE_LEAD,
            "non-executive lead (nothing escalated)": Role.NON_EXECUTIVE_LEAD,
            "organisation admin": Role.ORGANISATION_ADMIN,
        }[kind]
        return person_with_role(role)

    return make


def _page_status(client, name, method, concern, action):
    if name in ("concerns:sign_off_action", "concerns:change_action"):
        url = reverse(name, args=[concern.reference, action.pk])
    elif name == "concerns:download_attachment":
        url = reverse(name, args=[concern.reference, attached_file(concern, "a.txt", b"a").pk])
    else:
        url = reverse(name, args=[concern.reference])
    return getattr(client, method)(url).status_code


@pytest.mark.parametrize("kind", OUTSIDERS)
def test_outsiders_get_404_on_every_case_page(client, case, outsider, kind):
    concern, action = case
    sign_in(client, outsider(kind))
    for name, method in [*CASE_PAGES, ("concerns:sign_off_action", "post"), *MORE_CASE_PAGES]:
        assert _page_status(client, name, method, concern, action) == 404, (kind, name)
    assert client.get(reverse("concerns:show_action", args=[action.pk])).status_code == 404
    assert client.post(reverse("concerns:show_action", args=[action.pk])).status_code == 404
    concern.refresh_from_db()
    assert concern.status == Status.IN_PROGRESS


@pytest.mark.parametrize("kind", OUTSIDERS)
def test_outsiders_get_404_on_every_staff_endpoint(case, outsider, kind):
    concern, action = case
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=outsider(kind))
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for method, suffix in API_ENDPOINTS:
        url = f"/api/v1/concerns/{concern.reference}{suffix.format(action=action.pk)}"
        assert getattr(api, method)(url, {}, format="json").status_code == 404, (kind, url)
    assert api.get("/api/v1/concerns").json() == []


@pytest.mark.parametrize("kind", OUTSIDERS)
def test_outsiders_see_no_case_lists(client, case, outsider, kind):
    sign_in(client, outsider(kind))
    concern, _ = case
    for name in ("concerns:list_cases", "concerns:list_actions", "concerns:list_led"):
        response = client.get(reverse(name))
        assert response.status_code in (200, 404)
        assert concern.reference not in response.content.decode()


def test_the_guardian_gets_every_case_page(client, staff, case):
    concern, action = case
    sign_in(client, staff.guardian)
    guardians_too = [("concerns:withdraw_concern", "get"), ("concerns:download_attachment", "get")]
    for name, method in [*CASE_PAGES, *guardians_too]:
        if method == "get":
            assert _page_status(client, name, method, concern, action) == 200, name
    for name in ("concerns:list_cases", "concerns:record_concern"):
        assert client.get(reverse(name)).status_code == 200
    # The guardian is not the handler: the handler's page is not theirs.
    assert client.get(reverse("concerns:show_action", args=[action.pk])).status_code == 404


def test_the_accountable_leader_reads_the_case_but_cannot_handle_it(client, staff, case):
    concern, action = case
    sign_in(client, staff.lead)
    assert client.get(reverse("concerns:show_concern", args=[concern.reference])).status_code == 200
    assert client.get(reverse("concerns:list_led")).status_code == 200
    for name, method in CASE_PAGES[1:]:
        if name != "concerns:sign_off_learning":
            assert _page_status(client, name, method, concern, action) == 404, name


def test_the_handler_reaches_their_action_and_nothing_else(client, staff, case):
    concern, action = case
    sign_in(client, staff.manager)
    assert client.get(reverse("concerns:show_action", args=[action.pk])).status_code == 200
    assert client.get(reverse("concerns:list_actions")).status_code == 200
    for name, method in [*CASE_PAGES, *MORE_CASE_PAGES]:
        assert _page_status(client, name, method, concern, action) == 404, name


def test_a_leader_sees_a_case_escalated_to_them(client, staff, person_with_role):
    concern = ConcernFactory(organisation=staff.organisation)
    sign_in(client, staff.ned)
    url = reverse("concerns:show_concern", args=[concern.reference])
    assert client.get(url).status_code == 404
    handling.concern_acknowledge(user=staff.guardian, concern=concern)
    handling.concern_escalate(user=staff.guardian, concern=concern, level=4)
    assert client.get(url).status_code == 200
    assert concern.reference in client.get(reverse("concerns:list_led")).content.decode()


def test_someone_who_left_the_organisation_loses_access(client, staff, case):
    concern, action = case
    staff.lead.memberships.all().delete()
    staff.manager.memberships.all().delete()
    sign_in(client, staff.lead)
    assert client.get(reverse("concerns:show_concern", args=[concern.reference])).status_code == 404
    sign_in(client, staff.manager)
    assert client.get(reverse("concerns:show_action", args=[action.pk])).status_code == 404


def test_a_line_manager_without_a_second_factor_is_asked_for_one(client, staff, case):
    _, action = case
    client.force_login(staff.manager)
    response = client.get(reverse("concerns:show_action", args=[action.pk]))
    assert response.status_code == 302
    assert "/account/" in response["Location"]
    # They signed in with a password alone: the code page says why it asks for more now.
    asked = " ".join(client.get(response["Location"]).content.decode().split())
    assert "Pages with case details need a security code as well as your password." in asked
    assert "Problems signing in?" in asked


@pytest.mark.parametrize("role", [Role.CHAMPION, Role.WORKER])
def test_someone_no_case_page_is_for_gets_page_not_found_not_a_second_factor_request(
    client, person_with_role, case, role
):
    concern, action = case
    client.force_login(person_with_role(role))
    for page in [
        reverse("concerns:list_cases"),
        reverse("concerns:show_concern", args=[concern.reference]),
        reverse("concerns:show_action", args=[action.pk]),
    ]:
        assert client.get(page).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, case):
    concern, _ = case
    response = client.get(reverse("concerns:show_concern", args=[concern.reference]))
    assert response.status_code == 302
    assert "sign-in" in response["Location"]


SPEAKER_REPLY = "My manager found out it was me (synthetic)"


def test_the_django_admin_shows_a_superuser_no_case_content(client, case):
    """Concerns are not in the admin at all; the audit log there holds ids, never case text."""
    from django.contrib import admin

    from speakup.concerns.services.speaker import speaker_reply
    from speakup.core.models import AuditRecord
    from tests.concerns.factories import NARRATIVE, SPEAKER

    concern, action = case
    speaker_reply(concern=concern, body=SPEAKER_REPLY)
    handling.concern_message(user=concern.guardian, concern=concern, body="Thank you, Sam")
    assert not [m for m in admin.site._registry if m._meta.app_label == "concerns"]
    sign_in(client, UserFactory(is_superuser=True, is_staff=True))
    pages = ["/admin/"]
    for model in admin.site._registry:
        pages.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    pages += [
        reverse("admin:core_auditrecord_change", args=[record.pk])
        for record in AuditRecord.objects.filter(object_ref=concern.reference)
    ]
    secrets = [NARRATIVE, SPEAKER["name"], SPEAKER["email"], SPEAKER_REPLY, "Thank you, Sam"]
    secrets.append("A staffing concern")  # the summary shared with the handler
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        text = response.content.decode()
        for secret in secrets:
            assert secret not in text, (page, secret)
    assert client.get(f"/admin/concerns/concern/{concern.pk}/change/").status_code == 404


def test_a_superuser_is_no_guardian_in_the_api_either(case):
    """A superuser's session or token opens nothing: the API answers as to any outsider."""
    concern, _ = case
    api = APIClient()
    api.force_authenticate(UserFactory(is_superuser=True, is_staff=True))
    assert api.get("/api/v1/concerns").json() == []
    assert api.get(f"/api/v1/concerns/{concern.reference}").status_code == 404


def test_a_leader_sees_open_cases_first_and_closed_ones_folded_away(client, staff):
    open_case = ConcernFactory(organisation=staff.organisation)
    closed_case = ConcernFactory(organisation=staff.organisation)
    for concern in (open_case, closed_case):
        handling.concern_acknowledge(user=staff.guardian, concern=concern)
        handling.concern_name_accountable_lead(
            user=staff.guardian, concern=concern, accountable_lead=staff.lead
        )
    Concern.objects.filter(pk=closed_case.pk).update(status=Status.CLOSED)
    sign_in(client, staff.lead)
    page = client.get(reverse("concerns:list_led")).content.decode()
    opened, _, folded = page.partition("Closed cases you were accountable for (1)")
    assert "Open cases you are accountable for (1)" in opened
    assert open_case.reference in opened and closed_case.reference not in opened
    assert closed_case.reference in folded
    assert page.index("<details") < page.index(closed_case.reference)  # folded away
