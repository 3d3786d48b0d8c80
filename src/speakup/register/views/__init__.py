"""The register's pages, split by who uses them: public, director, boards, officer."""

from speakup.core.pages import render_page
from speakup.register import presenters


def page(request, template: str, *, page_title: str, **context):
    return render_page(
        request, f"register/{template}", page_title=page_title, present=presenters, **context
    )
