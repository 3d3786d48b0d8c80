"""The NHS.UK date input: every form asks for a date as day, month and year boxes."""

import datetime
import importlib
import pkgutil
import re

import pytest
import time_machine
from django import forms
from django.template import engines

from speakup.core.forms import DateField, date_field, error_links, future_date_example
from speakup.training.forms import TrainingPolicyForm
from speakup.training.models import TrainingPolicy


class HolidayForm(forms.Form):
    starts = date_field("Start date")
    ends = date_field("End date", called="the last day", required=False)


HUGE = "99999999999999999999"  # too big for a date's day or month: not a crash, a mistake


def boxes(name, day, month, year):
    """What was typed, right or wrong (tests.conftest.date_boxes posts a real date)."""
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def render(form, name):
    template = engines["jinja2"].from_string("{{ form_field(form[name]) }}")
    return template.render({"form": form, "name": name})


def test_three_boxes_give_the_date():
    form = HolidayForm(boxes("starts", "5", "01", "2026"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"starts": datetime.date(2026, 1, 5), "ends": None}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("", "", ""), "Enter the start date"),
        (("5", "", ""), "The start date must include a month and year"),
        (("", "4", "2026"), "The start date must include a day"),
        (("30", "2", "2026"), "The start date must be a real date"),
        (("1", "13", "2026"), "The start date must be a real date"),
        (("1", "four", "2026"), "The start date must be a real date"),
        (("1", "²", "2026"), "The start date must be a real date"),
        (("1", "4", "26"), "The start date must include a year of 4 numbers, like 2026"),
        ((HUGE, "4", "2026"), "The start date must be a real date"),
        (("1", HUGE, "2026"), "The start date must be a real date"),
        (("1", "9" * 5000, "2026"), "The start date must be a real date"),  # past int()'s limit
    ],
)
def test_each_mistake_gets_its_own_message(typed, message):
    form = HolidayForm(boxes("starts", *typed))
    assert not form.is_valid()
    assert form.errors["starts"] == [message]


@pytest.mark.parametrize(
    ("typed", "box"), [((HUGE, "4", "2026"), "day"), (("1", HUGE, "2026"), "month")]
)
def test_a_huge_day_or_month_marks_its_own_box(typed, box):
    form = HolidayForm(boxes("starts", *typed))
    assert error_links(form) == [
        {"text": "The start date must be a real date", "href": f"#id_starts-{box}"}
    ]


def every_date_field():
    """Each date a form of the service asks for, as (form, field name, field)."""
    for app in ("concerns", "register", "reporting", "training", "organisations", "core"):
        package = importlib.import_module(f"speakup.{app}")
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    fields, waiting = {}, [forms.BaseForm]
    while waiting:
        form = waiting.pop()
        waiting.extend(form.__subclasses__())
        if form.__module__.startswith("speakup."):
            fields.update(
                ((form.__name__, name), field)
                for name, field in getattr(form, "base_fields", {}).items()
            )
    # The training policy makes its fields as it is made, one set per module.
    made = TrainingPolicyForm(policy=TrainingPolicy())
    fields.update((("TrainingPolicyForm", name), field) for name, field in made.fields.items())
    return [
        pytest.param(name, field, id=f"{form}.{name}")
        for (form, name), field in sorted(fields.items())
        if isinstance(field, DateField)
    ]


DATE_FIELDS = every_date_field()


def test_the_forms_with_dates_are_all_found():
    # Dates asked for by the guardian, the register officer, the board report and the policy.
    found = {param.id for param in DATE_FIELDS}
    assert {
        "AssignActionForm.respond_by",
        "ChangeActionForm.respond_by",
        "ConditionReviewForm.review_date",
        "DecideForm.review_date",
        "PeriodForm.start",
        "PeriodForm.end",
        "TrainingPolicyForm.speak_up_mandatory_from",
    } <= found, found


