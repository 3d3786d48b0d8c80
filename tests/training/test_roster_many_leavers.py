"""A whole roster that would make many workers leavers at once (a 7-row file for a board of
50) is more likely a part of the roster marked as the whole: it is refused, saying how many
would leave and how to go ahead, until the user says they expect that many."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from speakup.core.models import AuditRecord
from speakup.organisations.roles import Role
from speakup.training.models import StaffImport, StaffRecord
from speakup.training.roster.importing import staff_import
from tests.training.test_roster_import import (  # noqa: F401  (frozen, each_import_path: fixtures)
    EVERY_COLUMN,
    csv_file,
    each_import_path,
    frozen,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def worker(n: int, first_name: str = "") -> str:
    return f"{5000 + n},{first_name or f'W{n}'},Fictional,,Students,,,,N,N,N,2024-01-01,,"


def roster_of(organisation, workers: int) -> None:
    staff_import(
        organisation=organisation,
        file=csv_file(*(worker(n) for n in range(workers)), header=EVERY_COLUMN),
    )


def first(workers: int, *, renamed: bool = False):
    """A file of the first `workers` of the roster (the first renamed, if `renamed`)."""
    lines = [worker(n) for n in range(workers)]
    if renamed:
        lines[0] = worker(0, "Renamed")
    return csv_file(*lines, header=EVERY_COLUMN)


def active() -> int:
    return StaffRecord.objects.filter(active=True).count()


@pytest.mark.usefixtures("each_import_path")
def test_a_whole_roster_making_most_workers_leavers_is_refused_and_changes_nothing(
    organisation,
):
    roster_of(organisation, 50)
    result = staff_import(organisation=organisation, file=first(6, renamed=True), full=True)
    assert not result.imported and result.leavers_to_confirm == 44
    assert result.headline() == (
        "Nothing was imported: as a whole roster the file would mark 44 of the organisation's "
        "50 active workers as leavers; if you expect that, upload it again with “I expect 44 "
        "workers to become leavers” ticked."
    )
    # Every one listed (up to 1,000), so that a wrong file can be seen for one; the first 20
    # named as an import's leavers are (test_roster_import_result.py).
    assert len(result.leavers_to_confirm_named) == 44
    assert active() == 50
    assert not StaffRecord.objects.filter(first_name="Renamed").exists()


@pytest.mark.usefixtures("each_import_path")
def test_a_whole_roster_goes_ahead_with_as_many_leavers_as_expected_and_no_more(organisation):
    roster_of(organisation, 50)
    more = staff_import(organisation=organisation, file=first(6), full=True, expect_leavers=43)
    assert not more.imported and more.leavers_to_confirm == 44
    result = staff_import(
        organisation=organisation, file=first(6, renamed=True), full=True, expect_leavers=44
    )
    assert result.imported and result.left == 44 and result.updated == 1
    # Gone ahead, it names 20 of them as before: the leavers' download has every one.
    assert len(result.leavers) == 20
    assert active() == 6
    record = AuditRecord.objects.filter(action="training.roster_import").latest("pk")
    assert (record.detail["left"], record.detail["expect_leavers"]) == (44, 44)


@pytest.mark.usefixtures("each_import_path")
@pytest.mark.parametrize(
    ("workers", "kept", "refused"),
    [
        (10, 5, False),  # half, but only a handful
        (60, 54, False),  # a tenth
        (60, 53, True),  # more than a tenth, and more than a handful
    ],
)
def test_a_handful_of_leavers_or_a_tenth_need_no_confirming(organisation, workers, kept, refused):
    roster_of(organisation, workers)
    result = staff_import(organisation=organisation, file=first(kept), full=True)
    assert result.imported is not refused
    assert active() == (workers if refused else kept)


@pytest.mark.usefixtures("each_import_path")
def test_an_import_that_is_not_a_whole_roster_makes_nobody_a_leaver_and_is_never_refused(
    organisation,
):
    roster_of(organisation, 50)
    result = staff_import(organisation=organisation, file=first(6, renamed=True))
    assert result.imported and result.updated == 1 and active() == 50


def test_the_command_says_how_to_go_ahead_and_goes_ahead_when_told(organisation, tmp_path):
    roster_of(organisation, 50)
    path = tmp_path / "roster.csv"
    path.write_bytes(first(6).getvalue())
    command = ["import-staff", str(path), "--organisation", "TST01", "--full"]
    with pytest.raises(CommandError) as refused:
        call_command(*command)
    assert str(refused.value).startswith(
        "Nothing was imported: as a whole roster the file would mark 44 of the organisation's "
        "50 active workers as leavers; if you expect that, import it again with "
        "--expect-leavers 44. The workers who would become leavers include W10 Fictional (5010), "
    )
    assert active() == 50
    with pytest.raises(CommandError, match="“lots” is not a number of workers"):
        call_command(*command, "--expect-leavers", "lots")
    call_command(*command, "--expect-leavers", "44")
    assert active() == 6


def test_the_api_says_how_to_go_ahead_and_goes_ahead_when_told(client_as, organisation):
    roster_of(organisation, 50)
    client = client_as(Role.ORGANISATION_ADMIN)
    body = first(6).getvalue()
    url = "/api/v1/organisations/TST01/staff?full=true"
    refused = client.post(url, body, content_type="text/csv")
    assert refused.status_code == 400
    assert refused.json()["leavers_to_confirm"] == 44
    assert (
        "; if you expect that, send it again with ?full=true&expect_leavers=44. The workers who "
        "would become leavers include W10 Fictional (5010), "
    ) in refused.json()["summary"]
    wrong = client.post(url + "&expect_leavers=all", body, content_type="text/csv")
    assert wrong.status_code == 400
    assert wrong.json() == {
        "expect_leavers": ["expect_leavers must be a number of workers, not “all”"]
    }
    assert active() == 50
    done = client.post(url + "&expect_leavers=44", body, content_type="text/csv")
    assert done.status_code == 200 and done.json()["left"] == 44
    assert active() == 6


def upload(client, address: str, **fields):
    file = SimpleUploadedFile("roster.csv", first(6).getvalue(), content_type="text/csv")
    return client.post(address, {"file": file, **fields}, follow=True).content.decode()


def test_the_upload_page_offers_the_tick_box_the_refusal_names(client_as, organisation):
    roster_of(organisation, 50)
    client = client_as(Role.ORGANISATION_ADMIN)
    page = upload(client, "/training/organisations/TST01/roster/", full="on")
    assert "Nothing was imported" in page
    assert (
        "As a whole roster the file would mark 44 of the organisation&#39;s 50 active workers as "
        "leavers; if you expect that, upload it again with “I expect 44 workers to become "
        "leavers” ticked." in page
    )
    again = re.search(r'<a href="([^"]*)">Upload the file again</a>', page).group(1)
    assert again == "/training/organisations/TST01/roster/?expect_leavers=44"

    form = client.get(again).content.decode()
    assert "I expect 44 workers to become leavers" in form
    assert re.search(r'name="full"[^>]*checked', form)  # as the refused upload was
    # Left unticked (another file, say), the safeguard stands.
    assert "Nothing was imported" in upload(client, again, full="on")
    assert active() == 50
    page = upload(client, again, full="on", expect_leavers="on")
    assert "Roster imported" in page and "44 marked as leavers" in page
    assert active() == 6


def test_the_upload_page_offers_no_tick_box_without_a_refusal(client_as, organisation):
    form = client_as(Role.ORGANISATION_ADMIN).get("/training/organisations/TST01/roster/")
    assert "to become leavers" not in form.content.decode()
    bad = client_as(Role.ORGANISATION_ADMIN).get(
        "/training/organisations/TST01/roster/?expect_leavers=-3"
    )
    assert "to become leavers" not in bad.content.decode()


def without_band(*numbers: int):
    """A file of the workers `numbers`, without the Band column."""
    lines = [",".join(worker(n).split(",")[:7] + worker(n).split(",")[8:]) for n in numbers]
    return csv_file(*lines, header=EVERY_COLUMN.replace(",Band", ""))


@pytest.mark.usefixtures("each_import_path")
def test_a_refused_whole_roster_still_names_the_columns_it_lacks(organisation):
    """A part of the roster exported with fewer columns is likely the wrong file: the refusal
    names what it lacks, as the same file imported without "whole roster" does; of workers all
    on the roster already, it says nothing of workers it adds (until 27 November 2026 it
    said "and give workers it adds none" of every refused file)."""
    roster_of(organisation, 50)
    result = staff_import(organisation=organisation, file=without_band(*range(6)), full=True)
    assert not result.imported and result.leavers_to_confirm == 44
    assert result.warnings == [
        "The file has no Band column: imported, it would leave workers' bands as they are."
    ]


@pytest.mark.usefixtures("each_import_path")
def test_a_refused_whole_roster_of_new_workers_says_only_that_they_would_have_none(
    organisation,
):
    """Of workers none of whom is on the roster, nothing would be "left as it is"."""
    roster_of(organisation, 50)
    result = staff_import(organisation=organisation, file=without_band(*range(100, 106)), full=True)
    assert not result.imported and result.leavers_to_confirm == 50
    assert result.warnings == [
        "The file has no Band column: imported, the workers it adds would have no bands."
    ]


@pytest.mark.usefixtures("each_import_path")
def test_a_refused_whole_roster_adding_some_says_both(organisation):
    roster_of(organisation, 50)
    result = staff_import(organisation=organisation, file=without_band(0, 1, 100), full=True)
    assert not result.imported
    assert result.warnings == [
        "The file has no Band column: imported, it would leave workers' bands as they are, and "
        "the worker it adds would have none."
    ]


@pytest.mark.usefixtures("each_import_path")
def test_a_file_refused_for_a_bad_row_speaks_of_both_kinds_of_worker(organisation):
    """A file refused for its rows is not written beyond them, so who is new is not counted:
    the note says what would happen to each kind of worker."""
    roster_of(organisation, 50)
    bad = without_band(0, 100).getvalue().replace(b"2024-01-01", b"2024-13-45", 1)
    result = staff_import(organisation=organisation, file=io.BytesIO(bad))
    assert not result.imported and result.bad_rows == 1
    assert result.warnings == [
        "The file has no Band column: imported, workers already on the roster would have their "
        "bands left as they are, and workers it adds would have none."
    ]


def test_expecting_leavers_without_a_whole_roster_is_refused_on_every_channel(
    client_as, organisation, tmp_path
):
    """Only a whole roster makes leavers: a number of leavers expected of any other file was
    left unread until 27 November 2026, as if it had been heeded."""
    roster_of(organisation, 50)
    path = tmp_path / "roster.csv"
    path.write_bytes(first(6, renamed=True).getvalue())
    with pytest.raises(CommandError) as refused:
        call_command("import-staff", str(path), "--organisation", "TST01", "--expect-leavers", "3")
    assert str(refused.value) == (
        "--expect-leavers only applies to a whole roster (--full): nothing was imported"
    )

    client = client_as(Role.ORGANISATION_ADMIN)
    response = client.post(
        "/api/v1/organisations/TST01/staff?expect_leavers=3",
        first(6, renamed=True).getvalue(),
        content_type="text/csv",
    )
    assert response.status_code == 400
    assert response.json() == {
        "expect_leavers": [
            "expect_leavers only applies to a whole roster (full=true): nothing was imported"
        ]
    }

    page = upload(
        client, "/training/organisations/TST01/roster/?expect_leavers=44", expect_leavers="on"
    )
    assert "<title>Error: " in page
    assert (
        "Tick “This file is our whole roster” too, or untick this: expecting leavers only "
        "applies to a whole roster"
    ) in page
    assert not StaffImport.objects.exists()
    assert not StaffRecord.objects.filter(first_name="Renamed").exists() and active() == 50
