"""Forms on the staff pages. Rules live in services.handling: these only read what was typed."""

from django import forms
from django.utils import timezone

from speakup.concerns.forms.speaker import yes_no_to_bool
from speakup.concerns.limits import (
    CALLED,
    DESCRIPTION_MAX,
    EMAIL_MAX,
    LINE_MANAGER_READS,
    MISSING,
    NAME_MAX,
    NOT_A_PHONE_NUMBER,
    PHONE_MAX,
    REASON_MAX,
    TEXT_MAX,
    validate_phone,
)
from speakup.concerns.models import Confidentiality, Escalation, Source, Status
from speakup.concerns.queries import OPEN_CASES
from speakup.concerns.references import (
    REFERENCE_EXAMPLE,
    REFERENCE_TOO_LONG,
    NotAReference,
    reference_characters,
)
from speakup.concerns.services.handling import NO_ELEMENT, EscalationChoice
from speakup.concerns.services.intake import GUARDIANS_WORDS, check_contact
from speakup.concerns.taxonomy import ELEMENTS, ELEMENTS_MEAN, elements_for, worker_groups_for
from speakup.core.dates import day_in_words
from speakup.core.forms import date_field, text_field
from speakup.core.forms_auth import EmailAddressField
from speakup.core.words import listed, too_long
from speakup.organisations.models import User


def _text(label: str, help_text: str = "", *, kind: str) -> forms.CharField:
    """A required box of the staff's free text, `kind` saying which (limits.CALLED): its
    messages when it is left empty or too long are the API's too."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": MISSING[kind],
            "max_length": too_long(CALLED[kind], TEXT_MAX),
        },
    )


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[(OPEN_CASES, "Open cases"), ("", "Any status"), *Status.choices],
        initial=OPEN_CASES,  # what a guardian needs most days; closed ones are a choice away
    )
    element = forms.ChoiceField(
        label="Element",
        help_text=ELEMENTS_MEAN,
        required=False,
        choices=[("", "Any element"), *((e.code, e.label) for e in ELEMENTS)],
    )
    overdue = forms.BooleanField(label="Only cases with something overdue", required=False)

    @classmethod
    def for_query(cls, query) -> "CaseFilterForm":
        """Bound when the address names a filter; otherwise the defaults (open cases), so that
        an address with only a page number ("?page=2") is the next page of the default list."""
        return cls(query) if set(query) & set(cls.base_fields) else cls()

    def filters(self) -> dict:
        """What the list is narrowed by: the form's, or the defaults when it is not bound or
        cannot be read."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data
        return {"status": OPEN_CASES, "element": "", "overdue": False}

    def as_query(self) -> dict:
        """The filters as the address gives them, for links to the list's other pages."""
        if not (self.is_bound and self.is_valid()):
            return {}
        data = self.cleaned_data
        query = {"status": data["status"]}  # kept when empty: "any status" is not the default
        if data["element"]:
            query["element"] = data["element"]
        if data["overdue"]:
            query["overdue"] = "on"
        return query


class CaseSearchForm(forms.Form):
    """All or part of a case reference, typed however it was read out (references.py)."""

    reference = forms.CharField(
        label="Find a case by its reference",
        help_text=f"For example, {REFERENCE_EXAMPLE}. Part of a reference lists every case "
        "that has it",
        max_length=100,  # longer is refused by the reference's own message, below
        required=False,
        widget=forms.TextInput(
            attrs={"spellcheck": "false", "autocomplete": "off", "autocapitalize": "characters"}
        ),
        error_messages={"max_length": REFERENCE_TOO_LONG},
    )

    def clean_reference(self) -> str:
        typed = self.cleaned_data["reference"]
        try:
            characters = reference_characters(typed)
        except NotAReference as refused:
            raise forms.ValidationError(str(refused)) from None
        if not characters:
            raise forms.ValidationError(
                f"Enter all or part of a case reference, like {REFERENCE_EXAMPLE}"
            )
        return characters


