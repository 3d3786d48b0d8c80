"""A policy change that would make workers' training overdue or expired at once (a shorter
refresher or due period, a wider Listen Up band rule) is not saved until the admin says they
expect it, as a whole roster making many leavers is not imported (roster.importing.MANY_LEAVERS)."""

import datetime
import html
import re

import pytest
import time_machine
from django.utils import timezone

from speakup.core.models import AuditRecord
from speakup.core.names import name_order
from speakup.organisations.roles import Role
from speakup.training import content
from speakup.training.bands import bands_from
from speakup.training.content import MODULE_ORDER
from speakup.training.models import StaffRecord, TrainingPolicy
from speakup.training.presenters import late_workers_named
from speakup.training.queries import LATE, organisation_compliance, policy_for
from speakup.training.services import LateWorkersToConfirm, policy_update
from speakup.training.tallies import LATE_WORKERS_NAMED, MadeLate, newly_late
from tests.organisations.factories import OrganisationFactory
from tests.training.factories import CompletionFactory, StaffRecordFactory, TrainingPolicyFactory
from tests.training.test_tallies import build_roster

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)
POLICY_PAGE = "/training/organisations/TST01/policy/"
AS_IT_IS = {
    "speak_up_refresher_years": "3",
    "listen_up_refresher_years": "3",
    "follow_up_refresher_years": "3",
    "new_starter_due_days": "30",
    "board_follow_up_due_days": "90",
}
frozen = time_machine.travel(datetime.datetime(2026, 11, 26, 12, tzinfo=datetime.UTC), tick=False)


def speak_up_done(organisation, completed_on, **worker):
    record = StaffRecordFactory(organisation=organisation, **worker)
    CompletionFactory(staff_record=record, completed_on=completed_on)
    return record


@pytest.fixture
def roster(organisation):
    """Speak Up done 22 months ago (a 1-year refresher expires it), 6 months ago (still
    valid), 4 years ago (expired already), and a new starter due by 1 December."""
    speak_up_done(organisation, datetime.date(2025, 1, 10), first_name="Ada")
    speak_up_done(organisation, datetime.date(2026, 6, 1), first_name="Bryn")
    speak_up_done(organisation, datetime.date(2022, 11, 1), first_name="Cora")
    StaffRecordFactory(
        organisation=organisation, first_name="Dev", assignment_start=datetime.date(2026, 11, 1)
    )


def by_name(record: StaffRecord) -> tuple[str, ...]:
    return name_order(
        last_name=record.last_name, first_name=record.first_name, number=record.employee_number
    )


def speak_up_counts(client) -> tuple[int, int]:
    api = client.get("/api/v1/organisations/TST01/training/compliance").json()
    row = next(row for row in api["modules"] if row["module"] == "speak_up")
    return row["overdue"], row["expired"]


def late_table(page: str) -> list[list[str]]:
    table = re.search(r"<table.*?</table>", page, re.S).group(0)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody")[1], re.S)
    cells = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in rows]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in row] for row in cells]


def confirming(page: str) -> dict[str, str]:
    """The hidden numbers of the page's tick box, ticked."""
    hidden = re.findall(r'<input type="hidden" name="(expect-[a-z_]+)" value="(\d+)"', page)
    return {**dict(hidden), "expect-late": "on"}


@frozen
def test_a_shorter_refresher_is_not_saved_until_the_admin_expects_the_workers_it_expires(
    client_as, organisation, roster
):
    client = client_as(Role.ORGANISATION_ADMIN)
    assert speak_up_counts(client) == (0, 1)
    response = client.post(POLICY_PAGE, {**AS_IT_IS, "speak_up_refresher_years": "1"})
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "<title>Your training policy: not saved yet" in page
    assert "This change would make 1 worker overdue or expired at once" in page
    ada = StaffRecord.objects.get(first_name="Ada")
    assert f"That worker is Ada Fictional ({ada.employee_number})." in page
    assert "Your policy has not been saved" in page
    assert late_table(page) == [
        ["Speak Up", "0", "1"],
        ["Listen Up", "0", "0"],
        ["Follow Up", "0", "0"],
    ]
    tick = re.search(r'<input[^>]*name="expect-late"[^>]*>', page).group(0)
    assert "checked" not in tick
    assert "I expect 1 worker to become overdue or expired" in page
    assert 'value="1"' in re.search(r'<input[^>]*name="speak_up_refresher_years"[^>]*>', page)[0]
    assert not TrainingPolicy.objects.exists() and speak_up_counts(client) == (0, 1)

    response = client.post(
        POLICY_PAGE, {**AS_IT_IS, "speak_up_refresher_years": "1", **confirming(page)}
    )
    assert response.status_code == 302
    assert TrainingPolicy.objects.get().speak_up_refresher_years == 1
    assert speak_up_counts(client) == (0, 2)
    audit = AuditRecord.objects.filter(action="training.policy_update").latest("id")
    assert audit.detail["made_late"] == {"speak_up": 1, "listen_up": 0, "follow_up": 0}


