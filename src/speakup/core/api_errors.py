"""What the API says when there is nothing to show it: every API 404 is worded here, in plain
English by the kind of thing asked for. The words are the same whether the thing does not exist
or the client may not see it, so that nobody learns which exist."""

from django.db.models import QuerySet
from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.views import exception_handler as drf_exception_handler

NOTHING_HERE = "There is nothing at this address that you can see."

NOT_FOUND = {
    "address": NOTHING_HERE,
    "concern": "There is no concern with that reference that you can see.",
    # A leader reads a case through the API, but only its guardian may change it.
    "concern_to_change": "There is no concern with that reference that you may change.",
    "action": "This concern has no action with that number.",
    "organisation": "There is no organisation with that ODS code that you can see.",
    "director": "There is no director with that register number on the register.",
}


def not_found(kind: str) -> NotFound:
    """The 404 to raise when there is no `kind` (a key of NOT_FOUND) the client may see."""
    return NotFound(NOT_FOUND[kind])


def found_or_404(queryset: QuerySet, kind: str, **lookup):
    """The one row of `queryset` matching `lookup`, or the plain 404 for `kind`."""
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise not_found(kind) from None


def exception_handler(exc, context):
    """DRF's handler, with any 404 not raised through `not_found` in our words: Django's own
    name the model ("No Concern matches the given query.") and DRF's say only "Not found."."""
    if isinstance(exc, Http404) or (
        isinstance(exc, NotFound) and exc.detail == NotFound.default_detail
    ):
        exc = NotFound(NOTHING_HERE)
    return drf_exception_handler(exc, context)
