"""The guardian's case list: finding a case by the reference a speaker quotes, and paging."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from speakup.concerns.models import ConcernElement, Status
from speakup.concerns.references import new_reference, reference_characters
from speakup.core.models import AuditRecord
from tests.concerns.factories import ConcernFactory, open_action
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

CASES = reverse("concerns:list_cases")


def _references_listed(html: str) -> list[str]:
    return re.findall(r'nowrap" href="/concerns/cases/([^/"]+)/"', html)


def _case(staff, reference=None, **fields):
    return ConcernFactory(
        organisation=staff.organisation, reference=reference or new_reference(), **fields
    )


@pytest.mark.parametrize(
    "typed",
    [
        "ABCD-2345",
        "abcd-2345",
        "abcd2345",
        "ABCD 2345",
        " aB cD - 23 45 ",
        "ＡＢＣＤ－２３４５",
        "ABCD–2345",  # pasted from an email: the hyphen became an en dash
    ],
)
def test_a_reference_typed_any_way_goes_straight_to_the_case(client, staff, typed):
    concern = _case(staff, "ABCD-2345")
    _case(staff, "WXYZ-6789")
    sign_in(client, staff.guardian)
    response = client.get(CASES, {"reference": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("concerns:show_concern", args=[concern.reference])


def test_the_case_found_is_read_and_audited_as_any_case_page(client, staff):
    concern = _case(staff, "ABCD-2345")
    sign_in(client, staff.guardian)
    page = client.get(CASES, {"reference": "abcd 2345"}, follow=True)
    assert f"Concern {concern.reference}" in page.content.decode()
    assert AuditRecord.objects.filter(
        action="concern.view", object_ref=concern.reference, actor=staff.guardian
    ).exists()


def test_part_of_a_reference_lists_every_case_that_has_it_whatever_its_status(client, staff):
    open_case = _case(staff, "ABCD-2345")
    closed_case = _case(staff, "WXYZ-2345", status=Status.CLOSED)
    other = _case(staff, "ABCD-6789")
    sign_in(client, staff.guardian)

    page = client.get(CASES, {"reference": "2345"}).content.decode()
    assert sorted(_references_listed(page)) == [open_case.reference, closed_case.reference]
    assert "Cases with “2345” in their reference (2)" in unescape(page)
    assert "Show all cases" in page
    # Typed across the hyphen, part of a reference still finds it.
    across = client.get(CASES, {"reference": "cd23"})
    assert across["Location"] == reverse("concerns:show_concern", args=[open_case.reference])
    assert other.reference not in page


def test_a_search_finds_only_cases_the_guardian_may_see(client, staff, other_organisation):
    theirs = ConcernFactory(organisation=other_organisation, reference="ABCD-2345")
    sign_in(client, staff.guardian)
    response = client.get(CASES, {"reference": "ABCD-2345"})
    page = unescape(response.content.decode())
    assert response.status_code == 200 and theirs.reference not in _references_listed(page)
    assert "No case you can see has “ABCD-2345” in its reference" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ABCD-23456", "A case reference has 8 letters and numbers, like ABCD-2345"),
        ("x" * 5000, "A case reference has 8 letters and numbers, like ABCD-2345"),
        ("ABC0", "A case reference has only letters and the numbers 2 to 9, like ABCD-2345"),
        ("' OR 1=1 --", "A case reference has only letters and the numbers 2 to 9"),
        ("", "Enter all or part of a case reference, like ABCD-2345"),
        (" - ", "Enter all or part of a case reference, like ABCD-2345"),
    ],
)
def test_what_cannot_be_a_reference_is_refused_in_plain_words(client, staff, typed, message):
    _case(staff, "ABCD-2345")
    sign_in(client, staff.guardian)
    response = client.get(CASES, {"reference": typed})
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert re.search(r"<title>\s*Error: Cases", page)
    assert message in page and "There is a problem" in page
    assert _references_listed(page) == []


def test_reference_characters_are_read_as_the_reference_holds_them():
    assert reference_characters(" ab cd-23 45 ") == "ABCD2345"
    assert reference_characters("ｗｘｙｚ") == "WXYZ"
    assert reference_characters("") == ""


def test_the_case_list_comes_fifty_a_page(client, staff):
    cases = [_case(staff) for _ in range(53)]
    sign_in(client, staff.guardian)
    first = client.get(CASES).content.decode()
    assert len(_references_listed(first)) == 50
    assert "Cases 1 to 50 of 53" in first
    assert 'aria-current="page"' in first and 'aria-label="Page 2"' in first
    second = client.get(CASES, {"page": "2"}).content.decode()
    assert "Cases 51 to 53 of 53" in second
    listed = _references_listed(first) + _references_listed(second)
    assert sorted(listed) == sorted(c.reference for c in cases)


def test_the_next_page_keeps_the_filters(client, staff):
    closed = [_case(staff, status=Status.CLOSED) for _ in range(52)]
    open_case = _case(staff)
    sign_in(client, staff.guardian)
    first = unescape(client.get(CASES, {"status": "closed"}).content.decode())
    href = re.search(r'<a href="([^"]+)" class="nhsuk-pagination__next"', first).group(1)
    assert "status=closed" in href and "page=2" in href
    second = client.get(CASES + href).content.decode()
    assert len(_references_listed(second)) == 2
    assert open_case.reference not in second
    assert set(_references_listed(second)) <= {c.reference for c in closed}
    assert re.search(r'<option value="closed" selected\s*>Closed', second)


def test_any_status_is_kept_from_page_to_page(client, staff):
    """ "Any status" is an empty status, unlike the default, which is open cases only."""
    for _ in range(50):
        _case(staff)
    closed = _case(staff, status=Status.CLOSED, received_at=timezone.now() - timedelta(days=9))
    sign_in(client, staff.guardian)
    first = unescape(client.get(CASES, {"status": ""}).content.decode())
    href = re.search(r'<a href="([^"]+)" class="nhsuk-pagination__next"', first).group(1)
    assert closed.reference in client.get(CASES + href).content.decode()


def test_a_page_number_that_is_not_one_shows_a_page_not_an_error(client, staff):
    concern = _case(staff)
    sign_in(client, staff.guardian)
    for number in ("abc", "999", "-1", "0"):
        response = client.get(CASES, {"page": number})
        assert response.status_code == 200 and concern.reference in response.content.decode()


def _busy_case(staff, today, number):
    """A late case with an element and a late action; its reference starts ABCD."""
    digits = "".join("23456789"[(number >> shift) % 8] for shift in (0, 3, 6, 9))
    concern = _case(
        staff,
        f"ABCD-{digits}",
        status=Status.IN_PROGRESS,
        received_at=timezone.now() - timedelta(10),
    )
    ConcernElement.objects.create(concern=concern, code="worker_safety")
    open_action(
        concern, created_by=staff.guardian, handler=staff.manager, respond_by=today - timedelta(1)
    )
    return concern


def test_the_case_list_asks_the_database_the_same_number_of_questions_however_many_cases(
    client, staff, django_assert_max_num_queries
):
    """A guardian with many cases, each with elements and late actions, gets their list, a
    page of it or the cases a search lists, in as many questions as with two cases."""
    today = timezone.localdate()
    for number in range(2):
        _busy_case(staff, today, number)
    sign_in(client, staff.guardian)
    with CaptureQueriesContext(connection) as few:
        assert client.get(CASES).status_code == 200
    with CaptureQueriesContext(connection) as few_found:
        assert client.get(CASES, {"reference": "abcd"}).status_code == 200
    for number in range(2, 62):
        _busy_case(staff, today, number)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(CASES).content.decode()
    assert len(_references_listed(page)) == 50 and "1 action overdue" in page
    with django_assert_max_num_queries(len(few_found.captured_queries)):
        found = client.get(CASES, {"reference": "abcd", "page": "2"}).content.decode()
    assert len(_references_listed(found)) == 12


def test_a_concern_sent_just_after_midnight_in_summer_is_listed_on_that_day(client, staff):
    # 00:30 on 2 July in England is 23:30 on 1 July in UTC.
    sent = timezone.make_aware(timezone.datetime(2026, 7, 2, 0, 30))
    _case(staff, received_at=sent)
    sign_in(client, staff.guardian)
    page = unescape(client.get(CASES).content.decode())
    assert "2 July 2026" in page
    assert "1 July 2026" not in page
