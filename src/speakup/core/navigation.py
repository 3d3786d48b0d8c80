"""The header navigation, by role: each app registers the links its roles need."""

from dataclasses import dataclass

from django.urls import reverse

from speakup.core.permissions import can
from speakup.organisations.queries import waiting_for_second_factor


@dataclass(frozen=True)
class NavLink:
    text: str
    url_name: str
    action: str | None  # a permission action; None means any signed-in person
    order: int = 100


_links: list[NavLink] = []


def register_nav(link: NavLink) -> None:
    if link not in _links:
        _links.append(link)


def navigation_for(request) -> list[dict]:
    """Header navigation items for this person, the current page marked."""
    # Error pages can render before authentication has run (a bad Host header): no user yet.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    # Before the code their roles need, every link would only lead back to the code page.
    if waiting_for_second_factor(user):
        return []
    items = []
    for link in sorted(_links, key=lambda link: link.order):
        if link.action is None or can(user, link.action):
            href = reverse(link.url_name)
            items.append({"text": link.text, "href": href, "current": request.path == href})
    return items
