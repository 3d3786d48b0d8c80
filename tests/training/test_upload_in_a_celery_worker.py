"""A roster upload handed to a real Celery worker through a real broker (the folder queue that
`make run` uses): the upload's page answers at once, then shows the result the worker wrote."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from kombu import pools

from speakup.celery import app
from speakup.organisations.roles import Role
from speakup.training.models import StaffImport, StaffRecord

pytestmark = pytest.mark.django_db(transaction=True)  # the worker's thread reads what we commit

ROSTER = (
    "Employee Number,First Name,Last Name,Staff Group,Line Manager,Senior Leader,Board Member,"
    "Assignment Start\n"
    "5001,Ada,Fictional,Students,N,N,N,2024-01-01\n"
    "5002,Bryn,Fictional,Students,N,N,N,2024-01-01\n"
)


@pytest.fixture
def folder_queue_worker(tmp_path):
    """The app sends to a folder queue instead of running tasks inline, and a worker consumes
    it in a thread of this process (so it sees the test database, SQLite's in-memory one too)."""
    queue, processed = tmp_path / "queue", tmp_path / "processed"
    queue.mkdir()
    processed.mkdir()
    before = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "broker_transport")}
    _forget_connections()
    app.conf.update(
        task_always_eager=False,
        broker_url="filesystem://localhost/",
        broker_transport="speakup.core.folder_queue:Transport",  # as settings.py gives make run
        broker_transport_options={
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "store_processed": True,  # so the test can see the message went through it
            "processed_folder": str(processed),
            "control_folder": str(tmp_path / "control"),
        },
    )
    try:
        with start_worker(app, pool="solo", perform_ping_check=False):
            yield processed
    finally:
        _forget_connections()
        app.conf.update(before, broker_transport_options={})


def _forget_connections() -> None:
    """Drop the app's and kombu's pooled connections and producers, made under the settings
    before: Celery keeps them for the life of the process (it drops them only after a fork)."""
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def _page_when_finished(client, url: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get(url).content.decode()
        if 'id="import-progress"' not in page:
            return page
        time.sleep(0.2)
    statuses = list(StaffImport.objects.values_list("status", flat=True))
    raise AssertionError(f"the upload was still running after {timeout} s: {statuses}")


def test_an_upload_is_imported_by_the_worker_while_its_page_shows_progress(
    client_as, organisation, folder_queue_worker
):
    client = client_as(Role.ORGANISATION_ADMIN)
    upload = SimpleUploadedFile("roster.csv", ROSTER.encode(), content_type="text/csv")
    response = client.post("/training/organisations/TST01/roster/", {"file": upload})
    assert response.status_code == 302
    page = _page_when_finished(client, response["Location"])
    assert "Roster upload: Imported" in page
    assert "2 rows read: 2 workers added" in page
    assert StaffRecord.objects.filter(organisation=organisation).count() == 2
    assert len(list(folder_queue_worker.iterdir())) == 1  # one message, through the queue
