from django import forms

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
