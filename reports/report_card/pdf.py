"""Printing a report card: the preview's HTML through WeasyPrint, with no request needed.

The HTML carries its stylesheet inline and its charts as inline SVG, so nothing is fetched;
`base_url` is still given explicitly (the project's static folder) so that any relative URL a
later template adds resolves to a file, never to the network.

The PDF is tagged as PDF/UA-1 (WeasyPrint's `pdf_variant="pdf/ua-1"`): headings, lists, tables
and reading order are in the structure tree, and the document language and title are set, so
screen readers used by council staff can read it (Section 508 / ADA).
"""

from django.conf import settings

PDF_VARIANT = "pdf/ua-1"
# WeasyPrint logs every layout step at INFO; a worker's log needs only its warnings.


def report_card_pdf(html: str) -> bytes:
    """The PDF of a report card's HTML (as made by report_card_html)."""
    # Imported here: WeasyPrint loads Pango and fonts, which only rendering needs.
    from weasyprint import HTML

    base_url = (settings.BASE_DIR / "static").as_uri() + "/"
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT)
