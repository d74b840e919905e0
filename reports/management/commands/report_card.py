"""`manage.py report_card --plan SLUG --year YYYY -o FILE.pdf`: a plan's report card, printed to a file."""

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from goals.models import Plan
from reports.report_card import report_card_data, report_card_html, report_card_pdf


class Command(BaseCommand):
    help = (
        "Render the report card of a plan for a fiscal year from the plan's current figures (or the snapshot of "
        "the fiscal year's last day) and write it as a PDF, or as the preview's HTML with --html. Nothing is "
        "stored in the database: to issue a card, generate it on the Report cards page."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--plan", required=True, help="The plan's slug, for example phoenix-2022-2026.")
        parser.add_argument("--year", required=True, type=int, help="The fiscal year, for example 2025 (FY2025).")
        parser.add_argument("-o", "--output", required=True, help="The file to write, for example fy2025.pdf.")
        parser.add_argument("--html", action="store_true", help="Write the HTML the PDF is made from instead.")

    def handle(self, *args, plan: str, year: int, output: str, html: bool = False, **options) -> None:
        try:
            found = Plan.objects.get(slug=plan)
        except Plan.DoesNotExist:
            raise CommandError(f"--plan: no plan has the slug “{plan}”.") from None
        started = time.perf_counter()
        try:
            data = report_card_data(found, year)
        except ValidationError as error:
            raise CommandError(f"--year: {' '.join(error.message_dict['fiscal_year'])}") from None
        document = report_card_html(data)
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"-o: the folder {target.parent} does not exist.")
        if html:
            target.write_text(document, encoding="utf-8")
        else:
            target.write_bytes(report_card_pdf(document))
        figures = data["figures"]
        source = "year-end snapshot" if figures["source"] == "snapshot" else f"plan as computed on {figures['as_of']}"
        self.stdout.write(
            f"Wrote {target} ({target.stat().st_size / 1024:.0f} KB) in {time.perf_counter() - started:.1f} s: "
            f"{found} FY{year}, figures from the {source}."
        )
