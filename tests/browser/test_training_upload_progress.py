"""An admin watches a roster upload that a worker is importing: the page keeps itself up to
date, then shows the result, with no refresh by the admin."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from speakup.training.models import ImportStatus, StaffImport, record_upload_progress
from speakup.training.roster.results import ImportResult
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def watched_upload(page, person_with_role, organisation):
    """An upload a worker has imported a quarter of, its page open in the admin's browser."""
    admin = person_with_role(Role.ORGANISATION_ADMIN)
    job = StaffImport.objects.create(
        organisation=organisation,
        uploaded_by=admin,
        file_name="roster.csv",
        stored_path="/nonexistent/roster.csv",
        status=ImportStatus.RUNNING,
    )
    record_upload_progress(job.pk, 25, 100)
    sign_in(page, admin, two_factor=True)
    job.url = f"/training/organisations/{organisation.ods_code}/roster/uploads/{job.pk}/"
    page.goto(job.url)
    return job


def test_the_upload_page_follows_the_import_to_its_result(page, watched_upload):
    job = watched_upload
    expect(page.get_by_role("heading", name="Roster upload: Importing")).to_be_visible()
    expect(page.get_by_text("The import is running: 25% done.")).to_be_visible()
    # The page refreshes itself: it does not tell the admin to.
    expect(page.get_by_text("This page shows the progress as it goes")).to_be_visible()
    expect(page.get_by_role("link", name="Refresh to see progress")).to_be_hidden()
    assert_accessible(page)

    record_upload_progress(job.pk, 60, 100)  # the worker moves on
    expect(page.get_by_text("The import is running: 60% done.")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Import progress")).to_have_attribute("value", "60")

    job.status = ImportStatus.DONE
    job.result = ImportResult(rows_read=100, created=100, imported=True).as_dict()
    job.finished_at = timezone.now()
    job.save()
    expect(page.get_by_role("heading", name="Roster upload: Imported")).to_be_visible()
    expect(page.get_by_text("100 rows read: 100 workers added")).to_be_visible()
    assert_accessible(page)


def test_the_upload_page_keeps_following_the_import_when_the_server_is_briefly_unreachable(
    page, watched_upload
):
    job = watched_upload
    expect(page.get_by_text("The import is running: 25% done.")).to_be_visible()

    # The server restarts (a deploy): the page's next checks find nobody, then an error page.
    failures = ["no answer", "503"]

    def unreachable_for_a_while(route):
        if route.request.resource_type != "fetch" or not failures:
            return route.continue_()
        if failures.pop(0) == "no answer":
            return route.abort("connectionrefused")
        return route.fulfill(status=503, body="Service unavailable")

    page.route(f"**{job.url}", unreachable_for_a_while)
    record_upload_progress(job.pk, 60, 100)  # the worker carries on meanwhile
    job.status = ImportStatus.DONE
    job.result = ImportResult(rows_read=100, created=100, imported=True).as_dict()
    job.finished_at = timezone.now()
    job.save()
    expect(page.get_by_role("heading", name="Roster upload: Imported")).to_be_visible(
        timeout=15_000
    )
    assert not failures  # both failed checks happened before the result was shown
    expect(page.get_by_text("100 rows read: 100 workers added")).to_be_visible()


def test_the_refresh_link_comes_back_when_the_page_stops_following(page, watched_upload):
    """Access refused (signed out elsewhere, say): the script stops, and says so no more."""
    job = watched_upload
    expect(page.get_by_role("link", name="Refresh to see progress")).to_be_hidden()
    page.route(
        f"**{job.url}",
        lambda route: (
            route.fulfill(status=404, body="Page not found")
            if route.request.resource_type == "fetch"
            else route.continue_()
        ),
    )
    expect(page.get_by_role("link", name="Refresh to see progress")).to_be_visible()
    expect(page.get_by_text("This page shows the progress as it goes")).to_be_hidden()
