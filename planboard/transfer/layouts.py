"""The columns of every file Planboard reads and writes: one layout per sheet.

The same layout drives the import (which columns are allowed and required), the export (which
columns are written, in which order) and the blank templates with their instructions sheet, so an
exported file is always a valid import file.
"""

from dataclasses import dataclass

from goals.models import Metric, Plan, Term
from initiatives.models import InitiativeStatus

# A plan in one CSV file: each row names the workbook sheet it belongs to in this column.
SHEET_COLUMN = "sheet"
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    """One column: its header, whether a row needs it, what it holds, and an example value.

    `export_only` columns are written for the reader's information and ignored by the import.
    """

    name: str
    help: str
    required: bool = False
    example: str = ""
    export_only: bool = False


@dataclass(frozen=True)
class Layout:
    sheet: str
    columns: tuple[Column, ...]
    purpose: str

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]


def _choices(choices) -> str:
    return ", ".join(value for value, _label in choices)


STATUS_HELP = f"One of {_choices(InitiativeStatus.choices)} (or its label, such as On track)."
PLAN_COLUMN = Column("plan", "The plan's short name (slug), as shown in its address.", True, "phoenix-stp-2022-2026")

UPDATES = Layout(
    "Status updates",
    (
        PLAN_COLUMN,
        Column("initiative", "The initiative's code within that plan.", True, "PD-1"),
        Column("as_of", "The date the update reports on, like 2024-06-30; not in the future.", True, "2024-06-30"),
        Column("status", STATUS_HELP, True, "on_track"),
        Column("percent_complete", "A whole number from 0 to 100; completed means 100.", True, "45"),
        Column("narrative", "What happened since the last update (optional).", False, "Vendor selected."),
        Column(
            "reopen_reason",
            "Only for a row that reopens a completed initiative (its newest update, with a status other than "
            "completed): why it is reopened. Such a row is refused without it.",
            False,
            "",
        ),
        Column("author", "Who posted it (written by the export; the import records you as author).", export_only=True),
    ),
    "One row per status update. A row identical to an update already recorded is skipped, so a file "
    "can be imported twice without posting anything twice.",
)

READINGS = Layout(
    "Metric readings",
    (
        PLAN_COLUMN,
        Column("objective", "The code of the objective the metric measures.", True, "1.1"),
        Column("metric", "The metric's name, exactly as in the plan.", True, "Share of staff with MFA"),
        Column("period_end", "Last day of the period the reading covers, like 2024-06-30.", True, "2024-06-30"),
        Column("value", "The measured value, a number in the metric's unit.", True, "87.5"),
        Column("note", "Anything a reader should know about the figure (optional).", False, ""),
        Column("unit", "The metric's unit (written by the export for the reader).", export_only=True),
    ),
    "One row per metric and period. A row equal to the reading already stored is skipped; a different "
    "value for a period that has a reading is refused unless you choose to correct existing readings.",
)

PLAN = Layout(
    "Plan",
    (
        Column(
            "slug", "The plan's short name; it identifies the plan, so a re-import updates it.", True, "phoenix-stp"
        ),
        Column("title", "The plan's title.", True, "Strategic Technology Plan 2022-2026"),
        Column("scope", f"{_choices(Plan.Scope.choices)} (default enterprise).", False, "enterprise"),
        Column("department", "A department plan's department (its slug).", False, ""),
        Column("parent", "A department plan's enterprise plan (its slug).", False, ""),
        Column("vision", "The vision statement.", False, ""),
        Column("mission", "The mission statement.", False, ""),
        Column("start_fiscal_year", "First fiscal year, like 2022.", True, "2022"),
        Column("end_fiscal_year", "Last fiscal year, like 2026.", True, "2026"),
        Column("fiscal_year_start_month", "Month the fiscal year begins, 1-12 (default 7, July).", False, "7"),
        Column("status", f"{_choices(Plan.Status.choices)} (default draft).", False, "active"),
        Column("is_published", "yes or no: may the public read it (default no).", False, "no"),
        Column("is_sample", "yes or no: sample data (default no).", False, "no"),
        Column(
            "metric_share", "Share of an objective's progress from its metrics, 0 to 1 (default 0.5).", False, "0.5"
        ),
        Column(
            "update_cadence_days",
            "Days after which an initiative without an update is stale (default 30).",
            False,
            "30",
        ),
    ),
    "Exactly one row: the plan itself.",
)

THEMES = Layout(
    "Themes",
    (
        Column("name", "The theme's name; it identifies the theme within the plan.", True, "Infrastructure"),
        Column("description", "What the theme covers (optional).", False, ""),
        Column("order", "Position in lists, a whole number (default 0).", False, "1"),
    ),
    "Thematic categories initiatives can be filed under.",
)

