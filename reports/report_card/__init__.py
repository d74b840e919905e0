"""The CIO's annual report card: what goes in it, how it is drawn, and how it is printed.

Kept apart, as DESIGN.md asks ("a report is a generator plus formatters"):

- `report_card_data(plan, fiscal_year)` (data.py) reads the plan's cached figures, or the
  snapshot of the fiscal year's last day, into a plain JSON dict that is frozen into the
  ReportCard row, so the card can be redrawn years later without the live plan;
- `report_card_html(document)` (html.py) draws that dict, plus the CIO's narrative, with the one
  template the browser preview also shows;
- `report_card_pdf(html)` (pdf.py) prints the HTML with WeasyPrint, tagged as PDF/UA-1.
"""

from reports.report_card.data import fiscal_year_errors, report_card_data
from reports.report_card.html import report_card_document, report_card_html
from reports.report_card.pdf import report_card_pdf

__all__ = [
    "fiscal_year_errors", "report_card_data", "report_card_document", "report_card_html", "report_card_pdf",
]
