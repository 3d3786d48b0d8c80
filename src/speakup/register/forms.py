"""The register's forms. Each field renders itself as an NHS.UK component through form_field."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone

from speakup.core import csvfiles
from speakup.core.forms import DATE_EXAMPLE, date_field, text_field
from speakup.core.forms_auth import EmailAddressField
from speakup.core.words import too_long
from speakup.register.models import (
    AppealOutcome,
    CodeOfPractice,
    FpptOutcome,
    FtsuRole,
    Outcome,
    Status,
)
from speakup.register.services.entries import (
    CORRECTION_REASON_MAX,
    EMAIL_MAX,
    NAME_MAX,
    ROLE_TITLE_MAX,
    refuse_distant_start,
)
from speakup.register.services.fppt_and_attestation import (
    LCF_DOMAINS,
    LCF_RATINGS,
    code_start_unknown,
)
from speakup.register.services.regulatory import (
    DEFAULT_RESPONSE_DAYS,
    decision_terms_problems,
    new_review_date_problem,
)

YES_NO = [("yes", "Yes"), ("no", "No")]
SEARCH_MAX = 100
LONG_TEXT_MAX = 10_000  # grounds, responses and reasons: pages long, not a book
CODE_TEXT_MAX = 50_000


def choice_messages(required: str) -> dict:
    # "invalid_choice" is seen only when a page was changed or is out of date.
    return {"required": required, "invalid_choice": required}


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name, organisation or register number",
        required=False,
        max_length=SEARCH_MAX,
        error_messages={"max_length": f"Search for {SEARCH_MAX} characters or fewer"},
    )
    # A text box, not a list of every organisation: the page stays small and fast.
    organisation = forms.CharField(
        label="Organisation",
        required=False,
        max_length=SEARCH_MAX,
        help_text="The organisation's NHS code (its ODS code), such as RXX, or part of its "
        "name, such as Riverbank",
        error_messages={
            "max_length": f"Search for an organisation in {SEARCH_MAX} characters or fewer"
        },
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *Status.choices],
        error_messages={"invalid_choice": "Choose a status from the list"},
    )


def email_field(*, required: bool) -> forms.EmailField:
    return EmailAddressField(
        label="Email address",
        required=required,
        max_length=EMAIL_MAX,
        help_text="Kept private: used to link the entry to the director's account.",
        error_messages={
            "required": "Enter the director's email address",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
            "max_length": too_long("the email address", EMAIL_MAX),
        },
    )


class AppointmentForm(forms.Form):
    register_number = forms.CharField(
        label="Register number (if the director is already on the register)",
        required=False,
        max_length=10,
        help_text="For example, D000123. Leave blank for a director new to the register.",
        error_messages={"max_length": "Enter a register number like D000123"},
    )
    first_name = text_field(
        "First name", called="the first name", max_length=NAME_MAX, required=False
    )
    last_name = text_field("Last name", called="the last name", max_length=NAME_MAX, required=False)
    email = email_field(required=False)
    role_title = text_field(
        "Role title",
        called="the role title",
        max_length=ROLE_TITLE_MAX,
        help_text="For example, Chief Executive or Non-executive director",
    )
    executive = forms.ChoiceField(
        label="Is this an executive role?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages=choice_messages("Say whether this is an executive role"),
    )
    ftsu_role = forms.ChoiceField(
        label="Freedom to Speak Up lead role",
        choices=FtsuRole.choices,
        widget=forms.RadioSelect,
        initial=FtsuRole.NONE,
        error_messages=choice_messages("Choose the FTSU lead role, or none"),
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
        who = ("register_number", "first_name", "last_name", "email")
        if any(name in self.errors for name in who):
            return data  # their own messages say what to change
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


class CorrectEntryForm(forms.Form):
    first_name = text_field("First name", called="the first name", max_length=NAME_MAX)
    last_name = text_field("Last name", called="the last name", max_length=NAME_MAX)
    email = email_field(required=True)
    reason = text_field(
        "Reason for the correction",
        called="the reason for the correction",
        max_length=CORRECTION_REASON_MAX,
        rows=3,
        help_text="For example, the last name was misspelt. Kept with the entry's history; "
        "not shown on the public register.",
    )


class EndAppointmentForm(forms.Form):
    end_date = date_field("End date")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Columns: Register Number (optional), First Name, Last Name, Email, "
        "Organisation, Role Title, Executive (Y/N), FTSU Role, Start Date, End Date",
        error_messages={
            "required": "Choose a CSV file to upload",
            "invalid": "Choose a CSV file to upload",
            "missing": "Choose a CSV file to upload",
            "empty": "The file is empty",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1_000_000:
            raise forms.ValidationError("The file must be smaller than 1 MB")
        data = upload.read()
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            head = data[: csvfiles.LONGEST_START]
            raise forms.ValidationError(csvfiles.not_csv(name=upload.name, head=head)) from error


FPPT_CHECKS = [
    ("references_6_years", "References covering the last six years"),
    ("qualifications", "Qualifications and career history checked"),
    ("disqualified_director_check", "Disqualified director check"),
    ("right_to_work", "Right to work check"),
    ("chair_signed_off", "The chair has signed off"),
]


class FpptForm(forms.Form):
    director = forms.ChoiceField(
        label="Director", error_messages=choice_messages("Choose the director")
    )
    year = forms.IntegerField(
        label="Year of the check",
        min_value=2023,
        error_messages={
            "required": "Enter the year of the check",
            "invalid": "Enter the year of the check as 4 numbers, like 2026",
            "min_value": "The year of the check must be 2023 or later",
        },
    )
    checks = forms.MultipleChoiceField(
        label="Checks done",
        choices=FPPT_CHECKS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Evidence stays with your organisation: the register records that it was done.",
        error_messages={"invalid_choice": "Choose the checks from the list"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=FpptOutcome.choices,
        widget=forms.RadioSelect,
        error_messages=choice_messages("Choose the outcome"),
    )
    recorded_on = date_field("Date of the outcome")

    def __init__(self, *args, directors=(), **kwargs):
        super().__init__(*args, **kwargs)
        # This year's check, or next year's done early: a later year is a typing slip.
        latest = timezone.localdate().year + 1
        year = self.fields["year"]
        year.max_value = latest
        year.validators.append(MaxValueValidator(latest))
        year.error_messages["max_value"] = f"The year of the check must be {latest} or earlier"
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
                error_messages=choice_messages(f"Rate yourself against “{domain}”"),
            )
            self.fields[f"{key}_note"] = text_field(
                f"Notes on “{domain}” (optional)",
                called=f"your notes on “{domain}”",
                max_length=2000,
                required=False,
                rows=2,
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
    title = text_field("Title", called="the title of the code", max_length=200)
    body = text_field(
        "Text of the code",
        called="the text of the code",
        max_length=CODE_TEXT_MAX,
        rows=16,
        help_text="Plain English. Headings start with ##, numbered points with 1.",
    )
    # The latest version when the form was shown (0 before version 1), for `code_publish` to
    # refuse a text written before another officer published.
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, current: CodeOfPractice | None = None, **kwargs):
        """Filled in with `current`, the version to change, and its number."""
        latest = current.version if current else 0
        initial = {"title": current.title, "body": current.body} if current else {}
        super().__init__(*args, initial={**initial, "based_on": latest}, **kwargs)
        unknown = code_start_unknown(latest)
        self.fields["based_on"].error_messages.update(
            {"required": unknown, "invalid": unknown, "min_value": unknown}
        )

    def start_from(self, version: int) -> None:
        """Show the form again as written from `version`, once the officer has been told to read
        it, so that publishing again goes through."""
        self.data = self.data.copy()
        self.data[self.add_prefix("based_on")] = str(version)


class OpenCaseForm(forms.Form):
    grounds = text_field(
        "Grounds for the case",
        called="the grounds for the case",
        max_length=LONG_TEXT_MAX,
        rows=6,
        help_text="The director is sent these, so write them for the director to answer.",
    )
    response_days = forms.IntegerField(
        label="Days the director has to respond",
        initial=DEFAULT_RESPONSE_DAYS,
        min_value=14,
        max_value=90,
        error_messages={
            "required": "Enter the number of days the director has to respond",
            "invalid": "Enter the days the director has to respond as a number, like 28",
            "min_value": "Give the director at least 14 days to respond",
            "max_value": "Give the director 90 days or fewer to respond",
        },
    )


class RespondForm(forms.Form):
    response = text_field("Your response", called="your response", max_length=LONG_TEXT_MAX, rows=8)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages=choice_messages("Choose an outcome"),
    )
    reasons = text_field(
        "Reasons",
        called="the reasons",
        max_length=LONG_TEXT_MAX,
        rows=6,
        help_text="Published on the director's public entry.",
        required_message="Write the reasons for the decision",
    )
    conditions_text = text_field(
        "Conditions (if the outcome is conditions)",
        called="the conditions",
        max_length=2000,
        required=False,
        rows=3,
    )
    review_date = date_field("Review date for the conditions", required=False, future=True)
    suspended_until = date_field(
        "Suspended until (if the outcome is suspension)",
        called="the date the suspension ends",
        required=False,
        future=True,
    )

    def clean(self):
        cleaned = super().clean()
        if "outcome" in cleaned:
            # The service's rules, each said beside its own field.
            problems = decision_terms_problems(
                outcome=cleaned["outcome"],
                conditions_text=cleaned.get("conditions_text", ""),
                review_date=cleaned.get("review_date"),
                suspended_until=cleaned.get("suspended_until"),
            )
            for name, problem in problems.items():
                if name not in self.errors:  # a date not typed right says so already
                    self.add_error(name, problem)
        return cleaned


class AppealForm(forms.Form):
    grounds = text_field(
        "Why you are appealing",
        called="the grounds for your appeal",
        max_length=LONG_TEXT_MAX,
        rows=6,
    )


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Appeal outcome",
        choices=AppealOutcome.choices,
        widget=forms.RadioSelect,
        error_messages=choice_messages("Choose whether the appeal is upheld or dismissed"),
    )
    reasons = text_field(
        "Reasons for the appeal decision",
        called="the reasons for the appeal decision",
        max_length=LONG_TEXT_MAX,
        rows=6,
        help_text="Published on the director's public entry.",
        required_message="Write the reasons for the appeal decision",
    )


class ConditionReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome of the review",
        choices=[("lift", "Lift the condition"), ("keep", "Keep it until a new review date")],
        widget=forms.RadioSelect,
        error_messages=choice_messages("Choose whether to lift the condition or keep it"),
    )
    review_date = date_field(
        "New review date",
        required=False,
        help_text="Only if you keep the condition.",
        future=True,
    )
    reasons = text_field(
        "Reasons",
        called="the reasons",
        max_length=LONG_TEXT_MAX,
        rows=5,
        help_text="Sent to the director and kept with the case.",
        required_message="Write the reasons for the review",
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") == "keep"
            and "review_date" not in self.errors
            and (problem := new_review_date_problem(cleaned.get("review_date")))
        ):
            self.add_error("review_date", problem)
        return cleaned
