"""Forms on the speaker's pages. They read what was typed; the rules are in services.intake and
services.speaker, which check everything again. The speak-up steps ask the intake's own checks
(`check_description`, `check_details`), so that no step takes what sending would refuse."""

from django import forms

from speakup.concerns.attachments import MAX_FILE_BYTES, MAX_FILES, browser_checks, empty
from speakup.concerns.limits import COMMENT_MAX, DESCRIPTION_MAX, MESSAGE_MAX
from speakup.concerns.models import Confidentiality, SpeakUpAgain
from speakup.concerns.services.intake import check_description, check_details
from speakup.concerns.services.speaker import DETRIMENT_UNANSWERED
from speakup.concerns.taxonomy import worker_groups_for
from speakup.core.words import too_long
from speakup.organisations.queries import active_organisations

YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no_to_bool(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class OrganisationForm(forms.Form):
    organisation = forms.ChoiceField(
        label="Which organisation is your concern about?",
        help_text="Choose where the guardian who will listen to you works",
        error_messages={
            "required": "Select the organisation your concern is about",
            "invalid_choice": "Select an organisation from the list",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            ("", "Select an organisation"),
            *((o.ods_code, o.name) for o in active_organisations()),
        ]


class ConfidentialityForm(forms.Form):
    confidentiality = forms.ChoiceField(
        label="How open do you want to be?",
        widget=forms.RadioSelect,
        choices=Confidentiality.choices,
        error_messages={"required": "Select how open you want to be"},
    )
    confidentiality.choice_hints = {
        Confidentiality.OPEN: "You give your name and it may be shared with the people who "
        "look into your concern.",
        Confidentiality.CONFIDENTIAL: "You give your name, but only the Freedom to Speak Up "
        "guardian knows it. It is shared only if you agree.",
        Confidentiality.ANONYMOUS: "You do not give your name, and nobody will know who you "
        "are. The guardian cannot contact you: you check for replies with your receipt code.",
    }


# What the description step tells the speaker about who reads it, by how open they chose to
# be. The leaders who follow a concern up read the description (docs/concerns.md, "Who sees
# what"); a confidential speaker's name stays with the guardian, but their words do not.
DESCRIPTION_HINTS = {
    Confidentiality.OPEN: "Say what happened or is happening, where and when.",
    Confidentiality.CONFIDENTIAL: "Say what happened or is happening, where and when. The "
    "guardian keeps your name to themselves, but what you describe may be read by the managers "
    "and leaders who look into your concern. If you do not want them to know it was you, leave "
    "out details that would identify you.",
    Confidentiality.ANONYMOUS: "Say what happened or is happening, where and when. You are "
    "anonymous, but what you describe may be read by the managers and leaders who look into your "
    "concern: leave out anything that would identify you.",
}


class DescriptionForm(forms.Form):
    description = forms.CharField(
        label="Describe your concern",
        # Checked in clean_description, by the intake's rule; the limit is shown by the box's
        # character count (core.forms), which never cuts what is pasted.
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": DESCRIPTION_MAX}),
    )

    def __init__(self, *args, confidentiality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].help_text = DESCRIPTION_HINTS.get(
            confidentiality, DESCRIPTION_HINTS[Confidentiality.ANONYMOUS]
        )

    def clean_description(self):
        errors: dict[str, str] = {}
        description = check_description(self.cleaned_data["description"], errors)
        if errors:
            raise forms.ValidationError(errors["description"])
        return description


class AboutForm(forms.Form):
    """Optional questions. The worker group is only counted (the guardian alone sees it with
    the concern); patient risk and detriment go with the concern, to be acted on."""

    worker_group = forms.ChoiceField(
        label="Which group of staff do you work in? (optional)",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select a group from the list"},
    )
    patient_safety_risk = forms.ChoiceField(
        label="Are patients at risk? (optional)",
        required=False,
        widget=forms.RadioSelect,
        choices=YES_NO,
        error_messages={"invalid_choice": "Select yes or no for whether patients are at risk"},
    )
    detriment_experienced = forms.ChoiceField(
        label="Have you already suffered for speaking up? (optional)",
        help_text="For example, being treated unfairly, left out or disciplined",
        required=False,
        widget=forms.RadioSelect,
        choices=YES_NO,
        error_messages={"invalid_choice": DETRIMENT_UNANSWERED},
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker_group"].choices = [(g.code, g.label) for g in worker_groups_for(today)]


class ContactForm(forms.Form):
    """Checked as a whole in clean(), by the intake's rule. No box has a maxlength attribute: a
    browser would cut a long paste without a word, and send what the speaker did not type."""

    name = forms.CharField(
        label="Your name",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = forms.CharField(
        label="Email address",
        # True of every email a speaker may get: the guardian's replies are never emailed, and
        # speakup's only email to them (a detriment check-in) does not say what it is about.
        help_text="The guardian may use this to contact you. Once your concern is closed, you "
        "may be sent an email asking you to come back with your receipt code: it does not say "
        "what it is about",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )

    def clean(self):
        data = super().clean()
        errors: dict[str, str] = {}
        checked = check_details(data, errors)
        for field, message in errors.items():
            if field.removeprefix("contact.") not in self.errors:  # refused already: said once
                self.add_error(field.removeprefix("contact."), message)
        return {box: checked.get(box, "") for box in self.fields} if not errors else data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [item for item in data if item] if isinstance(data, list | tuple) else [data]
        files = [file for file in files if file]
        for file in files:
            # Named, in the words the speaker's browser uses before sending (browser_checks).
            if file.name and not file.size:
                raise forms.ValidationError(empty(file.name), code="empty")
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class AttachmentsForm(forms.Form):
    attachments = MultipleFileField(
        label="Attach files (optional)",
        help_text=f"Up to {MAX_FILES} files: PDF, PNG, JPEG, plain text or Word (DOCX), "
        f"{MAX_FILE_BYTES // (1024 * 1024)} MB each. If you are anonymous, check that your "
        "files do not say who you are: a Word document or PDF can record the name of the "
        "person who wrote it, a photo can record where it was taken, and the guardian sees "
        "each file's name.",
        required=False,
        # Checked in the browser too, as they are chosen (speakup.js), so that a file too large
        # is said at once, not after minutes of sending it on a slow connection.
        widget=MultipleFileInput(attrs=browser_checks()),
    )


class ReceiptForm(forms.Form):
    receipt_code = forms.CharField(
        label="Receipt code",
        help_text="The 16-digit code you were given when you spoke up, like 1234 5678 9012 3456",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={
            "required": "Enter your receipt code",
            "max_length": "Enter your receipt code as 16 digits, like 1234 5678 9012 3456",
        },
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your message to the guardian",
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter your message",
            "max_length": too_long("Your message", MESSAGE_MAX),
        },
    )


class FeedbackForm(forms.Form):
    would_speak_up_again = forms.ChoiceField(
        label="Given your experience, would you speak up again?",
        widget=forms.RadioSelect,
        choices=SpeakUpAgain.choices,
        error_messages={"required": "Select whether you would speak up again"},
    )
    detriment = forms.ChoiceField(
        label="Have you suffered for speaking up?",
        help_text="For example, being treated unfairly, left out or disciplined",
        widget=forms.RadioSelect,
        choices=YES_NO,
        error_messages={"required": DETRIMENT_UNANSWERED},
    )
    comment = forms.CharField(
        label="Anything else you want to tell us? (optional)",
        help_text="Only the guardian reads this, as they read your messages",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": too_long("Your comment", COMMENT_MAX),
        },
    )


class CheckinForm(forms.Form):
    detriment = forms.ChoiceField(
        label="Since your concern was closed, have you suffered for speaking up?",
        help_text="For example, being treated unfairly, left out or disciplined. If you say "
        "yes, the guardian will look into it.",
        widget=forms.RadioSelect,
        choices=YES_NO,
        error_messages={"required": DETRIMENT_UNANSWERED},
    )
