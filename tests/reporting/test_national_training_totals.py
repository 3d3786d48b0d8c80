"""The national view's training figures in one aggregate query agree with a plain reference."""

import datetime
from collections import defaultdict

import pytest
from django.db.models import Count, Exists, OuterRef, Q

from speakup.training import national
from speakup.training.content import MODULE_ORDER
from speakup.training.models import Completion, Module, StaffRecord, TrainingPolicy
from speakup.training.queries import _add_years, follow_up_completed_on
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.training.factories import CompletionFactory, StaffRecordFactory, TrainingPolicyFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 2, 10)


def reference_modules(*, today: datetime.date) -> dict:
    """{organisation_id: {module: (required, compliant)}}, written plainly with the ORM (a
    correlated lookup per worker: too slow for England, right for checking). The national rules:
    required by role flags on the active roster; compliant with a completion of the module
    within the organisation's refresher period. One query per distinct refresher policy.
    """
    flags = {
        Module.SPEAK_UP: Q(),
        Module.LISTEN_UP: Q(is_line_manager=True)
        | Q(is_senior_leader=True)
        | Q(is_board_member=True),
        Module.FOLLOW_UP: Q(is_senior_leader=True) | Q(is_board_member=True),
    }
    default = TrainingPolicy()
    refreshers = {
        row["organisation_id"]: tuple(row[f"{m}_refresher_years"] for m in MODULE_ORDER)
        for row in TrainingPolicy.objects.values(
            "organisation_id", *(f"{m}_refresher_years" for m in MODULE_ORDER)
        )
    }
    default_years = tuple(getattr(default, f"{m}_refresher_years") for m in MODULE_ORDER)
    groups: dict[tuple, list[int] | None] = defaultdict(list)
    for organisation_id, years in refreshers.items():
        if years != default_years:
            groups[years].append(organisation_id)
    result: dict = defaultdict(dict)
    for years, ids in [(default_years, None), *groups.items()]:
        records = StaffRecord.objects.filter(active=True)
        records = (
            records.filter(organisation_id__in=ids)
            if ids is not None
            else records.exclude(organisation_id__in=[i for g in groups.values() for i in g])
        )
        annotations = {}
        for module, refresher in zip(MODULE_ORDER, years, strict=True):
            done = Completion.objects.filter(module=module, completed_on__lte=today)
            if refresher is not None:
                done = done.filter(completed_on__gt=_add_years(today, -refresher))
            annotations[f"{module}_done"] = Exists(
                done.filter(Q(staff_record=OuterRef("pk")) | Q(user_id=OuterRef("user_id")))
            )
        rows = (
            records.annotate(**annotations)
            .values("organisation_id")
            .annotate(
                **{
                    f"{module}_{what}": Count("id", filter=flags[module] & extra)
                    for module in MODULE_ORDER
                    for what, extra in (
                        ("required", Q()),
                        ("compliant", Q(**{f"{module}_done": True})),
                    )
                }
            )
            .order_by()
        )
        for row in rows:
            result[row["organisation_id"]] = {
                module: (row[f"{module}_required"], row[f"{module}_compliant"])
                for module in MODULE_ORDER
            }
    return result


def reference_board(*, today: datetime.date) -> dict:
    """{organisation_id: (board members on the roster, with a Follow Up completion)}."""
    done = Completion.objects.filter(module=Module.FOLLOW_UP, completed_on__lte=today).filter(
        Q(staff_record=OuterRef("pk")) | Q(user_id=OuterRef("user_id"))
    )
    rows = (
        StaffRecord.objects.filter(active=True, is_board_member=True)
        .annotate(done=Exists(done))
        .values("organisation_id")
        .annotate(members=Count("id"), completed=Count("id", filter=Q(done=True)))
        .order_by()
    )
    return {row["organisation_id"]: (row["members"], row["completed"]) for row in rows}


