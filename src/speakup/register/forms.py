"""The register's forms. Each field renders itself as an NHS.UK component through form_field."""

from django import forms

from speakup.core.forms import DATE_EXAMPLE, date_field
from speakup.register.models import AppealOutcome, FpptOutcome, FtsuRole, Outcome, Status
from speakup.register.services import (
    DEFAULT_RESPONSE_DAYS,
    LCF_DOMAINS,
    LCF_RATINGS,
    refuse_distant_start,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name, organisation or register number", required=False, max_length=100
    )
    # A text box, not a list of every organisation: the page stays small and fast.
    organisation = forms.CharField(
        label="Organisation",
        required=False,
        max_length=200,
        help_text="Its ODS code or part of its name, for example RXX or Riverbank",
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *Status.choices]
    )


class AppointmentForm(forms.Form):
    register_number = forms.CharField(
        label="Register number (if the director is already on the register)",
        required=False,
        max_length=10,
        help_text="For example, D000123. Leave blank for a director new to the register.",
    )
    first_name = forms.CharField(label="First name", required=False, max_length=100)
    last_name = forms.CharField(label="Last name", required=False, max_length=100)
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Kept private: used to link the entry to the director's account.",
    )
    role_title = forms.CharField(
        label="Role title",
        max_length=120,
        help_text="For example, Chief Executive or Non-executive director",
        error_messages={"required": "Enter the role title"},
    )
    executive = forms.ChoiceField(
        label="Is this an executive role?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether this is an executive role"},
    )
    ftsu_role = forms.ChoiceField(
        label="Freedom to Speak Up lead role",
        choices=FtsuRole.choices,
        widget=forms.RadioSelect,
        initial=FtsuRole.NONE,
        error_messages={"required": "Choose the FTSU lead role, or none"},
    )
    start_date = date_field(
        "Start date",
        help_text=f"No more than a year from today. {DATE_EXAMPLE}",
    )
    end_date = date_field(
        "End date",
        required=False,
        help_text=f"Leave it empty if the appointment continues. {DATE_EXAMPLE}",
    )

    def clean_start_date(self):
        start_date = self.cleaned_data["start_date"]
        refuse_distant_start(start_date)  # the service's rule, said beside the date
        return start_date

    def clean(self):
        data = super().clean()
        if not data.get("register_number") and not (
            data.get("first_name") and data.get("last_name") and data.get("email")
        ):
            raise forms.ValidationError(
                "Enter the register number of a director already on the register, or the first "
                "name, last name and email address of a new director"
            )
        return data

    def appointment_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["executive"] = data["executive"] == "yes"
        return data


class EndAppointmentForm(forms.Form):
    end_date = date_field("End date")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Columns: Register Number (optional), First Name, Last Name, Email, "
        "Organisation, Role Title, Executive (Y/N), FTSU Role, Start Date, End Date",
        error_messages={"required": "Choose a CSV file to upload"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError("The file must be smaller than 1 MB")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The file must be a CSV file saved as UTF-8") from error


FPPT_CHECKS = [
    ("references_6_years", "References covering the last six years"),
    ("qualifications", "Qualifications and career history checked"),
    ("disqualified_director_check", "Disqualified director check"),
    ("right_to_work", "Right to work check"),
    ("chair_signed_off", "The chair has signed off"),
]


class FpptForm(forms.Form):
    director = forms.ChoiceField(
        label="Director", error_messages={"required": "Choose the director"}
    )
    year = forms.IntegerField(
        label="Year of the check",
        min_value=2023,
        max_value=2100,
        error_messages={"required": "Enter the year of the check"},
    )
    checks = forms.MultipleChoiceField(
        label="Checks done",
        choices=FPPT_CHECKS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Evidence stays with your organisation: the register records that it was done.",
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=FpptOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome"},
    )
    recorded_on = date_field("Date of the outcome")

    def __init__(self, *args, directors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["director"].choices = [("", "Choose a director")] + [
            (d.register_number, f"{d.name} ({d.register_number})") for d in directors
        ]


class AttestForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have read the code of practice and I will meet it",
        error_messages={"required": "Confirm that you have read the code and will meet it"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, domain in LCF_DOMAINS.items():
            self.fields[f"{key}_rating"] = forms.ChoiceField(
                label=domain,
                choices=list(LCF_RATINGS.items()),
                widget=forms.RadioSelect,
                error_messages={"required": f"Rate yourself against “{domain}”"},
            )
            self.fields[f"{key}_note"] = forms.CharField(
                label=f"Notes on “{domain}” (optional)",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def domain_fields(self):
        return [(self[f"{key}_rating"], self[f"{key}_note"]) for key in LCF_DOMAINS]

    def self_assessment(self) -> dict:
        return {
            key: {
                "rating": self.cleaned_data[f"{key}_rating"],
                "note": self.cleaned_data[f"{key}_note"],
            }
            for key in LCF_DOMAINS
        }


class CodeForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    body = forms.CharField(
        label="Text of the code",
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Plain English. Headings start with ##, numbered points with 1.",
    )


class OpenCaseForm(forms.Form):
    grounds = forms.CharField(
        label="Grounds for the case",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The director is sent these, so write them for the director to answer.",
        error_messages={"required": "Enter the grounds for the case"},
    )
    response_days = forms.IntegerField(
        label="Days the director has to respond",
        initial=DEFAULT_RESPONSE_DAYS,
        min_value=14,
        max_value=90,
        error_messages={"required": "Enter the number of days the director has to respond"},
    )


class RespondForm(forms.Form):
    response = forms.CharField(
        label="Your response",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter your response"},
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an outcome"},
    )
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Published on the director's public entry.",
        error_messages={"required": "Write the reasons for the decision"},
    )
    conditions_text = forms.CharField(
        label="Conditions (if the outcome is conditions)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_date = date_field("Review date for the conditions", required=False)
    suspended_until = date_field(
        "Suspended until (if the outcome is suspension)",
        called="the date the suspension ends",
        required=False,
    )


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label="Why you are appealing",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the grounds for your appeal"},
    )


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Appeal outcome",
        choices=AppealOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the appeal is upheld or dismissed"},
    )
    reasons = forms.CharField(
        label="Reasons for the appeal decision",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Published on the director's public entry.",
        error_messages={"required": "Write the reasons for the appeal decision"},
    )


class ConditionReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome of the review",
        choices=[("lift", "Lift the condition"), ("keep", "Keep it until a new review date")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to lift the condition or keep it"},
    )
    review_date = date_field(
        "New review date",
        required=False,
        help_text=f"Only if you keep the condition. {DATE_EXAMPLE}",
    )
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Sent to the director and kept with the case.",
        error_messages={"required": "Write the reasons for the review"},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == "keep" and not cleaned.get("review_date"):
            self.add_error("review_date", "Enter the new review date")
        return cleaned