@pytest.mark.parametrize(("name", "field"), DATE_FIELDS)
@pytest.mark.parametrize("box", ["day", "month"])
def test_every_date_in_every_form_calls_a_huge_day_or_month_not_a_real_date(name, field, box):
    typed = {**boxes(name, "1", "4", "2026"), f"{name}_{box}": HUGE}
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(field.widget.value_from_datadict(typed, {}, name))
    assert refused.value.messages == [field._message("invalid", ())]
    assert refused.value.messages[0].endswith("must be a real date")


def test_an_optional_date_may_be_left_empty_but_not_half_filled():
    assert HolidayForm(
        {**boxes("starts", "1", "4", "2026"), **boxes("ends", "", "", "")}
    ).is_valid()
    form = HolidayForm({**boxes("starts", "1", "4", "2026"), **boxes("ends", "", "5", "")})
    assert form.errors["ends"] == ["The last day must include a day and year"]


def test_a_link_may_carry_the_whole_date():
    form = HolidayForm({"starts": "2026-04-01"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts"] == datetime.date(2026, 4, 1)
    for mistaken in ("2026-02-30", "yesterday"):
        assert HolidayForm({"starts": mistaken}).errors["starts"] == [
            "The start date must be a real date"
        ]


def test_a_whole_date_from_a_link_fills_the_boxes_without_leading_zeros():
    html = render(HolidayForm(initial={"starts": "2026-04-01"}), "starts")
    for part, value in (("day", "1"), ("month", "4"), ("year", "2026")):
        assert re.search(rf'id="id_starts-{part}"[^>]*value="{value}"', html), part


def test_the_page_shows_a_legend_three_labelled_boxes_and_the_example():
    html = render(HolidayForm(initial={"starts": datetime.date(2026, 4, 1)}), "starts")
    assert "<legend" in html and "Start date" in html
    assert "For example, 15 3 2026" in html
    for part, value in (("day", "1"), ("month", "4"), ("year", "2026")):
        assert f'name="starts_{part}"' in html
        assert f'id="id_starts-{part}"' in html
        assert f'value="{value}"' in html
    assert 'inputmode="numeric"' in html


def test_only_the_box_at_fault_is_marked_and_the_summary_links_to_it():
    form = HolidayForm(boxes("starts", "1", "", "2026"))
    form.is_valid()
    html = render(form, "starts")
    marked = [tag for tag in re.findall(r"<input[^>]*>", html) if "nhsuk-input--error" in tag]
    assert len(marked) == 1 and 'id="id_starts-month"' in marked[0]
    assert error_links(form) == [
        {"text": "The start date must include a month", "href": "#id_starts-month"}
    ]
    assert 'value="1"' in html and 'value="2026"' in html  # what was typed is kept


class ReviewForm(forms.Form):
    review = date_field("Review date", future=True)
    keep = date_field("New review date", help_text="Only if you keep it.", future=True)


@pytest.mark.parametrize(
    ("today", "example"),
    [
        (datetime.date(2026, 3, 2), "For example, 15 6 2026"),
        (datetime.date(2026, 9, 30), "For example, 15 12 2026"),
        (datetime.date(2026, 11, 26), "For example, 15 2 2027"),
        (datetime.date(2026, 12, 31), "For example, 15 3 2027"),
    ],
)
def test_a_future_example_is_the_15th_three_months_on(today, example):
    assert future_date_example(today) == example


def test_a_date_that_must_be_ahead_shows_an_example_ahead_of_the_day_the_page_is_made():
    with time_machine.travel("2026-03-02 10:00", tick=False):
        assert "For example, 15 6 2026" in render(ReviewForm(), "review")
        assert "Only if you keep it. For example, 15 6 2026" in render(ReviewForm(), "keep")
    # The same form class a year later (a server runs for long): the example moves on.
    with time_machine.travel("2027-03-02 10:00", tick=False):
        assert "For example, 15 6 2027" in render(ReviewForm(), "review")
    assert "For example, 15 3 2026" in render(HolidayForm(), "starts")  # others keep theirs
