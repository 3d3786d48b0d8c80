"""A role, or a band under the "Listen Up from band" rule, taken away and given back within a
year is the same one: a line manager overdue on Listen Up stays overdue. Before, a roster
upload without the role and the next with it (or the band rule turned off and on again on the
policy page) made them "due" with 30 fresh days, and an organisation's overdue figures fell to
nothing (ADR 0016). Given back after more than a year, the role is new, dated that day."""

import csv
import datetime
import html
import io
import re

import pytest
import time_machine

from speakup.organisations.roles import Role
from speakup.training.models import StaffRecord, TrainingPolicy
from tests.conftest import sign_in
from tests.organisations.factories import UserFactory
from tests.training import test_band_moves
from tests.training.test_policy_makes_workers_late import AS_IT_IS, POLICY_PAGE, confirming
from tests.training.test_promotions import import_on, roster, save_in_the_admin
from tests.training.test_roster_import import each_import_path  # noqa: F401  (a fixture)
from tests.training.test_tallies import python_counts, sql_counts

TODAY = datetime.date(2026, 11, 27)
NOON = "2026-11-27 12:00Z"


def page_text(client, user) -> str:
    page = sign_in(client, user).get("/").content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def csv_rows(client) -> dict[str, dict[str, str]]:
    response = client.get("/training/organisations/TST01/compliance.csv")
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return {row["Name"]: row for row in rows}


def listen_up_counts(client) -> tuple[int, int]:
    body = client.get("/api/v1/organisations/TST01/training/compliance").json()
    listen = next(row for row in body["modules"] if row["module"] == "listen_up")
    return listen["due"], listen["overdue"]


def linked(first_name: str):
    user = UserFactory(email=f"{first_name.lower()}@fictional.test")
    StaffRecord.objects.filter(first_name=first_name).update(user=user)
    return user


@pytest.mark.django_db
@pytest.mark.usefixtures("each_import_path")
def test_a_line_manager_taken_off_and_put_back_on_the_roster_within_a_year_stays_overdue(
    client, client_as, organisation
):
    # Ada, a line manager since 2019, has never taken Listen Up: overdue since May 2019. One
    # upload takes her line management away; a week later the next gives it back.
    import_on(organisation, "2026-06-01 12:00Z", roster(Ada="YNN", Mona="YNN"))
    import_on(organisation, "2026-11-20 12:00Z", roster(Ada="NNN", Mona="YNN"))
    import_on(organisation, NOON, roster(Ada="YNN", Mona="YNN"))
    ada = StaffRecord.objects.get(first_name="Ada")
    assert (ada.line_manager_since, ada.line_manager_ended) == (None, None)
    with time_machine.travel(NOON, tick=False):
        shown = page_text(client, linked("Ada"))
        assert "Listen Up Overdue Line managers take Listen Up; was due by 1 May 2019." in shown
        guardian = client_as(Role.GUARDIAN)
        row = csv_rows(guardian)["Ada Fictional"]
        assert (row["Listen Up status"], row["Listen Up due by"]) == ("Overdue", "2019-05-01")
        assert listen_up_counts(guardian) == (0, 2)
        assert sql_counts(organisation, TODAY) == python_counts(organisation, TODAY)


@pytest.mark.django_db
@pytest.mark.usefixtures("each_import_path")
def test_a_role_given_back_after_more_than_a_year_is_new_and_due_in_30_days(
    client, client_as, organisation
):
    # Both line managers since 2019, overdue. Cora's role ends on 27 November 2025, exactly a
    # year before it is given back: still hers. Ada's ends a day earlier: a new role.
    import_on(organisation, "2025-06-01 12:00Z", roster(Ada="YNN", Cora="YNN"))
    import_on(organisation, "2025-11-26 12:00Z", roster(Ada="NNN", Cora="YNN"))
    import_on(organisation, "2025-11-27 12:00Z", roster(Ada="NNN", Cora="NNN"))
    import_on(organisation, NOON, roster(Ada="YNN", Cora="YNN"))
    with time_machine.travel(NOON, tick=False):
        shown = page_text(client, linked("Ada"))
        assert "Listen Up Due Line managers take Listen Up; due by 27 December 2026." in shown
        rows = csv_rows(client_as(Role.GUARDIAN))
        assert (rows["Ada Fictional"]["Listen Up status"]) == "Due"
        assert (rows["Ada Fictional"]["Listen Up due by"]) == "2026-12-27"
        assert (rows["Cora Fictional"]["Listen Up status"]) == "Overdue"
        assert sql_counts(organisation, TODAY) == python_counts(organisation, TODAY)