@pytest.fixture
def rosters():
    """Three organisations with different refresher policies and workers trained every way."""
    default = OrganisationFactory(ods_code="DEF01")
    yearly = OrganisationFactory(ods_code="ONE01")
    never = OrganisationFactory(ods_code="NEV01")
    TrainingPolicyFactory(organisation=yearly, speak_up_refresher_years=1)
    TrainingPolicyFactory(organisation=never, speak_up_refresher_years=None)
    for organisation in (default, yearly, never):
        recent = StaffRecordFactory(organisation=organisation, is_line_manager=True)
        old = StaffRecordFactory(organisation=organisation, is_board_member=True)
        by_account = StaffRecordFactory(organisation=organisation, user=UserFactory())
        StaffRecordFactory(organisation=organisation, active=False)
        CompletionFactory(staff_record=recent, completed_on=datetime.date(2026, 12, 1))
        CompletionFactory(staff_record=recent, module="listen_up", completed_on=TODAY)
        CompletionFactory(staff_record=old, completed_on=datetime.date(2025, 6, 1))
        CompletionFactory(
            staff_record=None,
            user=by_account.user,
            organisation=organisation,
            completed_on=datetime.date(2026, 1, 1),
        )
        CompletionFactory(
            staff_record=old, module="follow_up", completed_on=datetime.date(2028, 1, 1)
        )
        board = StaffRecordFactory(organisation=organisation, is_board_member=True)
        CompletionFactory(staff_record=board, module="follow_up", completed_on=TODAY)
    return default, yearly, never


def test_one_query_gives_the_same_counts_whatever_the_refresher_policy(rosters):
    default, yearly, never = rosters
    counts = national.training_counts_by_organisation(today=TODAY)
    totals = {
        organisation_id: {
            module: (mine[f"{module}_required"], mine[f"{module}_compliant"])
            for module in MODULE_ORDER
        }
        for organisation_id, mine in counts.items()
    }
    assert totals == {k: dict(v) for k, v in reference_modules(today=TODAY).items()}
    assert totals[default.pk]["speak_up"] == (4, 3)
    assert totals[yearly.pk]["speak_up"] == (4, 1)  # only December 2026 is within a year
    assert totals[never.pk]["speak_up"] == (4, 3)
    assert totals[default.pk]["follow_up"] == (2, 1)  # not the completion dated after today


def test_the_national_counts_give_workers_and_the_boards_follow_up(rosters):
    default, yearly, never = rosters
    counts = national.training_counts_by_organisation(today=TODAY)
    board = reference_board(today=TODAY)
    for organisation in rosters:
        mine = counts[organisation.pk]
        assert mine["workers"] == 4
        assert (mine["board_members"], mine["board_completed"]) == board[organisation.pk] == (2, 1)
    assert counts[yearly.pk]["speak_up_compliant"] == 1


def test_the_follow_up_lookup_by_email_answers_as_it_does_for_one_person():
    account = UserFactory(email="Chair@Fictional.test")
    record = StaffRecordFactory(email="chair@fictional.TEST")
    elsewhere = StaffRecordFactory(email="chair@fictional.test")
    CompletionFactory(staff_record=record, module="speak_up")
    CompletionFactory(
        staff_record=None,
        user=account,
        organisation=record.organisation,
        module="listen_up",
        completed_on=datetime.date(2025, 1, 1),
    )
    CompletionFactory(
        staff_record=elsewhere, module="follow_up", completed_on=datetime.date(2025, 2, 1)
    )
    half = StaffRecordFactory(email="half@fictional.test")
    CompletionFactory(staff_record=half, module="follow_up")
    emails = ["CHAIR@fictional.test ", "half@fictional.test", "nobody@fictional.test", ""]
    answers = national.follow_up_completed_on_many(emails=emails)
    # Keys lower-cased and stripped; an empty email is not asked about.
    asked = ["chair@fictional.test", "half@fictional.test", "nobody@fictional.test"]
    assert answers == {email: follow_up_completed_on(email=email) for email in asked}
    assert answers["chair@fictional.test"] == datetime.date(2025, 2, 1)
    assert answers["half@fictional.test"] is None  # Follow Up without Speak Up and Listen Up
