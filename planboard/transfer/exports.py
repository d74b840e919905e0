"""Exporting a plan, its status updates or its metric readings to .xlsx or .csv, in the import's layouts.

An export is a valid import file: the same columns (layouts.py), keys the import recognises, and
values written so they read back equal (dates as dates, numbers exactly, yes/no flags). Importing
an export therefore finds every row already up to date and changes nothing.

Text that a spreadsheet program would run as a formula (starting with =, +, -, @) is written as
text in the .xlsx and behind a leading apostrophe in the .csv (the import removes it again), so
an export never smuggles a formula onto someone's screen.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from goals.models import MetricReading, Plan
from initiatives.models import StatusUpdate
from planboard.transfer import layouts
from planboard.transfer.layouts import LIST_SEPARATOR, SHEET_COLUMN, Layout
from reports.plan_tree import LinkTarget, plan_tree

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
Sheet = tuple[Layout, Iterable[list[Any]]]


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 50.0000 as 50, 12.3400 as 12.34."""
    return format(value.normalize(), "f")


def _xlsx_value(value: Any) -> Any:
    """A value as an .xlsx cell holds it: numbers exactly (as text beyond 15 digits), flags as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        plain = _plain(value)
        return float(plain) if len(value.normalize().as_tuple().digits) <= 15 else plain
    return value


# --- What goes in each sheet -----------------------------------------------------------------


def _refs(codes: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(sorted(codes))


def _link_refs(links: list[LinkTarget], plan_id: int) -> str:
    """Objective codes, prefixed with their plan's slug when it is another plan (a department plan's link)."""
    return _refs(link.code if link.plan_id == plan_id else f"{link.plan_slug}:{link.code}" for link in links)


def plan_sheets(plan: Plan) -> list[Sheet]:
    """The plan and everything the plan import reads, one list of rows per sheet (read by the plan
    tree reader, a fixed number of queries)."""
    tree = plan_tree(plan.pk, detail=True, readings=None, links=True, parts=("themes",))
    node = tree.plan
    goal_numbers = {g.id: g.number for g in tree.goals}
    objective_codes = {o.id: o.code for o in tree.objectives}
    return [
        (
            layouts.PLAN,
            [
                [
                    node.slug,
                    node.title,
                    node.scope,
                    node.department_slug,
                    node.parent_slug,
                    node.vision,
                    node.mission,
                    node.start_fiscal_year,
                    node.end_fiscal_year,
                    node.fiscal_year_start_month,
                    node.status,
                    node.is_published,
                    node.is_sample,
                    node.metric_share,
                    node.update_cadence_days,
                ]
            ],
        ),
        (layouts.THEMES, [[t.name, t.description, t.order] for t in tree.themes]),
        (layouts.GOALS, [[g.number, g.title, g.description, g.weight] for g in tree.goals]),
        (
            layouts.OBJECTIVES,
            [
                [
                    goal_numbers[o.goal_id],
                    o.code,
                    o.title,
                    o.description,
                    o.term,
                    o.weight,
                    _link_refs(tree.objective_links.get(o.id, []), node.id),
                ]
                for o in tree.objectives
            ],
        ),
        (
            layouts.METRICS,
            [
                [
                    objective_codes[m.objective_id],
                    m.name,
                    m.description,
                    m.unit,
                    m.direction,
                    m.baseline,
                    m.baseline_date,
                    m.target,
                    m.target_date,
                    m.frequency,
                    m.owner_username,
                ]
                for m in tree.metrics
            ],
        ),
        (
            layouts.INITIATIVES,
            [
                [
                    i.code,
                    i.title,
                    i.description,
                    i.theme_name,
                    i.term,
                    i.department_slug,
                    i.owner_username,
                    i.status,
                    i.percent_complete,
                    i.start_date,
                    i.target_date,
                    i.completed_date,
                    i.budget_estimate,
                    i.budget_actual,
                    i.update_cadence_days,
                    _refs(objective_codes[o] for o in tree.supported.get(i.id, [])),
                    _link_refs(tree.initiative_links.get(i.id, []), node.id),
                ]
                for i in tree.initiatives
            ],
        ),
    ]


def updates_sheet(plan: Plan) -> Sheet:
    """Every status update of the plan, oldest first, streamed in chunks."""
    updates = (
        StatusUpdate.objects.filter(initiative__plan=plan)
        .select_related("initiative", "author")
        .order_by("initiative__code", "as_of", "created_at")
    )
    rows = (
        [
            plan.slug,
            u.initiative.code,
            u.as_of,
            u.status,
            u.percent_complete,
            u.narrative,
            None,  # reopen_reason: kept in the initiative's history, not on the update
            u.author.username if u.author else None,
        ]
        for u in updates.iterator(chunk_size=2000)
    )
    return layouts.UPDATES, rows


def readings_sheet(plan: Plan) -> Sheet:
    """Every metric reading of the plan, by objective, metric and period, streamed in chunks."""
    readings = (
        MetricReading.objects.filter(metric__objective__goal__plan=plan)
        .select_related("metric__objective")
        .order_by("metric__objective__goal__number", "metric__objective__code", "metric__name", "period_end")
    )
    rows = (
        [plan.slug, r.metric.objective.code, r.metric.name, r.period_end, r.value, r.note, r.metric.unit]
        for r in readings.iterator(chunk_size=2000)
    )
    return layouts.READINGS, rows


def kind_sheets(kind: str, plan: Plan | None) -> list[Sheet]:
    """The sheets of an export of `kind` ("plan", "updates", "readings"); with no plan, the blank template."""
    if plan is None:
        return [(layout, []) for layout in layouts.KINDS[kind]]
    if kind == "plan":
        return plan_sheets(plan)
    return [updates_sheet(plan) if kind == "updates" else readings_sheet(plan)]


# --- Writing ----------------------------------------------------------------------------------


def write_xlsx(kind: str, sheets: list[Sheet], out: IO[bytes]) -> None:
    """A workbook: the instructions first, then one sheet per layout, written row by row (constant memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    info = workbook.create_sheet("Instructions")
    for line in instruction_rows(kind):
        info.append(line)
    for layout, rows in sheets:
        sheet = workbook.create_sheet(layout.sheet)
        header = []
        for name in layout.names:
            cell = WriteOnlyCell(sheet, name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, _xlsx_value(value))
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                elif isinstance(value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            sheet.append(cells)
    workbook.save(out)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _plain(value)
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


def csv_lines(kind: str, sheets: list[Sheet]) -> Iterator[str]:
    """The CSV file line by line (for a streaming response); a plan's sheets share one file."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = layouts.csv_header(kind)
    sheeted = header[0] == SHEET_COLUMN

    def flush() -> str:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    out.write("\ufeff")  # Excel opens a UTF-8 CSV correctly only with the byte order mark
    writer.writerow(header)
    yield flush()
    for layout, rows in sheets:
        for row in rows:
            if sheeted:
                by_name = dict(zip(layout.names, row, strict=True))
                row = [layout.sheet] + [by_name.get(name) for name in header[1:]]
            writer.writerow([_csv_cell(value) for value in row])
            yield flush()


def instruction_rows(kind: str) -> Iterator[list[str]]:
    """The instructions sheet: what the file is for, then every column with its rule and an example."""
    yield [f"Planboard import template: {layouts.KIND_LABELS[kind]}"]
    yield [
        "Fill in the sheet(s) after this one; keep the header row. Dates as 2024-06-30. Nothing is stored "
        "unless every row is correct: the import lists every problem with its row and column."
    ]
    if kind == "plan":
        yield [
            "In a .csv file all parts of the plan share one file: the first column, sheet, names the part "
            "(Plan, Themes, Goals, Objectives, Metrics, Initiatives) and each row fills that part's columns."
        ]
    yield []
    yield ["sheet", "column", "required", "what it holds", "example"]
    for layout in layouts.KINDS[kind]:
        yield [layout.sheet, "", "", layout.purpose, ""]
        for column in layout.columns:
            required = "export only" if column.export_only else ("yes" if column.required else "no")
            yield [layout.sheet, column.name, required, column.help, column.example]
