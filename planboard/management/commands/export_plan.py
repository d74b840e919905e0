"""`python manage.py export_plan SLUG OUTPUT`: a plan, its status updates or its readings as .xlsx or
.csv, or the whole plan as the API's export document (.json)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from goals.models import Plan
from planboard.transfer.exports import csv_lines, kind_sheets, write_xlsx
from reports.plan_export import plan_export_write


class Command(BaseCommand):
    help = (
        "Export a plan in the import templates: --kind plan (default; the plan and its themes, goals, objectives, "
        "metrics and initiatives), updates (every status update) or readings (every metric reading). The format "
        "follows OUTPUT's extension, .xlsx or .csv; importing the file again changes nothing. An OUTPUT ending in "
        ".json gets the whole plan as the API's export document (GET /api/v1/plans/{id}/export/), written as it is "
        "read, in constant memory."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug", help="The plan's slug.")
        parser.add_argument("output", help="The file to write, ending in .xlsx, .csv or .json.")
        parser.add_argument("--kind", choices=["plan", "updates", "readings"], default="plan")

    def handle(self, *args, slug: str, output: str, kind: str, **options) -> None:
        path = Path(output)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv", "json"):
            raise CommandError(f"OUTPUT: {output} must end in .xlsx, .csv or .json.")
        if fmt == "json" and kind != "plan":
            raise CommandError(f"--kind: the .json export is the whole plan; --kind {kind} is for .xlsx or .csv.")
        plan = Plan.objects.select_related("department", "parent").filter(slug=slug).first()
        if plan is None:
            raise CommandError(f"SLUG: no plan with the slug {slug!r}.")
        if fmt == "json":
            try:
                with path.open("wb") as out:
                    written = plan_export_write(plan.pk, out)
            except Exception:
                path.unlink(missing_ok=True)  # no half-written document left behind (the error is logged)
                raise
            self.stdout.write(f"Wrote {path} ({written:,} bytes).")
            return
        sheets = kind_sheets(kind, plan)
        if fmt == "xlsx":
            with path.open("wb") as out:
                write_xlsx(kind, sheets, out)
        else:
            with path.open("w", encoding="utf-8", newline="") as out:
                out.writelines(csv_lines(kind, sheets))
        self.stdout.write(f"Wrote {path}.")
