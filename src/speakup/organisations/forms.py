from django import forms

from speakup.core.forms_auth import email_field


class FindPersonForm(forms.Form):
    email = email_field(
        label="Their email address",
        help_text="The whole address they sign in with, like name@example.nhs.uk",
        required="Enter their email address",
        autocomplete="off",
    )