GOALS = Layout(
    "Goals",
    (
        Column("number", "The goal's number; it identifies the goal within the plan.", True, "1"),
        Column("title", "The goal's title.", True, "A secure and resilient City"),
        Column("description", "Optional.", False, ""),
        Column("weight", "Weight in the plan's roll-up, zero or more (default 1).", False, "1"),
    ),
    "One row per goal.",
)

OBJECTIVES = Layout(
    "Objectives",
    (
        Column("goal", "The number of the goal the objective belongs to.", True, "1"),
        Column("code", "The objective's code, unique within the plan; it identifies the objective.", True, "1.1"),
        Column("title", "The objective's title.", True, "Mature the cybersecurity program"),
        Column("description", "Optional.", False, ""),
        Column("term", f"{_choices(Term.choices)} (default short).", False, "short"),
        Column("weight", "Weight in the goal's roll-up, zero or more (default 1).", False, "1"),
        Column(
            "aligned_to",
            "Department plans: objectives served, separated by ';'. A bare code is this plan's "
            "objective; write parent-slug:code for the enterprise plan's.",
            False,
            "phoenix-stp:1.1",
        ),
    ),
    "One row per objective.",
)

METRICS = Layout(
    "Metrics",
    (
        Column("objective", "The code of the objective the metric measures.", True, "1.1"),
        Column(
            "name",
            "The metric's name, unique within its objective; it identifies the metric.",
            True,
            "Share of staff with MFA",
        ),
        Column("description", "Optional.", False, ""),
        Column("unit", "The unit, like %, days, count, $.", True, "%"),
        Column("direction", f"{_choices(Metric.Direction.choices)} (default up).", False, "up"),
        Column("baseline", "The starting value.", True, "40"),
        Column("baseline_date", "When the baseline was measured, like 2021-06-30.", True, "2021-06-30"),
        Column("target", "The value aimed for; above the baseline for up, below for down.", True, "95"),
        Column("target_date", "When the target is due; after the baseline date.", True, "2026-06-30"),
        Column("frequency", f"{_choices(Metric.Frequency.choices)} (default quarterly).", False, "quarterly"),
        Column("owner", "Username of the person who enters readings (optional).", False, ""),
    ),
    "One row per metric.",
)

INITIATIVES = Layout(
    "Initiatives",
    (
        Column("code", "The initiative's code, unique within the plan; it identifies the initiative.", True, "PD-1"),
        Column("title", "The initiative's title.", True, "Replace the permitting system"),
        Column("description", "Optional.", False, ""),
        Column("theme", "The name of a theme on the Themes sheet or already in the plan (optional).", False, ""),
        Column("term", f"{_choices(Term.choices)} (default short).", False, "short"),
        Column("department", "The responsible department's slug (optional).", False, ""),
        Column("owner", "Username of the initiative's owner (optional).", False, ""),
        Column(
            "status",
            f"{STATUS_HELP} Only for a new initiative: afterwards status moves by status updates.",
            False,
            "not_started",
        ),
        Column("percent_complete", "0 to 100, only for a new initiative (as status).", False, "0"),
        Column("start_date", "Optional, like 2022-07-01.", False, "2022-07-01"),
        Column("target_date", "Optional; after the start date.", False, "2024-06-30"),
        Column("completed_date", "Only for a new, completed initiative.", False, ""),
        Column("budget_estimate", "Dollars, zero or more (optional).", False, "250000"),
        Column("budget_actual", "Dollars, zero or more (optional).", False, ""),
        Column("update_cadence_days", "Days between expected updates; empty uses the plan's.", False, ""),
        Column("supports", "Codes of this plan's objectives it supports, separated by ';'.", False, "1.1;1.2"),
        Column("aligned_to", "Department plans: objectives served, as for objectives.", False, ""),
    ),
    "One row per initiative.",
)

PLAN_SHEETS = (PLAN, THEMES, GOALS, OBJECTIVES, METRICS, INITIATIVES)

KINDS: dict[str, tuple[Layout, ...]] = {
    "plan": PLAN_SHEETS,
    "updates": (UPDATES,),
    "readings": (READINGS,),
}

KIND_LABELS = {"plan": "a whole plan", "updates": "status updates", "readings": "metric readings"}


def csv_header(kind: str) -> list[str]:
    """The header of the kind's CSV file: a plan's sheets share one file with a `sheet` column first."""
    layouts = KINDS[kind]
    if len(layouts) == 1:
        return layouts[0].names
    names: list[str] = []
    for layout in layouts:
        names += [name for name in layout.names if name not in names]
    return [SHEET_COLUMN, *names]
