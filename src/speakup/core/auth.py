"""Sign-in plumbing shared by the pages and the admin."""

from axes.handlers.proxy import AxesProxyHandler
from axes.utils import reset
from django.http import HttpRequest


def no_client_address(_request) -> None:
    """django-axes asks for the client's address; we keep none (lockout is by account)."""
    return None


def sign_in_username(request, credentials) -> str | None:
    """The account a sign-in attempt is for: lockout counts failures per account."""
    if credentials and credentials.get("username"):
        return credentials["username"].strip().lower()
    email = request.POST.get("email") if request is not None else None
    return email.strip().lower() if email else None


def is_locked_out(email: str) -> bool:
    """Whether django-axes refuses this account now (too many wrong passwords within the hour).
    Asked as a sign-in attempt for the account would be: lockout is by account alone."""
    return AxesProxyHandler.is_locked(HttpRequest(), {"username": email.strip().lower()})


def unlock(email: str) -> int:
    """Forget the account's wrong passwords, so it may sign in at once; how many were kept."""
    return reset(username=email.strip().lower())
