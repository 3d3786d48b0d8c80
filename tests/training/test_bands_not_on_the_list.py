"""A band that is no Agenda for Change band ("Band 10", "Consultant") is kept as written and
warned of, as an unknown staff group is; having no rank, no "Listen Up from band" rule reaches
it, so setting a rule cannot make its workers overdue at once; and the dashboard lists it after
the bands in their order."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command

from speakup.organisations.roles import Role
from speakup.training.bands import band_order, band_rank
from speakup.training.models import StaffRecord, TrainingPolicy
from speakup.training.queries import band_under_rule, organisation_compliance
from speakup.training.services import policy_update
from speakup.training.tallies import compliance_figures
from tests.training.factories import StaffRecordFactory
from tests.training.test_band_moves import roster, set_band_rule
from tests.training.test_dashboard import band_rows
from tests.training.test_promotions import import_on
from tests.training.test_roster_import import each_import_path  # noqa: F401  (a fixture)

NOT_ON_THE_LIST = (
    "Bands that are not Agenda for Change bands (Band 1 to Band 9, 8a to 8d) or VSM were kept as "
    "written, and no “Listen Up from band” rule reaches their workers (correct any that is a "
    "mistyped band): Band 10 (row 3), Consultant (rows 4 and 5)."
)


def test_only_agenda_for_change_bands_and_vsm_have_a_rank():
    assert band_rank("band 8A") == (8, "a") and band_rank("7") == (7, "")
    assert band_rank("Very Senior Manager") == (10, "")  # above band 9
    for band in ["Band 10", "Band 8", "Consultant", "Spinal point 23", ""]:
        assert band_rank(band) is None, band
    from_band_7 = TrainingPolicy(listen_up_from_band="7")
    assert band_under_rule("Band 9", from_band_7) and band_under_rule("VSM", from_band_7)
    assert not band_under_rule("Band 10", from_band_7)
    assert not band_under_rule("Band 10", TrainingPolicy(listen_up_from_band="1"))


def test_bands_sort_in_agenda_for_change_order_then_the_others_then_none():
    bands = ["", "Consultant", "Band 10", "VSM", "Band 9", "Band 8a", "Band 2", "apprentice"]
    assert sorted(bands, key=band_order) == [
        "Band 2", "Band 8a", "Band 9", "VSM", "apprentice", "Band 10", "Consultant", "",
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.usefixtures("each_import_path")
def test_a_band_not_on_the_list_is_kept_as_written_and_warned_of(organisation):
    result = import_on(
        organisation,
        "2026-11-27 12:00Z",
        roster(Ada="Band 10", Bryn="Consultant", Cora="consultant", Dev="band 7", Eve=""),
    )
    bands = dict(StaffRecord.objects.values_list("first_name", "band"))
    assert bands == {
        "Mona": "Band 8a",
        "Ada": "Band 10",
        "Bryn": "Consultant",
        "Cora": "consultant",
        "Dev": "Band 7",
        "Eve": "",
    }
    # Bands are kept as written, so each spelling is counted apart, as staff groups are.
    assert result.unknown_bands == {"Band 10": 1, "Consultant": 1, "consultant": 1}
    again = import_on(
        organisation,
        "2026-11-27 12:00Z",
        roster(Ada="Band 10", Bryn="Consultant", Cora="Consultant"),
    )
    assert again.unknown_bands == {"Band 10": 1, "Consultant": 2}
    assert again.warnings[-1] == NOT_ON_THE_LIST
    assert again.as_dict()["unknown_bands"] == {"Band 10": 1, "Consultant": 2}  # the API's
    corrected = import_on(organisation, "2026-11-27 12:00Z", roster(Ada="Band 9"))
    assert corrected.unknown_bands == {}
    assert not any("Agenda for Change" in warning for warning in corrected.warnings)


@pytest.mark.django_db
@pytest.mark.usefixtures("each_import_path")
def test_a_band_rule_set_later_makes_nobody_overdue_at_once_and_leaves_out_bands_not_on_the_list(
    organisation,
):
    """The tester's case: "Band 10" ranked above Band 9, so "from Band 7 up" reached it, with no
    day recorded for it: its worker, here since 2019, was overdue at once, while the Band 7 and
    Band 9 workers the rule brought in were due in 30 days."""
    import_on(organisation, "2026-06-01 12:00Z", roster(Ada="Band 10", Bryn="Band 7", Cora="9"))
    with time_machine.travel("2026-11-27 12:00Z", tick=False):
        policy_update(organisation=organisation, listen_up_from_band="7")  # nobody made late
        today = datetime.date(2026, 11, 27)
        workers = {
            worker.record["first_name"]: worker.status_of("listen_up")
            for worker in organisation_compliance(organisation=organisation, today=today)
        }
        figures = compliance_figures(organisation=organisation, today=today)
    assert not workers["Ada"].required
    for name in ["Bryn", "Cora"]:
        assert workers[name].status == "due"
        assert workers[name].due_on == datetime.date(2026, 12, 27)
    assert workers["Mona"].status == "overdue"  # a line manager since 2019: late before too
    listen_up = figures["summary"]["modules"][1]
    assert (listen_up["required"], listen_up["due"], listen_up["overdue"]) == (3, 2, 1)
    by_band = {row["value"]: row["listen_up"]["required"] for row in figures["breakdowns"]["band"]}
    assert by_band == {"Band 7": 1, "Band 8a": 1, "Band 9": 1, "Band 10": 0}


@pytest.mark.django_db
@pytest.mark.usefixtures("each_import_path")
def test_a_band_corrected_into_the_rule_is_due_from_the_import_and_one_mistyped_leaves_it(
    organisation,
):
    set_band_rule(organisation, "2026-06-01 12:00Z", "7")
    import_on(organisation, "2026-06-01 12:00Z", roster(Ada="Band 10", Bryn="Band 8a"))
    import_on(organisation, "2026-11-27 12:00Z", roster(Ada="Band 9", Bryn="Band 11"))
    records = {record.first_name: record for record in StaffRecord.objects.all()}
    ada, bryn = records["Ada"], records["Bryn"]
    # Ada's band, corrected, comes under the rule today: due in 30 days, not overdue since 2019.
    assert (ada.band_since, ada.band_ended) == (datetime.date(2026, 11, 27), None)
    # Bryn's, mistyped, leaves it: his day is kept, ended today, for when it is corrected.
    assert (bryn.band_since, bryn.band_ended) == (
        datetime.date(2026, 6, 1),
        datetime.date(2026, 11, 27),
    )
    with time_machine.travel("2026-11-27 12:00Z", tick=False):
        workers = {
            worker.record["first_name"]: worker.status_of("listen_up")
            for worker in organisation_compliance(
                organisation=organisation, today=datetime.date(2026, 11, 27)
            )
        }
    assert workers["Ada"].due_on == datetime.date(2026, 12, 27)
    assert not workers["Bryn"].required


@pytest.mark.django_db
@time_machine.travel("2026-11-27 12:00Z", tick=False)
def test_the_dashboard_lists_bands_in_agenda_for_change_order_then_the_others_then_none(
    client_as, organisation
):
    for band in ["Band 10", "Band 2", "", "Consultant", "VSM", "Band 9", "Band 8a", "Band 7"]:
        StaffRecordFactory(organisation=organisation, band=band)
    page = client_as(Role.ORGANISATION_ADMIN).get("/training/organisations/TST01/")
    assert list(band_rows(page.content.decode())) == [
        "Band 2", "Band 7", "Band 8a", "Band 9", "VSM", "Band 10", "Consultant", "Not given",
    ]  # fmt: skip


@pytest.mark.django_db
@time_machine.travel("2026-11-27 12:00Z", tick=False)
def test_the_api_and_the_command_name_the_bands_not_on_the_list(
    client_as, organisation, tmp_path, capsys
):
    file = roster(Ada="Band 10").getvalue()
    client = client_as(Role.ORGANISATION_ADMIN)
    answer = client.post("/api/v1/organisations/TST01/staff", file, content_type="text/csv")
    assert answer.status_code == 200
    assert answer.json()["unknown_bands"] == {"Band 10": 1}
    path = tmp_path / "roster.csv"
    path.write_bytes(file)
    call_command("import-staff", str(path), "--organisation", "TST01")
    assert "Warning: Bands that are not Agenda for Change bands" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_upload_page_says_which_bands_are_kept_as_written(client_as, organisation):
    page = client_as(Role.ORGANISATION_ADMIN).get("/training/organisations/TST01/roster/")
    text = re.sub(r"\s+", " ", page.content.decode())
    assert "So are bands that are not Agenda for Change bands" in text
    assert "no “Listen Up from band” rule reaches their workers" in text
