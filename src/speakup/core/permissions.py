"""The one place that answers "may this user do X (to this object)?" and "which rows may they see?".

Each app registers its rules (in its `rules.py`) by action name, e.g. "concerns.view_concern";
views, the API, commands and jobs ask through `can`, `require` and `visible` only, so that
access is decided in one way everywhere. An action nobody registered is refused.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

Rule = Callable[[Any, Any], bool]
Scope = Callable[[Any], QuerySet]

_rules: dict[str, Rule] = {}
_scopes: dict[str, Scope] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    """Register the predicate `(user, obj) -> bool` that decides `action`."""

    def register(predicate: Rule) -> Rule:
        if action in _rules and _rules[action] is not predicate:
            raise ValueError(f"permission rule {action!r} is registered twice")
        _rules[action] = predicate
        return predicate

    return register


def scope(name: str) -> Callable[[Scope], Scope]:
    """Register the function `(user) -> QuerySet` of rows named `name` that a user may see."""

    def register(function: Scope) -> Scope:
        if name in _scopes and _scopes[name] is not function:
            raise ValueError(f"permission scope {name!r} is registered twice")
        _scopes[name] = function
        return function

    return register


def can(user, action: str, obj: Any = None) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        predicate = _rules.get(action)
        return bool(
            predicate and getattr(predicate, "allows_anonymous", False) and predicate(user, obj)
        )
    predicate = _rules.get(action)
    if predicate is None:
        return False
    return bool(predicate(user, obj))


def require(user, action: str, obj: Any = None) -> None:
    """Raise 404 unless allowed: an outsider must not learn that the object exists."""
    if not can(user, action, obj):
        raise Http404


def visible(user, name: str) -> QuerySet:
    """The rows of `name` that this user may see; nothing for an anonymous or unknown scope."""
    function = _scopes[name]
    return function(user)


def anonymous_allowed(predicate: Rule) -> Rule:
    """Mark a rule that people who are not signed in may pass (public pages)."""
    predicate.allows_anonymous = True
    return predicate


def registered_actions() -> list[str]:
    return sorted(_rules)