@frozen
def test_the_workers_a_change_would_make_late_are_named_with_the_accents_ignored(
    client_as, organisation
):
    """ "Ångström" came after "Smith", and "de Vries" after every capital, on SQLite."""
    for last in ["Smith", "de Vries", "Ångström", "Øberg"]:
        speak_up_done(organisation, datetime.date(2025, 1, 10), first_name="Al", last_name=last)
    client = client_as(Role.ORGANISATION_ADMIN)
    page = html.unescape(
        client.post(POLICY_PAGE, {**AS_IT_IS, "speak_up_refresher_years": "1"}).content.decode()
    )
    named = re.search(r"They are (.*?)\.", page)[1]
    assert re.findall(r"Al ([^(]+?) \(", named) == ["Ångström", "de Vries", "Øberg", "Smith"]


@frozen
def test_the_numbers_expected_are_a_ceiling_so_a_change_making_more_late_is_asked_again(
    client_as, organisation, roster
):
    client = client_as(Role.ORGANISATION_ADMIN)
    shorter = {**AS_IT_IS, "speak_up_refresher_years": "1"}
    first = client.post(POLICY_PAGE, shorter).content.decode()
    # Ticked, but with the new starters' days shortened too: Dev is overdue as well.
    again = client.post(POLICY_PAGE, {**shorter, "new_starter_due_days": "14", **confirming(first)})
    page = html.unescape(again.content.decode())
    assert again.status_code == 200
    assert "This change would make 2 workers overdue or expired at once" in page
    ada, dev = (StaffRecord.objects.get(first_name=name) for name in ("Ada", "Dev"))
    assert (
        f"They are Ada Fictional ({ada.employee_number}) and Dev Fictional "
        f"({dev.employee_number})." in page
    )
    assert late_table(page)[0] == ["Speak Up", "1", "1"]
    assert "checked" not in re.search(r'<input[^>]*name="expect-late"[^>]*>', page)[0]
    assert not TrainingPolicy.objects.exists()
    # Unticked, the numbers alone let nothing through.
    unticked = {k: v for k, v in confirming(page).items() if k != "expect-late"}
    assert client.post(POLICY_PAGE, {**shorter, **unticked}).status_code == 200
    assert not TrainingPolicy.objects.exists()


@frozen
def test_a_change_that_makes_nobody_late_is_saved_at_once(client_as, organisation, roster):
    client = client_as(Role.ORGANISATION_ADMIN)
    page = client.get(POLICY_PAGE).content.decode()
    assert "expect-late" not in page
    response = client.post(
        POLICY_PAGE,
        {
            **AS_IT_IS,
            "speak_up_refresher_years": "5",  # Cora's 2022 completion counts again
            "new_starter_due_days": "60",
            "speak_up_mandatory": "on",
            "speak_up_mandatory_from_day": "1",
            "speak_up_mandatory_from_month": "4",
            "speak_up_mandatory_from_year": "2026",
        },
    )
    assert response.status_code == 302
    assert TrainingPolicy.objects.get().speak_up_refresher_years == 5
    assert speak_up_counts(client) == (0, 0)
    audit = AuditRecord.objects.filter(action="training.policy_update").latest("id")
    assert "made_late" not in audit.detail


