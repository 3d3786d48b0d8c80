from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from speakup.core.words import too_long

EMAIL_MAX = 254  # the longest address SMTP carries
PASSWORD_MAX = 200

# What a new password's page says for each rule of AUTH_PASSWORD_VALIDATORS (by its error code)
# that the password breaks, in place of Django's words ("This password is entirely numeric.").
# One is shown, the first in this order: the hint below the box lists them all.
LIKE_THEM = "Your password must not be like your name or email address"
PASSWORD_REFUSED = {
    "password_too_short": "Your password must be at least {min_length} characters",
    "password_entirely_numeric": "Your password must not be only numbers",
    "password_too_similar": LIKE_THEM,
    "password_contains_name": LIKE_THEM,
    "password_too_common": "Your password is too common. Choose one that is harder to guess",
}


class EmailAddressField(forms.EmailField):
    """An email address, refused with one message: an address too long to keep is told that
    alone, not also that its format is wrong (Django's EmailValidator refuses an address over
    320 characters)."""

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except ValidationError as refused:
            over_the_limit = [error for error in refused.error_list if error.code == "max_length"]
            raise ValidationError(over_the_limit or refused.error_list) from None


def email_field(*, label: str, required: str, autocomplete: str, **kwargs) -> forms.EmailField:
    """An email address field: `required` is the message when it is left empty."""
    return EmailAddressField(
        label=label,
        max_length=EMAIL_MAX,
        error_messages={
            "required": required,
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
            "max_length": too_long("the email address", EMAIL_MAX),
        },
        widget=forms.EmailInput(attrs={"autocomplete": autocomplete, "spellcheck": "false"}),
        **kwargs,
    )


def password_field(*, label: str, required: str, autocomplete: str, **kwargs) -> forms.CharField:
    """A password field, taken as typed (spaces too)."""
    return forms.CharField(
        label=label,
        strip=False,
        max_length=PASSWORD_MAX,
        error_messages={
            "required": required,
            "max_length": too_long("your password", PASSWORD_MAX),
        },
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **kwargs,
    )


class SignInForm(forms.Form):
    email = email_field(
        label="Email address", required="Enter your email address", autocomplete="username"
    )
    password = password_field(
        label="Password", required="Enter your password", autocomplete="current-password"
    )


class TwoFactorForm(forms.Form):
    code = forms.RegexField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "required": "Enter the 6-digit security code",
            "invalid": "Enter the security code as 6 digits, like 123456",
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class NewPasswordForm(forms.Form):
    """A new password, typed twice, checked by AUTH_PASSWORD_VALIDATORS against the person."""

    password = password_field(
        label="New password",
        help_text="At least 12 characters. Not a common password, not only numbers, and not like "
        "your name or email address",
        required="Enter a new password",
        autocomplete="new-password",
    )
    password_again = password_field(
        label="Type the new password again",
        required="Type the new password again",
        autocomplete="new-password",
    )

    def __init__(self, person, *args, **kwargs):
        self.person = person
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        try:
            password_validation.validate_password(password, self.person)
        except ValidationError as refused:
            raise ValidationError(_in_plain_words(refused.error_list)) from None
        return password

    def clean(self):
        password = self.cleaned_data.get("password")
        again = self.cleaned_data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The two passwords are not the same. Type it again")
        return self.cleaned_data


def _in_plain_words(errors: list[ValidationError]) -> str:
    """The message for the first broken rule in PASSWORD_REFUSED's order; Django's own words
    for a rule it does not know."""
    known = [error for error in errors if error.code in PASSWORD_REFUSED]
    if not known:
        return errors[0].messages[0]
    first = min(known, key=lambda error: list(PASSWORD_REFUSED).index(error.code))
    return PASSWORD_REFUSED[first.code].format(**(first.params or {}))
