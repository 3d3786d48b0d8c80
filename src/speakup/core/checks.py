"""Our own entries in `speakup check --deploy`: settings that are valid but unsafe at scale."""

from django.conf import settings
from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def cache_is_shared(app_configs, **kwargs) -> list[CheckWarning]:
    """Without CACHE_URL every process keeps its own receipt sign-in throttles, so an attacker
    gets the limit once per gunicorn worker, and upload progress never reaches the page."""
    if settings.CACHE_URL:
        return []
    return [
        CheckWarning(
            "CACHE_URL is not set, so each process keeps its own receipt sign-in throttles "
            "and roster upload progress.",
            hint="Set CACHE_URL=redis://… whenever more than one process serves speakup "
            "(docs/operations.md, Cache).",
            id="speakup.W001",
        )
    ]