@frozen
def test_widening_the_band_rule_makes_nobody_late_at_once_so_it_saves(organisation):
    """A band brought under the rule today is due in the new starters' days, and so is a worker
    whose Listen Up ran out before then (ADR 0015: training done before never leaves a worker
    worse off than none), so the change asks nothing."""
    lapsed = StaffRecordFactory(organisation=organisation, band="Band 6")
    CompletionFactory(
        staff_record=lapsed, module="listen_up", completed_on=datetime.date(2022, 1, 4)
    )
    StaffRecordFactory(organisation=organisation, band="Band 7")  # due by 26 December
    StaffRecordFactory(organisation=organisation, band="Band 3")
    policy_update(organisation=organisation, listen_up_from_band="6")
    assert TrainingPolicy.objects.get().listen_up_from_band == "6"
    statuses = [
        worker.status_of("listen_up").status
        for worker in organisation_compliance(organisation=organisation)
    ]
    assert sorted(statuses) == ["due", "due", "not_required"]


@frozen
def test_a_worker_late_on_two_modules_is_one_worker(organisation):
    leader = StaffRecordFactory(organisation=organisation, is_line_manager=True)
    for module in ("speak_up", "listen_up"):
        CompletionFactory(
            staff_record=leader, module=module, completed_on=datetime.date(2025, 1, 4)
        )
    with pytest.raises(LateWorkersToConfirm) as refusal:
        policy_update(
            organisation=organisation, speak_up_refresher_years=1, listen_up_refresher_years=1
        )
    late = refusal.value.late
    assert (late.of_module("speak_up"), late.of_module("listen_up"), late.workers) == (1, 1, 1)


CHANGES = [
    {"speak_up_refresher_years": 1, "listen_up_refresher_years": 2},
    {"new_starter_due_days": 10, "board_follow_up_due_days": 20, "follow_up_refresher_years": 1},
    {"listen_up_from_band": "5", "speak_up_refresher_years": None, "listen_up_refresher_years": 2},
    {"new_starter_due_days": 90, "follow_up_refresher_years": 1, "listen_up_from_band": "3"},
]


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize("day", ["2025-06-01", "2028-02-29"])
def test_the_workers_made_late_in_sql_agree_with_the_rules_for_each_worker(
    change, day, monkeypatch
):
    monkeypatch.setattr(content, "superseded_versions", lambda module: ("0", "1"))
    with time_machine.travel(datetime.datetime.fromisoformat(f"{day}T12:00:00+00:00"), tick=False):
        today = timezone.localdate()
        organisation, other = OrganisationFactory(), OrganisationFactory()
        TrainingPolicyFactory(organisation=organisation, listen_up_from_band="7")
        build_roster(organisation, other, today)
        before = policy_for(organisation=organisation)
        after = policy_for(organisation=organisation)
        for name, value in change.items():
            setattr(after, name, value)
        # The bands a change brings under the Listen Up rule come under it today.
        newly_covered = set(bands_from(after.listen_up_from_band)) - set(bands_from("7"))
        after.listen_up_band_since = dict.fromkeys(newly_covered, today.isoformat())

        found = newly_late(organisation=organisation, before=before, after=after, today=today)

        was = organisation_compliance(organisation=organisation, today=today, policy=before)
        will = organisation_compliance(organisation=organisation, today=today, policy=after)
        expected = {module: {"overdue": 0, "expired": 0} for module in MODULE_ORDER}
        workers, late_ids = 0, set()
        for old, new in zip(was, will, strict=True):
            made_late = False
            for module in MODULE_ORDER:
                status = new.status_of(module).status
                if status in LATE and old.status_of(module).status not in LATE:
                    expected[module][status] += 1
                    made_late = True
            workers += made_late
            if made_late:
                late_ids.add(new.record["id"])
        assert found.modules == expected
        assert found.workers == workers
        assert workers > 0
        # The workers named are the first made late by id, by the rules too, in name order.
        named = StaffRecord.objects.filter(pk__in=sorted(late_ids)[:LATE_WORKERS_NAMED])
        assert found.named == tuple(map(str, sorted(named, key=by_name)))
        assert len(found.named) == min(workers, LATE_WORKERS_NAMED)


def test_many_workers_made_late_are_named_up_to_ten_and_the_rest_counted():
    named = tuple(f"Worker{n} Fictional (100{n})" for n in range(LATE_WORKERS_NAMED))
    late = MadeLate(modules={}, workers=12, named=named)
    assert late_workers_named(late) == (
        "They include Worker0 Fictional (1000), Worker1 Fictional (1001), "
        + ", ".join(named[2:])
        + " and 2 more workers."
    )
