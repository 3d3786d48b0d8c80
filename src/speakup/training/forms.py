import datetime

from django import forms
from django.utils import timezone

from speakup.core import csvfiles
from speakup.core.dates import day_in_words, more_than_a_year_ahead, years_after
from speakup.core.forms import DATE_PARTS, date_field, whole_number_field
from speakup.core.words import counted
from speakup.training import uploads
from speakup.training.bands import AFC_BANDS, VERY_SENIOR_MANAGER, band_code
from speakup.training.content import Course
from speakup.training.models import UploadKind
from speakup.training.presenters import expect_late_label
from speakup.training.roster.results import as_leavers, expect_leavers_label

MODULES = [("speak_up", "Speak Up"), ("listen_up", "Listen Up"), ("follow_up", "Follow Up")]


class KnowledgeCheckForm(forms.Form):
    """One set of radios per question; every question must be answered."""

    def __init__(self, *args, course: Course, **kwargs):
        super().__init__(*args, **kwargs)
        for number, question in enumerate(course.questions, start=1):
            self.fields[f"q{number}"] = forms.ChoiceField(
                label=f"{number}. {question.text}",
                choices=[(option, option) for option in question.options],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose an answer to question {number}",
                    # A form from before the question changed, or altered: not Django's words.
                    "invalid_choice": f"Choose one of the answers to question {number}",
                },
            )

    def answers(self) -> dict[int, str]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class RosterUploadForm(forms.Form):
    kind = UploadKind.ROSTER  # which limit of speakup.training.uploads the file is held to
    file = forms.FileField(
        label="Staff roster (CSV file)",
        help_text="An export from ESR or your workforce system, with the columns listed below.",
        error_messages={
            "required": "Choose a CSV file to upload",
            "empty": "The file is empty: choose your roster's CSV file",
        },
    )
    full = forms.BooleanField(
        label="This file is our whole roster: mark workers missing from it as leavers",
        required=False,
    )
    skip_invalid = forms.BooleanField(
        label="Import the rows without problems even if some rows have problems",
        required=False,
    )

    def __init__(self, *args, expect_leavers: int = 0, **kwargs):
        """`expect_leavers`: the leavers a whole roster was refused for (the link from its
        result page gives them). The form then offers to let that many through, and starts
        with "whole roster" ticked, as the upload refused was."""
        super().__init__(*args, **kwargs)
        file = self.fields["file"]
        file.help_text = f"{file.help_text} {uploads.size_hint(self.kind)}"
        self.leavers = expect_leavers
        if expect_leavers:
            self.fields["full"].initial = True
            self.fields["expect_leavers"] = forms.BooleanField(
                label=expect_leavers_label(expect_leavers),
                help_text=f"The whole roster uploaded last would have made "
                f"{counted(expect_leavers, 'worker')} {as_leavers(expect_leavers)} at once, so it "
                "was not imported. "
                "Tick this if they have left.",
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("expect_leavers") and not cleaned.get("full"):
            # Only a whole roster makes leavers: said, rather than the tick left unread.
            self.add_error(
                "expect_leavers",
                "Tick “This file is our whole roster” too, or untick this: expecting leavers "
                "only applies to a whole roster",
            )
        return cleaned

    def expected_leavers(self) -> int:
        """The leavers the uploader said they expect: none unless they ticked the box."""
        return self.leavers if self.cleaned_data.get("expect_leavers") else 0

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            head = upload.read(csvfiles.LONGEST_START)
            upload.seek(0)
            raise forms.ValidationError(csvfiles.not_csv(name=upload.name, head=head))
        if upload.size == 0:
            raise forms.ValidationError("The file is empty")
        if upload.size > uploads.max_file_mb(self.kind) * uploads.MB:
            raise forms.ValidationError(uploads.too_large(self.kind))
        return upload


class CompletionsUploadForm(RosterUploadForm):
    file = forms.FileField(
        label="Completions (CSV file)",
        help_text="An export from e-Learning for Healthcare, ESR or your learning system, with "
        "the columns listed below.",
        error_messages={
            "required": "Choose a CSV file to upload",
            "empty": "The file is empty: choose your completions CSV file",
        },
    )
    full = None  # a completions file adds to what is recorded: it makes nobody a leaver
    kind = UploadKind.COMPLETIONS


# The earliest date a module can have been made mandatory: the national modules date from 2019,
# so this only catches a mistyped year (1800 for 2018), not an organisation's own history.
EARLIEST_MANDATORY_FROM = datetime.date(2000, 1, 1)
# A policy may be set up to a year ahead; a date further off is more likely a mistyped year.
MANDATORY_FROM_YEARS_AHEAD = 1
# Band 1 is listed though "from band 1 up" is every worker on a band: a policy stored with it
# before the list existed would otherwise show as no band, and saving the form would clear it.
LISTEN_UP_BANDS = [
    ("1", "Band 1 (every worker on a band)"),
    *((band_code(band), band) for band in AFC_BANDS if band != "Band 1"),
    (VERY_SENIOR_MANAGER, "Very senior managers (VSM)"),  # above band 9 in the rules
]


class TrainingPolicyForm(forms.Form):
    """The organisation's training policy, one module at a time."""

    def __init__(self, *args, policy, **kwargs):
        super().__init__(*args, **kwargs)
        for module, title in MODULES:
            self.fields[f"{module}_mandatory"] = forms.BooleanField(
                label=f"We have made {title} mandatory",
                required=False,
                initial=getattr(policy, f"{module}_mandatory"),
            )
            mandatory_from = date_field(
                f"{title} mandatory from",
                called=f"the date {title} is mandatory from",
                required=False,
                help_text="For example, 1 4 2024. It can be up to a year ahead.",
                initial=getattr(policy, f"{module}_mandatory_from"),
            )
            mandatory_from.validators.append(_mandatory_from_check(title))
            self.fields[f"{module}_mandatory_from"] = mandatory_from
            self.fields[f"{module}_refresher_years"] = whole_number_field(
                f"{title} refresher every (years)",
                called=f"the {title} refresher period",
                minimum=1,
                maximum=10,
                unit="years",
                example=3,
                required=False,
                help_text="Leave empty if once is enough",
                initial=getattr(policy, f"{module}_refresher_years"),
            )
        self.fields["new_starter_due_days"] = whole_number_field(
            "New starters complete their modules within (days)",
            called="the number of days new starters have",
            minimum=1,
            maximum=365,
            unit="days",
            example=30,
            initial=policy.new_starter_due_days,
        )
        self.fields["board_follow_up_due_days"] = whole_number_field(
            "Board members complete Follow Up within (days)",
            called="the number of days board members have for Follow Up",
            minimum=1,
            maximum=365,
            unit="days",
            example=90,
            initial=policy.board_follow_up_due_days,
        )
        self.fields["listen_up_from_band"] = forms.ChoiceField(
            label="Everyone from this band up also takes Listen Up (optional)",
            help_text="Line managers and leaders take Listen Up whatever their band.",
            choices=[("", "No band: line managers and leaders only"), *LISTEN_UP_BANDS],
            required=False,
            initial=_band_choice(policy.listen_up_from_band),
            error_messages={
                "invalid_choice": "Choose a band from the list, or no band",
            },
        )
        if self.is_bound:
            self.data = self._without_unticked_dates(self.data)

    def _without_unticked_dates(self, data):
        """The data without the date of any module not ticked as mandatory. Its boxes sit
        under the tick box and are hidden when it is unticked (the NHS.UK conditional reveal),
        but the browser still sends what they hold: unticking a module makes it not mandatory,
        so the date left there is not read, let alone refused or kept."""
        data = data.copy()
        for module, _ in MODULES:
            tick = self.add_prefix(f"{module}_mandatory")
            if not self.fields[f"{module}_mandatory"].widget.value_from_datadict(
                data, self.files, tick
            ):
                date_name = self.add_prefix(f"{module}_mandatory_from")
                for key in (date_name, *(f"{date_name}_{part}" for part in DATE_PARTS)):
                    data.pop(key, None)
        return data

    def clean(self):
        data = super().clean()
        for module, title in MODULES:
            date_name = f"{module}_mandatory_from"
            # The policy records from when a module is mandatory, not only that it is: the
            # adoption figure says "Mandatory since" that date (it moves no due date, ADR 0014).
            ticked = data.get(f"{module}_mandatory")
            if ticked and not data.get(date_name) and date_name not in self.errors:
                self.add_error(date_name, f"Enter the date {title} is mandatory from")
        return data


class ExpectLateForm(forms.Form):
    """Going ahead with a policy change that makes workers' training late at once
    (`services.policy_update`): a tick box, and the workers of each module the admin was shown,
    which are a ceiling, as a whole roster's expected leavers are."""

    prefix = "expect"

    def __init__(self, *args, late=None, **kwargs):
        """`late`: what the change refused would make late (a `tallies.MadeLate`)."""
        super().__init__(*args, **kwargs)
        for module, _ in MODULES:
            self.fields[module] = forms.IntegerField(
                widget=forms.HiddenInput,
                min_value=0,
                required=False,
                initial=late.of_module(module) if late else 0,
            )
        self.fields["late"] = forms.BooleanField(
            label=expect_late_label(late.workers if late else 0),
            help_text="Tick this if you mean the change to make their training late from today.",
            required=False,
        )

    def expected(self) -> dict[str, int]:
        """The workers of each module the admin expects to be made late: none unless ticked."""
        if not self.is_valid() or not self.cleaned_data["late"]:
            return {}
        return {module: self.cleaned_data[module] or 0 for module, _ in MODULES}


def _mandatory_from_check(title: str):
    """Refuses a date before the modules could have been mandatory, or more than a year ahead."""

    def check(day: datetime.date) -> None:
        called = f"The date {title} is mandatory from"
        latest = years_after(timezone.localdate(), MANDATORY_FROM_YEARS_AHEAD)
        if day < EARLIEST_MANDATORY_FROM:
            raise forms.ValidationError(
                f"{called} must be {day_in_words(EARLIEST_MANDATORY_FROM)} or later",
                code="too_early",
            )
        if day > latest:
            raise forms.ValidationError(more_than_a_year_ahead(called, latest), code="too_late")

    return check


def _band_choice(stored: str) -> str:
    """The choice a stored band is ("6", "Band 6" -> "6"); "" when it is not a band on the list,
    which is what the rules make of it."""
    code = band_code(stored or "")
    return code if code in dict(LISTEN_UP_BANDS) else ""
