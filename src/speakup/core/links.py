"""Links to the service from outside it (emails), built from settings.SITE_URL."""

from django.conf import settings


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
