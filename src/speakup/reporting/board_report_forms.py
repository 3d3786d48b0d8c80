"""The board report's forms: the period asked for, and what the guardian types in."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone

from speakup.core.forms import date_field
from speakup.reporting.board_report_periods import (
    PART_LABELS,
    Period,
    PeriodError,
    financial_years,
    has_ended,
    make_period,
    part_of,
    periods_in_words,
    standard_period,
    standard_period_problem,
)
from speakup.reporting.models import BoardReportInputs
from speakup.reporting.quarters import Quarter, quarter_of


class PeriodForm(forms.Form):
    start = date_field("Start date", called="the start date of the period")
    end = date_field(
        "End date", called="the end date of the period", help_text="The last day the report covers"
    )

    @classmethod
    def asked_in(cls, query) -> bool:
        """Whether an address asks for a period (else the page shows its usual one)."""
        return any(
            not field.widget.value_omitted_from_data(query, {}, name)
            for name, field in cls.base_fields.items()
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            try:
                cleaned["period"] = make_period(start, end)
            except PeriodError as error:
                self.add_error(error.field, str(error))
        return cleaned


class StandardPeriodForm(forms.Form):
    """A financial year and a part of it: the only periods that a report's readers other than
    the organisation's guardians may choose (docs/adr/0012-standard-report-periods.md)."""

    year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        error_messages={
            "required": "Choose a financial year",
            "invalid_choice": "Choose a financial year from the list",
        },
    )
    part = forms.ChoiceField(
        label="Period",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the period: the whole year or a part of it",
            "invalid_choice": "Choose a period from the list",
        },
    )

    def __init__(
        self, *args, parts, today: date | None = None, period: Period | None = None, **kwargs
    ):
        self.parts = parts
        self.today = today or timezone.localdate()
        if period is not None and "initial" not in kwargs:
            # The year the period starts in; the part only when the period is one of them.
            kwargs["initial"] = {
                "year": quarter_of(period.first_day).financial_year,
                "part": part_of(period, parts),
            }
        super().__init__(*args, **kwargs)
        years = financial_years(parts, self.today)
        self.fields["year"].choices = [(year, Quarter(year, 1).year_label) for year in years]
        self.fields["part"].choices = [(part, PART_LABELS[part]) for part in parts]
        self.fields["part"].help_text = _not_ended_yet(years[0], parts, self.today)

    @classmethod
    def asked_in(cls, query) -> bool:
        return any(name in query for name in cls.base_fields)

    def clean(self):
        cleaned = super().clean()
        year, part = cleaned.get("year"), cleaned.get("part")
        if year is not None and part:
            period = standard_period(year, part)
            problem = standard_period_problem(period, self.parts, self.today)
            if problem:
                self.add_error("part", problem)
            else:
                cleaned["period"] = period
        return cleaned

    def refuse(self, message: str) -> None:
        """Say why the period an address asked for was refused; the choices stay as they were."""
        if not self.is_bound:
            self.cleaned_data = {}  # add_error expects a cleaned form
        self.add_error("part", message)


def _not_ended_yet(year: int, parts, today: date) -> str:
    """The periods of the newest year offered that can be chosen so far (each list offers
    every part for every year: "" when they have all ended)."""
    ended = [PART_LABELS[part] for part in parts if has_ended(standard_period(year, part), today)]
    if len(ended) == len(parts):
        return ""
    return (
        f"Only a period that has ended can be chosen. Of {Quarter(year, 1).year_label}, "
        f"{'this has' if len(ended) == 1 else 'these have'} ended so far: {'; '.join(ended)}."
    )


@dataclass
class PeriodChoice:
    """The period a page was asked for (None when the request was wrong), and the forms that
    choose another: the standard periods, and any two dates for those who may choose them."""

    period: Period | None
    chooser: StandardPeriodForm
    dates: PeriodForm | None


def read_period(
    query, *, parts, any_dates: bool, default: Period, today: date | None = None
) -> PeriodChoice:
    """The period a page's address asks for: a year and a part of it from the chooser, or a
    start and an end date. Without `any_dates` the dates must make a standard period that has
    ended; with it, any dates that have passed will do."""
    today = today or timezone.localdate()

    def chooser(data=None, period=None):
        return StandardPeriodForm(data, parts=parts, today=today, period=period)

    def dates(period):
        return PeriodForm(initial=period.query() if period else None) if any_dates else None

    if StandardPeriodForm.asked_in(query):
        form = chooser(query)
        period = form.cleaned_data["period"] if form.is_valid() else None
        return PeriodChoice(period, form, dates(period))
    if not PeriodForm.asked_in(query):
        return PeriodChoice(default, chooser(period=default), dates(default))
    asked = PeriodForm(query)
    period = asked.cleaned_data["period"] if asked.is_valid() else None
    if any_dates:
        return PeriodChoice(period, chooser(period=period), asked)
    form = chooser(period=period)
    problem = (
        standard_period_problem(period, parts, today)
        if period is not None
        else f"The address does not give {periods_in_words(parts)}: choose one below"
    )
    if problem:
        form.refuse(problem)
        period = None
    return PeriodChoice(period, form, None)


def _score(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(10),
        decimal_places=2,
        help_text="Out of 10, as the NHS Staff Survey reports it",
        error_messages={
            "min_value": "Enter a score from 0 to 10",
            "max_value": "Enter a score from 0 to 10",
            "invalid": "Enter a score as a number from 0 to 10, like 6.45",
            "max_decimal_places": "Enter the score to no more than 2 decimal places",
        },
    )


class InputsForm(forms.ModelForm):
    survey_year = forms.IntegerField(
        label="Staff survey year",
        required=False,
        min_value=2015,
        max_value=2100,
        help_text="The year of the survey the scores come from, for example 2026",
        error_messages={"invalid": "Enter the survey year as 4 digits, like 2026"},
    )
    survey_sub_score = _score("Raising concerns sub-score")
    survey_secure_clinical = _score(
        "I would feel secure raising concerns about unsafe clinical practice"
    )
    survey_confident_clinical = _score(
        "I am confident that my organisation would address my concern"
    )
    survey_safe_anything = _score("I feel safe to speak up about anything that concerns me")
    survey_confident_anything = _score(
        "If I spoke up about something that concerned me, I am confident my organisation "
        "would address my concern"
    )
    narrative = forms.CharField(
        label="The guardian's narrative",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text="What the board should know: themes, barriers, what has changed. "
        "Do not name anyone or describe a case so that it could be recognised.",
    )

    class Meta:
        model = BoardReportInputs
        fields = [
            "survey_year",
            "survey_sub_score",
            "survey_secure_clinical",
            "survey_confident_clinical",
            "survey_safe_anything",
            "survey_confident_anything",
            "narrative",
        ]
