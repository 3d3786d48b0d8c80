"""The board report's forms: the period asked for, and what the guardian types in."""

from decimal import Decimal

from django import forms

from speakup.core.forms import date_field
from speakup.reporting.board_report_periods import PeriodError, make_period
from speakup.reporting.models import BoardReportInputs


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
