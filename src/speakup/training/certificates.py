"""The PDF certificate for a passed module, from the same HTML as its web page (WeasyPrint)."""

from django.template.loader import render_to_string


def certificate_pdf(*, completion, name: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only this needs

    html = render_to_string(
        "training/certificate_pdf.jinja", {"completion": completion, "name": name}
    )
    return HTML(string=html).write_pdf()
