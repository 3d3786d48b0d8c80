"""A password rule of our own, beside Django's (settings.AUTH_PASSWORD_VALIDATORS)."""

import re

from django.core.exceptions import ValidationError

# Parts shorter than this are left alone: "Ann" or "Tom" are in too many good passwords
# ("planning", "tomorrow") to refuse them all.
SHORTEST_PART = 4


class NameInPasswordValidator:
    """Refuses a password that holds the person's first or last name, or the part of their
    email address before the @, in any case. Django's similarity check compares the whole
    password with each, so it lets "MiloEllery2024" through for Milo Ellery."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.casefold()
        if any(part in lowered for part in _name_parts(user)):
            raise ValidationError(
                "The password must not contain the person's name or the part of their email "
                "address before the @.",
                code="password_contains_name",
            )

    def get_help_text(self) -> str:
        return (
            "Your password must not contain your name or the part of your email address "
            "before the @."
        )


def _name_parts(user) -> set[str]:
    names = (getattr(user, "full_name", "") or "").split()
    first_and_last = " ".join(names[:1] + names[-1:])
    parts = re.findall(r"[^\W\d_]+", first_and_last)  # letters: "O'Neil" gives "Neil"
    parts.append((getattr(user, "email", "") or "").partition("@")[0])
    return {part.casefold() for part in parts if len(part) >= SHORTEST_PART}
