from django import forms

from speakup.reporting.quarters import QuarterError, parse_quarter


class QuarterForm(forms.Form):
    quarter = forms.CharField(
        label="Quarter",
        help_text="The year the financial year starts, a hyphen, Q and 1 to 4. "
        "For example, 2026-Q3 is October to December 2026.",
        max_length=20,
        error_messages={"required": "Enter a quarter, like 2026-Q3"},
    )

    def clean_quarter(self):
        try:
            return parse_quarter(self.cleaned_data["quarter"])
        except QuarterError as error:
            raise forms.ValidationError(str(error)) from None
