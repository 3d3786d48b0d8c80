"""Rendering a page: every page has a title, prefixed "Error: " when a form on it has errors."""

from django.shortcuts import render

from speakup.core.forms import has_errors


def render_page(
    request,
    template: str,
    *,
    page_title: str,
    heading: str | None = None,
    form=None,
    status: int = 200,
    **context,
):
    """`heading` (the page's h1) is the title unless the title must say less: a browser keeps
    titles in its history, so the speaker's pages give a neutral one."""
    forms_on_page = [form, *context.pop("other_forms", [])]
    title = f"Error: {page_title}" if has_errors(*forms_on_page) else page_title
    return render(
        request,
        template,
        {"page_title": title, "heading": heading or page_title, "form": form, **context},
        status=status,
    )
