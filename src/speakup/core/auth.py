"""Sign-in plumbing shared by the pages and the admin."""


def no_client_address(_request) -> None:
    """django-axes asks for the client's address; we keep none (lockout is by account)."""
    return None


def sign_in_username(request, credentials) -> str | None:
    """The account a sign-in attempt is for: lockout counts failures per account."""
    if credentials and credentials.get("username"):
        return credentials["username"].strip().lower()
    email = request.POST.get("email") if request is not None else None
    return email.strip().lower() if email else None
