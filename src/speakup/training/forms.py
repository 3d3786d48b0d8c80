from django import forms

from speakup.core.forms import date_field
from speakup.training.content import Course


class KnowledgeCheckForm(forms.Form):
    """One set of radios per question; every question must be answered."""

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        for number, question in enumerate(course.questions, start=1):
            self.fields[f"q{number}"] = forms.ChoiceField(
                label=f"{number}. {question.text}",
                choices=[(option, option) for option in question.options],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose an answer to question {number}"},
            )

    def answers(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Staff roster (CSV file)",
        help_text="An export from ESR or your workforce system, with the columns listed below.",
        error_messages={"required": "Choose a CSV file to upload"},
    )
    full = forms.BooleanField(
        label="This file is our whole roster: mark workers missing from it as leavers",
        required=False,
    )
    skip_invalid = forms.BooleanField(
        label="Import the rows without problems even if some rows have problems",
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("The file must be a CSV file")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty")
        return upload


class TrainingPolicyForm(forms.Form):
    """The organisation's training policy, one module at a time."""

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        for module, title in (
            ("speak_up", "Speak Up"),
            ("listen_up", "Listen Up"),
            ("follow_up", "Follow Up"),
        ):
            self.fields[f"{module}_mandatory"] = forms.BooleanField(
                label=f"We have made {title} mandatory",
                required=False,
                initial=getattr(policy, f"{module}_mandatory"),
            )
            self.fields[f"{module}_mandatory_from"] = date_field(
                f"{title} mandatory from",
                called=f"the date {title} became mandatory",
                required=False,
                help_text="For example, 1 4 2024",
                initial=getattr(policy, f"{module}_mandatory_from"),
            )
            self.fields[f"{module}_refresher_years"] = forms.IntegerField(
                label=f"{title} refresher every (years)",
                help_text="Leave empty if once is enough",
                required=False,
                min_value=1,
                max_value=10,
                initial=getattr(policy, f"{module}_refresher_years"),
                error_messages={
                    "invalid": "Enter a whole number of years",
                    "min_value": "Enter at least 1 year, or leave it empty",
                    "max_value": "Enter 10 years or fewer",
                },
            )
        self.fields["new_starter_due_days"] = forms.IntegerField(
            label="New starters complete their modules within (days)",
            min_value=1,
            max_value=365,
            initial=policy.new_starter_due_days,
            error_messages={"required": "Enter a number of days"},
        )
        self.fields["board_follow_up_due_days"] = forms.IntegerField(
            label="Board members complete Follow Up within (days)",
            min_value=1,
            max_value=365,
            initial=policy.board_follow_up_due_days,
            error_messages={"required": "Enter a number of days"},
        )
        self.fields["listen_up_from_band"] = forms.CharField(
            label="Everyone from this band up also takes Listen Up (optional)",
            help_text="For example, 6 or 8a. Leave empty for line managers only.",
            required=False,
            max_length=10,
            initial=policy.listen_up_from_band,
        )

    def clean(self):
        data = super().clean()
        for module, title in (
            ("speak_up", "Speak Up"),
            ("listen_up", "Listen Up"),
            ("follow_up", "Follow Up"),
        ):
            if data.get(f"{module}_mandatory_from") and not data.get(f"{module}_mandatory"):
                self.add_error(
                    f"{module}_mandatory",
                    f"Tick this if {title} is mandatory from the date you gave",
                )
        return data
