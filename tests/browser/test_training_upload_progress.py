"""An admin watches a roster upload that a worker is importing: the page keeps itself up to
date, then shows the result, with no refresh by the admin."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from speakup.organisations.roles import Role
from speakup.training.models import ImportStatus, StaffImport, record_upload_progress
from speakup.training.roster import ImportResult
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_upload_page_follows_the_import_to_its_result(page, person_with_role, organisation):
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
    page.goto(f"/training/organisations/{organisation.ods_code}/roster/uploads/{job.pk}/")
    expect(page.get_by_role("heading", name="Roster upload: Importing")).to_be_visible()
    expect(page.get_by_text("The import is running: 25% done.")).to_be_visible()
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
