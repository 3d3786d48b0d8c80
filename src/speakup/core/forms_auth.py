from django import forms
from django.contrib.auth import password_validation


def email_field(*, label: str, required: str, autocomplete: str, **kwargs) -> forms.EmailField:
    """An email address field: `required` is the message when it is left empty."""
    return forms.EmailField(
        label=label,
        max_length=254,
        error_messages={
            "required": required,
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": autocomplete, "spellcheck": "false"}),
        **kwargs,
    )


def password_field(*, label: str, required: str, autocomplete: str, **kwargs) -> forms.CharField:
    """A password field, taken as typed (spaces too)."""
    return forms.CharField(
        label=label,
        strip=False,
        max_length=200,
        error_messages={"required": required},
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
        password_validation.validate_password(password, self.person)
        return password

    def clean(self):
        password = self.cleaned_data.get("password")
        again = self.cleaned_data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The two passwords are not the same. Type it again")
        return self.cleaned_data
