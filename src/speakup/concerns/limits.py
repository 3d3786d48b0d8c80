"""How long the text people type about a concern may be, and what each text is called when it
is refused (in the product's one wording, `core.words.too_long`) or left empty; what a phone
number is; and what the guardian is told a line manager reads of an action.

The pages' forms, the services and the API all take their limits from here, so a limit cannot
hold on one path and not another. About 20,000 characters is some 3,000 words.
"""

from django.core.exceptions import ValidationError

DESCRIPTION_MAX = 20_000  # what the speaker says happened, or the guardian records for them
MESSAGE_MAX = 20_000  # a message from the speaker to the guardian
COMMENT_MAX = 5_000  # the speaker's comment with their closing feedback
# What staff write: a message or feedback to the speaker, an action, its summary for the line
# manager and the response, the outcome and the learning.
TEXT_MAX = 20_000
REASON_MAX = 500  # why the guardian gave an action a new date or handed it on: a sentence or two
NAME_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 30
NOT_A_PHONE_NUMBER = "Enter a phone number, like 01632 960 001 or 07700 900 982"


def is_phone_number(text: str) -> bool:
    """7 to 15 digits (UK or international), written with spaces, +, - or brackets if liked."""
    text = text.strip()
    digits = sum(ch.isdigit() for ch in text)
    return (
        len(text) <= PHONE_MAX
        and 7 <= digits <= 15
        and all(ch.isdigit() or ch in " +-()" for ch in text)
    )


def validate_phone(text: str) -> None:
    """The forms' validator: a phone number is refused on its own step, not only on sending."""
    if not is_phone_number(text):
        raise ValidationError(NOT_A_PHONE_NUMBER)


# What staff free text is called when it is too long, by field (the forms and the API say the
# same): "The learning must be 20,000 characters or fewer".
CALLED = {
    "body": "Your message",
    "feedback": "Your feedback",
    "description": "The description of the action",
    "shared_summary": "The summary for the line manager",
    "response": "Your response",
    "outcome": "The outcome",
    "learning": "The learning",
    "reason": "The reason for the change",
}

# What the same text's error says when it is left empty: what to write, in a whole sentence
# (the forms and the API say the same).
MISSING = {
    "body": "Enter your message to the speaker",
    "feedback": "Enter your feedback to the speaker",
    "description": "Enter what needs to be done",
    "shared_summary": "Enter what the line manager may know about the concern",
    "response": "Enter your response",
    "outcome": "Enter the outcome of the concern",
    "learning": "Enter what the organisation has learned from the concern",
}


# The two texts of an action that its line manager reads, as the guardian is told when writing
# them (the assign form's hints and the API's schema say the same). Both reach the line
# manager, so both carry the warning.
LINE_MANAGER_READS = {
    "description": "The line manager sees this in full on their action, and the start of it in "
    "their list of actions. Do not name a confidential or anonymous speaker",
    "shared_summary": "The line manager sees this with what needs to be done and the date to "
    "respond by, and nothing else of the case. Do not name a confidential or anonymous speaker",
}
