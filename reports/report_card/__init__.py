"""The CIO's annual report card: what goes in it, how it is drawn, and how it is printed.

Kept apart, as DESIGN.md asks ("a report is a generator plus formatters"):

- `report_card_data(plan, fiscal_year)` (data.py) reads the plan's cached figures, or the
  snapshot of the fiscal year's last day, into a plain JSON dict that is frozen into the
  ReportCard row, so the card can be redrawn years later without the live plan;
- `report_card_html(document)` (html.py) draws that dict, plus the CIO's narrative, with the one
  template the browser preview also shows;
- `report_card_pdf(html)` (pdf.py) prints the HTML with WeasyPrint, tagged as PDF/UA-1.

A card a council member can read, for a city of any size (digest.py holds the rules and their
caps): every figure and every count covers the whole plan, but what is drawn and listed is
capped, so the card's length is bounded whatever the size of the plan.

- Goals: at most 30 at a glance and 8 with a section, those furthest behind pace (pace −
  progress) when there are more; in a section, the 3 objectives furthest behind pace drawn, 8
  more one line each, the rest counted. sections.py picks them from the plan tree (figures.py
  reads the figures), making a dict only for what is shown.
- Metric charts are compact (a line through the readings, only the latest reading marked,
  baseline and target lines kept, three value ticks), drawn by reports/report_card/metric_chart.html
  from planboard.core.charts' geometry; the browser pages keep their full charts with a mark per reading.
  A line joins at most 24 readings: all of them when there are no more, otherwise the last of
  each calendar quarter (half-year, year, ... for longer histories), always ending at the latest.
- Per objective drawn, charts for the 2 metrics furthest behind pace (pace − attainment), one
  line each (latest, target, attainment, health in words) for the next 8, the rest counted; all
  of its metrics tallied by health.
- Per goal, the lists of initiatives completed this fiscal year, at risk or off track, and stale
  show the 10 most urgent (latest completion; off track, then furthest behind pace; oldest
  update), each headed by its exact count, with "… and N more" and the URL of the full list in
  Planboard (SITE_URL, frozen with the card). The browser, the API and the export hold everything.
- The appendix writes out each figure's inputs when the card shows them all (an objective's
  metrics when all are drawn, up to 60 supporting initiatives), gives the plan in numbers per goal, the 30 metrics
  and 60 initiatives of the whole plan furthest behind pace, and the URLs of every full list
  (the plan's pages, its explanation pages, the JSON export and the spreadsheets).
- The frozen data carries only what is drawn, with the caps it was drawn with: schema 3; cards
  frozen under schemas 1 and 2 are shaped the same way when drawn (upgrade.py).

The demo plans (Phoenix, Aurora) lose nothing to the caps. At the scale-1 benchmark city (12
goals, 80 objectives, 2,500 metrics with monthly readings, 3,000 initiatives) the card has 60
pages and 345 kB of HTML: 48 charts, 222 metric lines, 300 initiatives listed (it had 200 pages
and 1.36 MB when it listed every metric); at scale 10 (120 goals, 25,000 metrics, 30,000
initiatives) the same counts, 61 pages and 352 kB (it was 13.6 MB).
"""

from reports.report_card.data import fiscal_year_errors, report_card_data
from reports.report_card.html import report_card_document, report_card_html
from reports.report_card.pdf import report_card_pdf

__all__ = [
    "fiscal_year_errors",
    "report_card_data",
    "report_card_document",
    "report_card_html",
    "report_card_pdf",
]
