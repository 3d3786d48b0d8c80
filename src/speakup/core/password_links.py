"""Links to set a new password, and setting it (docs/security.md, "Help signing in").

A link is Django's password reset token for the person: it stops working once used (it is
made from the password it replaces) and after PASSWORD_RESET_TIMEOUT. Setting the password
does not sign anyone in: the person then signs in with it, and their second factor.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from speakup.core.audit import audit
from speakup.core.auth import unlock
from speakup.core.dates import moment_in_words
from speakup.core.emails import send
from speakup.core.links import absolute_url


def password_link(person) -> str:
    """The address, for an email, where the person sets a new password."""
    uidb64 = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return absolute_url(reverse("core:new_password", args=[uidb64, token]))


def link_hours() -> int:
    """How many hours a link works for."""
    return settings.PASSWORD_RESET_TIMEOUT // 3600


def link_ends() -> str:
    """When a link made now stops working, in words."""
    return moment_in_words(timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT))


def person_from_link(uidb64: str):
    """The person a link names, or None when it names nobody who may sign in."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


def link_works(person, token: str) -> bool:
    return bool(token) and default_token_generator.check_token(person, token)


@transaction.atomic
def password_set(*, person, password: str) -> None:
    """The person's new password, from a link that works (the caller checks it). Their wrong
    passwords are forgotten with the old one, so a locked account may sign in at once; every
    session they had ends, as Django ends them when a password changes."""
    person.set_password(password)
    person.save(update_fields=["password"])
    unlock(person.email)
    audit(
        actor=person, action="account.password_set", object_type="user", object_ref=str(person.pk)
    )
    send(
        "speakup: your password was changed",
        f"Your speakup password was changed on {moment_in_words(timezone.now())}, using a link "
        "to set a new password.\n\n"
        "If you did not change it, tell your organisation's speakup admin or your IT service "
        "desk at once: someone else may be using your account.\n",
        [person.email],
        what="account.password_set",
    )
