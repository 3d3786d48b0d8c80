"""Every figure of the board report against the hand-counted half-year in the fixtures."""

from datetime import date

import pytest

from speakup.core.models import AuditRecord
from speakup.reporting.board_report import board_report
from speakup.reporting.board_report_periods import Period
from speakup.training.models import TrainingPolicy
from tests.reporting.board_report_fixtures import PUBLISHED, UNPUBLISHED, half_year_of_cases

HALF_YEAR = Period(date(2026, 4, 1), date(2026, 9, 30))


@pytest.fixture
def report(organisation, other_organisation, february_2027):
    half_year_of_cases(organisation, other_organisation)
    return board_report(organisation=organisation, period=HALF_YEAR)


def texts(lines):
    return {line.label: line.count.text for line in lines}


def test_cases_are_counted_by_quarter_with_the_total(report):
    assert texts(report.quarters) == {"Q1 2026/27": "7", "Q2 2026/27": "5"}
    assert report.total.text == "12"


def test_anonymous_share_is_worked_out_from_the_total(report):
    assert report.anonymous.count.text == "5"
    assert report.anonymous.share.text == "41.7%"


def test_elements_are_not_exclusive_and_small_ones_are_hidden(report):
    elements = {line.key: line for line in report.elements}
    assert elements["patient_safety"].count.text == "6"
    assert elements["patient_safety"].share.text == "50%"
    assert elements["bullying_harassment"].count.text == "fewer than 5"
    assert elements["bullying_harassment"].share.text == "not shown"
    assert elements["worker_safety"].count.text == "0"


def test_a_small_worker_group_hides_the_next_smallest_too(report):
    groups = {line.key: line.count.text for line in report.worker_groups}
    assert groups["ahp"] == "fewer than 5"
    assert groups["nursing_midwifery"] == "not shown"  # else 12 - 11 would give the AHP case away
    assert groups["medical_dental"] == "0"


def test_timeliness_shares_and_medians(report):
    lines = {line.key: line for line in report.timeliness}
    # 8 of 12 in time: 4 late is small, so the 8 (and its share) would give the 4 away.
    assert lines["acknowledged"].count.text == "not shown"
    assert lines["acknowledged"].share.text == "not shown"
    assert lines["feedback"].count.text == "6"
    assert lines["feedback"].share.text == "50%"
    assert report.medians["acknowledge"].text == "2 days"
    assert report.medians["feedback"].text == "30 days"


def test_open_and_overdue_now_and_who_holds_them(report):
    assert report.open_now.text == "7"  # now: the case raised after the period counts too
    assert report.overdue_now.text == "7"
    held = {row["name"]: row["held"].text for row in report.leaders_holding}
    assert held == {"Alex Leader": "not shown", "No accountable leader yet": "fewer than 5"}


def test_escalations_and_detriment(report):
    assert report.escalated_cases.text == "fewer than 5"
    assert report.escalations.text == "fewer than 5"
    assert report.detriment.count.text == "0"
    assert report.detriment.share.text == "0%"


def test_speak_up_again_answers_are_protected_as_a_table(report):
    # 5 yes and 1 no: with 6 shown, "at least 5" and "1 to 4" would pin both down.
    assert report.feedback_received.text == "not shown"
    answers = {line.key: line.count.text for line in report.feedback}
    assert answers == {
        "feedback_yes": "not shown",
        "feedback_no": "fewer than 5",
        "feedback_maybe": "0",
        "feedback_dont_know": "0",
    }


def test_only_published_learning_is_opened_and_each_opening_is_audited(report):
    assert report.learning == [PUBLISHED]
    assert UNPUBLISHED not in report.learning
    opened = AuditRecord.objects.filter(action="concern.read_published_learning")
    assert opened.count() == 1
    assert PUBLISHED not in str(opened.get().detail)


