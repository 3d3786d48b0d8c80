"""An organisation admin helps one of their people sign in: unlocks their account, removes
their authenticator, or emails them a link to set a new password (docs/security.md, "Help
signing in"). Each is audited, and the person is emailed that it happened and by whom, so that
someone taking over an account through their admin cannot do it unseen."""

from django.db import transaction
from django.utils import timezone

from speakup.core.audit import audit_by
from speakup.core.auth import is_locked_out, unlock
from speakup.core.dates import moment_in_words
from speakup.core.emails import send
from speakup.core.password_links import link_ends, password_link
from speakup.core.permissions import require
from speakup.core.two_factor import confirmed_device, remove_devices
from speakup.organisations.queries import needs_two_factor

IF_NOT_YOU = (
    "If you did not ask for this, tell your IT service desk at once: someone else may be trying "
    "to use your account.\n"
)


@transaction.atomic
def account_unlock(*, admin, person, organisation) -> bool:
    """Forget the person's wrong passwords; False when their account was not locked."""
    require(admin, "organisations.help_person_sign_in", person)
    if not is_locked_out(person.email):
        return False
    unlock(person.email)
    _audit_and_tell(
        admin,
        person,
        organisation,
        action="account.unlock",
        subject="speakup: your account was unlocked",
        done="unlocked your speakup account",
        then="You can sign in again now.\n\n",
    )
    return True


def when_setting_up_again(person, *, you: bool = False) -> str:
    """When a person without an authenticator app sets one up: at their next sign-in if their
    role always asks for a code (needs_two_factor); else when a page asks for one, as a case
    page asks a line manager (core.views.auth.sign_in_first)."""
    they, them = ("you", "you") if you else ("they", "them")
    if needs_two_factor(person):
        return f"the next time {they} sign in"
    return f"the next time a page asks {them} for a security code, such as a case page"


@transaction.atomic
def authenticator_remove(*, admin, person, organisation) -> bool:
    """Remove the person's authenticator app; they set up a new one when next asked for a code.
    False when they had none."""
    require(admin, "organisations.help_person_sign_in", person)
    if confirmed_device(person) is None:
        return False
    remove_devices(person)
    _audit_and_tell(
        admin,
        person,
        organisation,
        action="account.authenticator_remove",
        subject="speakup: your authenticator app was removed",
        done="removed the authenticator app from your speakup account",
        then="You will set up the app on your phone again "
        f"{when_setting_up_again(person, you=True)}.\n\n",
    )
    return True


@transaction.atomic
def password_link_send(*, admin, person, organisation) -> None:
    """Email the person, at their own address only, a link to set a new password. The admin
    never sees the link nor the password."""
    require(admin, "organisations.help_person_sign_in", person)
    _audit_and_tell(
        admin,
        person,
        organisation,
        action="account.password_link_send",
        subject="speakup: set a new password",
        done="sent you this link to set a new password for speakup",
        then=f"{password_link(person)}\n\n"
        f"The link works once, until {link_ends()}. It does not sign you in: after setting "
        "your password, you sign in with it.\n\n",
    )


def _audit_and_tell(admin, person, organisation, *, action, subject, done, then) -> None:
    audit_by(
        admin,
        action=action,
        object_type="user",
        object_ref=str(person.pk),
        organisation=organisation,
    )
    body = (
        f"{admin.get_full_name()}, an organisation admin at {organisation.name}, {done} on "
        f"{moment_in_words(timezone.now())}.\n\n{then}{IF_NOT_YOU}"
    )
    send(subject, body, [person.email], what=action)