@pytest.mark.django_db
def test_a_role_taken_away_and_given_back_in_the_admin_stays_overdue(client, organisation):
    import_on(organisation, "2026-06-01 12:00Z", roster(Ada="YNN"))
    operator = UserFactory(is_superuser=True, is_staff=True)
    with time_machine.travel("2026-11-20 12:00Z", tick=False):
        sign_in(client, operator)
        save_in_the_admin(client, StaffRecord.objects.get(), is_line_manager=False)
    with time_machine.travel(NOON, tick=False):
        sign_in(client, operator)
        save_in_the_admin(client, StaffRecord.objects.get(), is_line_manager=True)
        page = client.get(f"/admin/training/staffrecord/{StaffRecord.objects.get().pk}/change/")
        assert 'name="line_manager_ended"' not in page.content.decode()  # shown, never typed
        shown = page_text(client, linked("Ada"))
    assert "Listen Up Overdue Line managers take Listen Up; was due by 1 May 2019." in shown


@pytest.mark.django_db
@pytest.mark.usefixtures("each_import_path")
def test_a_worker_moved_out_of_the_band_rule_and_back_within_a_year_stays_overdue(
    client, organisation
):
    # "From Band 7 up" since 1 June: Ada, in Band 7 since 2019, was due by 1 July. Moved to
    # Band 6 and back (to Band 8a, also under the rule) a week later, she is still overdue.
    test_band_moves.set_band_rule(organisation, "2026-06-01 12:00Z", "7")
    import_on(organisation, "2026-06-01 12:00Z", test_band_moves.roster(Ada="Band 7"))
    import_on(organisation, "2026-11-20 12:00Z", test_band_moves.roster(Ada="Band 6"))
    import_on(organisation, NOON, test_band_moves.roster(Ada="Band 8a"))
    with time_machine.travel(NOON, tick=False):
        shown = page_text(client, linked("Ada"))
    assert "Everyone from Band 7 up takes Listen Up; was due by 1 July 2026." in shown
    ada = StaffRecord.objects.get(first_name="Ada")
    assert (ada.band_since, ada.band_ended) == (datetime.date(2026, 6, 1), None)


def set_band_rule_on_the_page(client, from_band: str) -> str:
    """Post the policy page with the band rule, going ahead if it asks; its question, if any."""
    form = {**AS_IT_IS, "listen_up_from_band": from_band}
    response = client.post(POLICY_PAGE, form)
    if response.status_code == 302:
        return ""
    asked = html.unescape(response.content.decode())
    assert client.post(POLICY_PAGE, {**form, **confirming(asked)}).status_code == 302
    return asked


@pytest.mark.django_db
def test_the_band_rule_turned_off_and_on_on_the_policy_page_keeps_its_workers_overdue(
    client_as, organisation
):
    with time_machine.travel("2026-01-01 12:00Z", tick=False):
        set_band_rule_on_the_page(client_as(Role.ORGANISATION_ADMIN), "7")
    import_on(organisation, "2026-01-01 12:00Z", test_band_moves.roster(Ada="Band 7"))
    with time_machine.travel("2026-11-20 12:00Z", tick=False):
        client = client_as(Role.ORGANISATION_ADMIN)
        # Ada, due by 31 January, and Mona, a line manager since 2019.
        assert listen_up_counts(client) == (0, 2)
        assert set_band_rule_on_the_page(client, "") == ""
        assert listen_up_counts(client) == (0, 1)
    with time_machine.travel(NOON, tick=False):
        client = client_as(Role.ORGANISATION_ADMIN)
        asked = set_band_rule_on_the_page(client, "7")
        # The admin is told what turning it back on means: Ada is overdue again at once.
        assert "This change would make 1 worker overdue or expired at once" in asked
        assert listen_up_counts(client) == (0, 2)
        row = csv_rows(client)["Ada Fictional"]
        assert (row["Listen Up status"], row["Listen Up due by"]) == ("Overdue", "2026-01-31")
        assert sql_counts(organisation, TODAY) == python_counts(organisation, TODAY)
    policy = TrainingPolicy.objects.get()
    assert policy.listen_up_band_since["7"] == "2026-01-01"
    assert policy.listen_up_band_ended == {}


@pytest.mark.django_db
def test_the_band_rule_turned_on_again_after_more_than_a_year_dates_its_bands_afresh(
    client_as, organisation
):
    with time_machine.travel("2025-01-01 12:00Z", tick=False):
        set_band_rule_on_the_page(client_as(Role.ORGANISATION_ADMIN), "7")
    import_on(organisation, "2025-01-01 12:00Z", test_band_moves.roster(Ada="Band 7"))
    with time_machine.travel("2025-11-20 12:00Z", tick=False):
        set_band_rule_on_the_page(client_as(Role.ORGANISATION_ADMIN), "")
    with time_machine.travel(NOON, tick=False):
        client = client_as(Role.ORGANISATION_ADMIN)
        assert set_band_rule_on_the_page(client, "7") == ""  # nobody late at once: saved
        assert listen_up_counts(client) == (1, 1)  # Ada due; Mona, her line manager, overdue
        row = csv_rows(client)["Ada Fictional"]
        assert (row["Listen Up status"], row["Listen Up due by"]) == ("Due", "2026-12-27")