def test_comparison_with_every_organisation(report):
    rows = {c.measure: (c.organisation.text, c.national.text) for c in report.comparison}
    # 12 of 4 workers; 15 of 4: with commas, as every other count (3000 before 27 Nov 2026)
    assert rows["Cases per 1,000 workers"] == ("3,000", "3,750")
    assert rows["Raised anonymously"] == ("41.7%", "33.3%")  # 5 of 15 nationally
    assert rows["Open cases overdue now"][0] == "100%"


def test_training_and_board_follow_up_by_name(report):
    speak_up = next(m for m in report.training["modules"] if m["module"] == "speak_up")
    assert (speak_up["required"], speak_up["compliant"], speak_up["percent"]) == (4, 2, 50)
    assert [(b["name"], b["status"].status) for b in report.training["board"]] == [
        ("Bea Board", "compliant")
    ]


def test_each_modules_adoption_is_worded_as_of_today(organisation, february_2027):
    TrainingPolicy.objects.create(
        organisation=organisation,
        speak_up_mandatory=True,
        speak_up_mandatory_from=date(2026, 4, 1),
        listen_up_mandatory=True,
        listen_up_mandatory_from=date(2027, 4, 1),  # after today, 10 February 2027
    )
    report = board_report(organisation=organisation, period=HALF_YEAR)
    assert {m["module"]: m["adoption"] for m in report.training["modules"]} == {
        "speak_up": "Mandatory since 1 April 2026",
        "listen_up": "Mandatory from 1 April 2027",
        "follow_up": "Not mandatory",
    }


def test_an_organisation_with_no_data_gets_zeros(organisation, february_2027):
    empty = board_report(organisation=organisation, period=HALF_YEAR)
    assert not empty.has_cases
    assert empty.total.text == "0"
    assert empty.anonymous.share.text == "not applicable"
    assert empty.learning == []
    assert empty.training["workers"] == 0


def test_a_total_the_worker_groups_hide_is_not_given_by_the_quarters(organisation, february_2027):
    """Five nurses and one AHP: the AHP case is small, the nurses' hidden beside it, and even so
    (5 + 1 = 6, the nurses at least 5) the total must be hidden. The quarter's one row said 6,
    which gave the total, and with it the AHP case, away."""
    from tests.reporting.factories import london, make_case
    from tests.training.factories import StaffRecordFactory

    StaffRecordFactory.create_batch(80, organisation=organisation)
    for worker_group in ["nursing_midwifery"] * 5 + ["ahp"]:
        make_case(organisation, received=london(2026, 5, 6), worker_group=worker_group)
    report = board_report(organisation=organisation, period=HALF_YEAR)
    groups = {line.key: line.count.text for line in report.worker_groups}
    assert groups["ahp"] == "fewer than 5" and groups["nursing_midwifery"] == "not shown"
    assert report.total.text == "not shown"
    assert texts(report.quarters) == {"Q1 2026/27": "not shown", "Q2 2026/27": "0"}
    # Nor by a rate or share worked out from it: 6 cases of 80 workers is 75 per 1,000.
    ours = {row.measure: row.organisation.text for row in report.comparison}
    assert ours["Cases per 1,000 workers"] == "not shown"
    assert ours["Raised anonymously"] == "not shown"


@pytest.mark.parametrize(
    ("cases", "workers", "shown"),
    [(12, 4, "3,000"), (7, 11, "636.4"), (30, 100, "300"), (4000, 3, "1,333,333.3")],
)
def test_a_rate_per_thousand_is_written_as_people_read_numbers(cases, workers, shown):
    from speakup.reporting.board_report import rate_per_thousand
    from speakup.reporting.disclosure import suppress_count

    rate = rate_per_thousand(suppress_count(cases), workers)
    assert rate.text == shown  # ":g" wrote 3000 and 1.33333e+06
    assert rate.export == float(shown.replace(",", "")) or rate.export == int(
        shown.replace(",", "")
    )