class TriageForm(forms.Form):
    elements = forms.MultipleChoiceField(
        label="Elements of the concern",
        help_text=f"{ELEMENTS_MEAN}. Select all that apply",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": NO_ELEMENT},
    )
    worker_group = forms.ChoiceField(
        label="Worker group of the speaker",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the worker group (or 'Not known')"},
    )
    confidentiality_reviewed = forms.BooleanField(
        label="I have reviewed how open the speaker wants to be", required=False
    )

    def __init__(self, *args, concern, **kwargs):
        super().__init__(*args, **kwargs)
        day = timezone.localdate(concern.received_at)
        self.fields["elements"].choices = [(e.code, e.label) for e in elements_for(day)]
        self.fields["worker_group"].choices = [(g.code, g.label) for g in worker_groups_for(day)]


class MessageForm(forms.Form):
    body = _text(
        "Message to the speaker",
        "The speaker reads this when they sign in with their receipt code",
        kind="body",
    )


class FeedbackForm(forms.Form):
    body = _text(
        "Feedback to the speaker",
        "Tell the speaker what was found and what was done. They read it with their receipt code",
        kind="feedback",
    )


class AssignActionForm(forms.Form):
    description = _text(
        "What needs to be done",
        LINE_MANAGER_READS["description"],
        kind="description",
    )
    shared_summary = _text(
        "What the line manager may know about the concern",
        LINE_MANAGER_READS["shared_summary"],
        kind="shared_summary",
    )
    handler = forms.ChoiceField(
        label="Line manager",
        error_messages={
            "required": "Choose the line manager",
            "invalid_choice": "Choose the line manager",
        },
    )
    respond_by = date_field("Respond by", called="the date to respond by", future=True)
    accountable_lead = forms.ChoiceField(
        label="Accountable leader",
        help_text="An executive or board member who will sign off the actions and learning. "
        "The leader is the whole case's: choosing another replaces the one named before, on "
        "every action",
        error_messages={
            "required": "Choose the accountable leader",
            "invalid_choice": "Choose the accountable leader",
        },
    )

    def __init__(self, *args, managers, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = [("", "Choose a line manager")] + [
            (str(u.pk), f"{u.get_full_name()} ({u.email})") for u in managers
        ]
        if "accountable_lead" in self.fields:
            self.fields["accountable_lead"].choices = [("", "Choose a leader")] + [
                (str(u.pk), f"{u.get_full_name()} ({u.email})") for u in leaders
            ]

    def person(self, field: str) -> User | None:
        value = self.cleaned_data.get(field)
        return User.objects.filter(pk=value).first() if value else None


class ChangeActionForm(AssignActionForm):
    """The assignment's line manager and date, opened with the action's own, and why they
    change. What needs doing and what the line manager may know stay as they are."""

    description = None
    shared_summary = None
    accountable_lead = None
    reason = text_field(
        "Why are you making this change?",
        called="the reason for the change",
        max_length=REASON_MAX,
        # Needed all the same: the service asks for it, so that "Enter the reason" comes with
        # what is wrong with the date, not on a second try.
        required=False,
        rows=3,
        help_text="For example, the line manager is on leave. This is kept in the case's history "
        "and is not shown to the line manager",
    )

    field_order = ["handler", "respond_by", "reason"]

    def __init__(self, *args, action, managers, **kwargs):
        kwargs.setdefault(
            "initial",
            {"handler": str(action.handler_id or ""), "respond_by": action.respond_by},
        )
        super().__init__(*args, managers=managers, **kwargs)
        self.fields["handler"].help_text = "Choose someone else to hand the action to them"


class LearningForm(forms.Form):
    outcome = _text("Outcome", "What was found and what was done", kind="outcome")
    learning = _text(
        "Learning",
        "What the organisation has learned. The accountable leader signs this off",
        kind="learning",
    )
    publishable = forms.BooleanField(
        label="This learning may be shared (with nothing that identifies anyone)", required=False
    )


class CloseForm(forms.Form):
    confirm = forms.BooleanField(
        label="The speaker has had feedback and the case can close",
        error_messages={"required": "Confirm that the case can close"},
    )


class _LevelField(forms.TypedChoiceField):
    """Takes too a level left off the page because its leaders already have the case: sent
    from a page shown before (a second tab), the service refuses it and says who has it since
    when, rather than "Choose who to escalate to"."""

    also_valid: frozenset[str] = frozenset()

    def valid_value(self, value) -> bool:
        return str(value) in self.also_valid or super().valid_value(value)


class EscalateForm(forms.Form):
    """Offers only `levels`, the leaders there are to escalate this case to, each by name
    (services.handling.escalation_levels): one person in two roles is one choice naming both,
    "The accountable leader and executive FTSU lead (Esme Greystone)". Beside a choice, who of
    its people already has the case and is not sent it; a choice all of whose people have it
    is not offered (escalating to it is refused), and the field's hint says so. With none to
    offer, `unavailable` says why."""

    LABELS = {
        Escalation.Level.ACCOUNTABLE_LEAD: "accountable leader",
        Escalation.Level.EXECUTIVE_LEAD: "executive FTSU lead",
        Escalation.Level.NON_EXECUTIVE_LEAD: "non-executive FTSU lead",
    }
    NOBODY = (
        "There is nobody to escalate this concern to yet. Name an accountable leader when you "
        "assign an action, or ask your organisation admin to give someone the executive or "
        "non-executive FTSU lead role."
    )

    level = _LevelField(
        label="Who should this go to?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who to escalate to",
            # A level no longer offered (the leader left since the page was shown).
            "invalid_choice": "Choose who to escalate to",
        },
    )

    def __init__(self, *args, levels: list[EscalationChoice], **kwargs):
        super().__init__(*args, **kwargs)
        offered = [choice for choice in levels if choice.sent_to]
        had = [choice for choice in levels if not choice.sent_to]
        field = self.fields["level"]
        field.choices = [(int(choice.level), f"The {self._named(choice)}") for choice in offered]
        field.choice_hints = {
            str(choice.level): self._not_sent(choice)
            for choice in offered
            if len(choice.sent_to) < len(choice.people)
        }
        field.also_valid = frozenset(str(choice.level) for choice in had)
        already = "; ".join(f"the {self._named(c)}, {self._escalated(c)}" for c in had)
        if had:
            field.help_text = f"Not offered, as they already have this concern: {already}."
        self.unavailable = None
        if not levels:
            self.unavailable = self.NOBODY
        elif not offered:
            self.unavailable = (
                f"Everyone you could escalate this concern to already has it: {already}."
            )

    def _named(self, choice: EscalationChoice) -> str:
        roles = listed([self.LABELS[role] for role in choice.roles])
        return f"{roles} ({', '.join(str(person) for person in choice.people)})"

    @staticmethod
    def _escalated(choice: EscalationChoice) -> str:
        """When the case was escalated to each of a choice's people who have it that way."""
        had = [p for p in choice.people if p.pk in choice.open_since]
        if len(had) == 1:
            return f"escalated to them on {day_in_words(choice.open_since[had[0].pk])}"
        days = [f"{p} on {day_in_words(choice.open_since[p.pk])}" for p in had]
        return f"escalated to {listed(days)}"

    @staticmethod
    def _not_sent(choice: EscalationChoice) -> str:
        """Who of an offered choice's people is not sent it, and why."""
        return " ".join(
            f"Not sent again to {p}: already escalated to them on "
            f"{day_in_words(choice.open_since[p.pk])}."
            if p.pk in choice.open_since
            else f"Not sent to {p}: accountable for this case, so it is on their list already."
            for p in choice.people
            if p not in choice.sent_to
        )


