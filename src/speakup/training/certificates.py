"""The PDF certificate for a passed module, from the same HTML as its web page (WeasyPrint)."""

from django.template.loader import render_to_string


def certificate_pdf(*, completion, name: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only this needs

    html = render_to_string(
        "training/certificate_pdf.jinja", {"completion": completion, "name": name}
    )
    # Tagged, so that a screen reader finds the heading and reads the words in order, and the
    # viewer shows the title rather than the file name. Tags only, not the "pdf/ua-1" variant:
    # that would also claim PDF/UA conformance, which WeasyPrint calls experimental and we
    # have not checked with a validator.
    return HTML(string=html).write_pdf(pdf_tags=True)
