"""Rendering a page: every page has a title, prefixed "Error: " when a form on it has errors."""

from django.shortcuts import render
from django.utils.http import urlencode

from speakup.core.forms import has_errors


def render_page(
    request,
    template: str,
    *,
    page_title: str,
    heading: str | None = None,
    subject: str | None = None,
    form=None,
    status: int = 200,
    **context,
):
    """`heading` (the page's h1) is the title unless the title must say less: a browser keeps
    titles in its history, so a speaker's concern page leaves out its reference. `subject`
    names what the page is about when other pages share its heading, as its caption does
    ("Concern ABCD-2345"): the title gives it after the heading, so that their titles differ."""
    # Kept in the context too: the layout's error summary lists every form's errors.
    forms_on_page = [form, *context.get("other_forms", [])]
    title = f"{page_title} – {subject}" if subject else page_title
    if has_errors(*forms_on_page):
        title = f"Error: {title}"
    return render(
        request,
        template,
        {"page_title": title, "heading": heading or page_title, "form": form, **context},
        status=status,
    )


def pagination(page, query: dict, *, label: str) -> dict | None:
    """The NHS.UK pagination component (numbered) for one page of a Django Paginator, each
    link keeping `query` (the list's filters), its landmark named `label` ("Pages of cases");
    None when everything is on one page."""
    paginator = page.paginator
    if paginator.num_pages < 2:
        return None

    def link(number: int) -> str:
        return "?" + urlencode({**query, "page": number})

    items = [
        {"ellipsis": True}
        if number == paginator.ELLIPSIS
        else {"number": number, "href": link(number), "current": number == page.number}
        for number in paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]
    return {
        "previous": {"href": link(page.previous_page_number())} if page.has_previous() else {},
        "next": {"href": link(page.next_page_number())} if page.has_next() else {},
        "items": items,
        "ariaLabel": label,
    }
