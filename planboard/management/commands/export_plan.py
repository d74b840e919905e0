"""`python manage.py export_plan SLUG OUTPUT`: a plan, its status updates or its readings as .xlsx or .csv."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from goals.models import Plan
from planboard.transfer.exports import csv_lines, kind_sheets, write_xlsx


class Command(BaseCommand):
    help = (
        "Export a plan in the import templates: --kind plan (default; the plan and its themes, goals, objectives, "
        "metrics and initiatives), updates (every status update) or readings (every metric reading). The format "
        "follows OUTPUT's extension, .xlsx or .csv; importing the file again changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="The plan's slug.")
        parser.add_argument("output", help="The file to write, ending in .xlsx or .csv.")
        parser.add_argument("--kind", choices=["plan", "updates", "readings"], default="plan")

    def handle(self, *args, slug: str, output: str, kind: str, **options) -> None:
        path = Path(output)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError(f"OUTPUT: {output} must end in .xlsx or .csv.")
        plan = Plan.objects.select_related("department", "parent").filter(slug=slug).first()
        if plan is None:
            raise CommandError(f"SLUG: no plan with the slug {slug!r}.")
        sheets = kind_sheets(kind, plan)
        if fmt == "xlsx":
            with path.open("wb") as out:
                write_xlsx(kind, sheets, out)
        else:
            with path.open("w", encoding="utf-8", newline="") as out:
                out.writelines(csv_lines(kind, sheets))
        self.stdout.write(f"Wrote {path}.")