class RespondForm(forms.Form):
    response = _text(
        "Your response",
        "What you found and what you did. The guardian reads this",
        kind="response",
    )


YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known")]


def _yes_no_unknown(label: str) -> forms.ChoiceField:
    """A question of the speaker's the guardian may not know the answer to ("Not known")."""
    return forms.ChoiceField(
        label=label,
        widget=forms.RadioSelect,
        choices=YES_NO_UNKNOWN,
        initial="unknown",
        required=False,
    )


class RecordConcernForm(forms.Form):
    """A concern raised in person or by phone, recorded by the guardian for the speaker."""

    organisation = forms.ChoiceField(label="Organisation")
    source = forms.ChoiceField(
        label="How was the concern raised?",
        widget=forms.RadioSelect,
        choices=[(s.value, s.label) for s in Source if s != Source.ONLINE],
        error_messages={"required": "Select how the concern was raised"},
    )
    confidentiality = forms.ChoiceField(
        label="How open does the speaker want to be?",
        widget=forms.RadioSelect,
        choices=Confidentiality.choices,
        error_messages={"required": "Select how open the speaker wants to be"},
    )
    description = text_field(
        "The concern",
        called="the description of the concern",
        max_length=DESCRIPTION_MAX,
        required_message="Enter the concern, in the speaker's words",
        rows=5,
        help_text="In the speaker's words, as far as you can. The leaders who follow the concern "
        "up read this: for a confidential or anonymous speaker, do not write their name or "
        "details that would identify them",
    )
    worker_group = forms.ChoiceField(label="Worker group", required=False)
    patient_safety_risk = _yes_no_unknown("Are patients at risk?")
    # Asked as patient risk is: a box left unticked was stored as "no", which the speaker never
    # said; "Not known" is kept as not answered.
    detriment_experienced = _yes_no_unknown(
        "Does the speaker say they have already suffered for speaking up?"
    )
    # For an open or confidential concern, the name and an email address or a phone number
    # (intake.check_contact, which clean() asks): someone who phoned may want only a call back.
    # The guardian types the speaker's details, so the messages say "the speaker's", not "your".
    contact_name = forms.CharField(
        label="Speaker's name",
        required=False,
        max_length=NAME_MAX,
        error_messages={"max_length": too_long("The speaker's name", NAME_MAX)},
    )
    contact_email = EmailAddressField(
        label="Speaker's email address",
        required=False,
        max_length=EMAIL_MAX,
        error_messages={
            "invalid": GUARDIANS_WORDS["email_format"],
            "max_length": too_long("The speaker's email address", EMAIL_MAX),
        },
    )
    contact_phone = forms.CharField(
        label="Speaker's phone number",
        required=False,
        max_length=PHONE_MAX,
        validators=[validate_phone],
        error_messages={"max_length": NOT_A_PHONE_NUMBER},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.ods_code, o.name) for o in organisations]
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].ods_code
        self.fields["worker_group"].choices = [("", "Not given")] + [
            (g.code, g.label) for g in worker_groups_for(timezone.localdate())
        ]

    def clean(self):
        """The contact details by the service's own rule, so that what is missing is said
        with everything else wrong on the form, not on a second try."""
        data = super().clean()
        errors: dict[str, str] = {}
        contact = self.contact()
        for box in ("name", "email", "phone"):
            if f"contact_{box}" in self.errors:
                # Given, just refused (a phone number that is not one): its own error says so.
                # Counted as not given, it would also ask for "an email address or phone
                # number", or let an anonymous concern through with the details typed in it.
                contact = {**(contact or {}), box: self[f"contact_{box}"].data}
        confidentiality = data.get("confidentiality")
        check_contact(confidentiality, contact, errors, recorded=True)
        if confidentiality == Confidentiality.ANONYMOUS and "contact" in errors:
            # One error, beside the first box to empty: what else is wrong with what was typed
            # there (a phone number that is not one) no longer matters.
            for box in ("name", "email", "phone"):
                self.errors.pop(f"contact_{box}", None)
            self.add_error(f"contact_{next(iter(contact))}", errors.pop("contact"))
        for field, message in errors.items():
            name = self.ERROR_FIELDS.get(field, field)
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def contact(self) -> dict | None:
        """The details given, a box left empty left out (a field already refused counts as
        empty here: its own error says what is wrong). Of an anonymous speaker, none is
        expected: whatever was typed is returned for check_contact to refuse."""
        data = self.cleaned_data
        given = {
            box: data[f"contact_{box}"]
            for box in ("name", "email", "phone")
            if data.get(f"contact_{box}")
        }
        if data.get("confidentiality") == Confidentiality.ANONYMOUS:
            return given or None
        return {"name": data.get("contact_name", ""), **given}

    def risk(self) -> bool | None:
        return yes_no_to_bool(self.cleaned_data.get("patient_safety_risk"))

    def detriment(self) -> bool | None:
        return yes_no_to_bool(self.cleaned_data.get("detriment_experienced"))

    # Field names the intake service uses in its errors, mapped to this form's fields.
    ERROR_FIELDS = {
        "contact": "contact_name",
        "contact.name": "contact_name",
        "contact.email": "contact_email",
        "contact.phone": "contact_phone",
        "detriment_experienced": "detriment_experienced",
    }
