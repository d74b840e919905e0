"""Reading each sheet's rows of a whole-plan file into `Item`s: the plan row, then themes, goals,
objectives, metrics and initiatives, one method per kind. Each reads its cells with `RowCheck`
(naming every bad cell), resolves owners, departments and parents by their key, reports rows that
name a goal, objective or theme the plan does not have, and refuses duplicate keys. `RowChecks` is
mixed into `PlanCheck` (plan_check), which holds the state these methods fill (`user`, `problems`,
`rows`, `plan`, `items`, `known`) and compares, validates and permission-checks each row (`_finish`).
"""

from typing import Any

from django.db.models import Model

from goals.models import Department, Goal, Metric, Objective, Plan, Term, Theme
from initiatives.models import Initiative, InitiativeStatus
from planboard.core import permissions
from planboard.transfer import layouts
from planboard.transfer.cells import RowCheck, is_percent_unit
from planboard.transfer.plan_items import KEY_FIELDS, Item, describe, row_key_column
from planboard.transfer.problems import Problem
from planboard.transfer.read import Row


def _default(value, default):
    return default if value is None else value


def _field_default(name: str):
    return Plan._meta.get_field(name).default


class RowChecks:
    """The per-sheet row checks of `PlanCheck`; see the module docstring for the state they use."""

    user: Any
    problems: list[Problem]
    rows: dict[str, list[Row]]
    plan: Item | None
    items: dict[type[Model], list[Item]]
    known: dict[type[Model], dict]

    # --- Looking up what a row names -------------------------------------------------------------

    def _lookup(self, model, field_name: str, *sheets, column: str) -> dict[str, Model]:
        wanted = {str(row.values.get(column) or "").strip() for s in sheets for row in self.rows[s.sheet]} - {""}
        return {getattr(obj, field_name): obj for obj in model.objects.filter(**{f"{field_name}__in": wanted})}

    def _resolve(self, check: RowCheck, values: dict, name: str, found: dict, what: str) -> None:
        """Put the row `name` names into `values` (when the column is there), or report it unknown."""
        if name not in check.row.values:
            return
        text = str(check.row.values.get(name) or "").strip()
        if text and text not in found:
            check.problem(name, f"Unknown {name}: no {what} “{text}”.")
        values[name] = found.get(text)

    # --- The plan row ---------------------------------------------------------------------------

    def _check_plan(self) -> None:
        rows = self.rows[layouts.PLAN.sheet]
        if len(rows) != 1:
            row = rows[1] if len(rows) > 1 else Row(layouts.PLAN.sheet, 2, {})
            rule = f"The Plan sheet needs exactly one row; it has {len(rows)}."
            RowCheck(row, self.problems).problem("slug", rule, "")
            return
        row = rows[0]
        check = RowCheck(row, self.problems)
        values = {
            "slug": check.text("slug", required=True),
            "title": check.text("title", required=True),
            "scope": check.choice("scope", Plan.Scope, default=Plan.Scope.ENTERPRISE),
            "vision": check.text("vision"),
            "mission": check.text("mission"),
            "start_fiscal_year": check.whole("start_fiscal_year", required=True),
            "end_fiscal_year": check.whole("end_fiscal_year", required=True),
            "fiscal_year_start_month": _default(
                check.whole("fiscal_year_start_month"), _field_default("fiscal_year_start_month")
            ),
            "status": check.choice("status", Plan.Status, default=Plan.Status.DRAFT),
            "is_published": check.flag("is_published"),
            "is_sample": check.flag("is_sample"),
            "metric_share": _default(check.decimal("metric_share", percent="fraction"), _field_default("metric_share")),
            "update_cadence_days": _default(check.whole("update_cadence_days"), _field_default("update_cadence_days")),
        }
        values = {name: value for name, value in values.items() if name in row.values}
        slugs = {str(row.values.get(name) or "").strip() for name in ("slug", "parent")} - {""}
        plans = {p.slug: p for p in Plan.objects.filter(slug__in=slugs).select_related("department", "parent")}
        self._resolve(
            check,
            values,
            "department",
            {d.slug: d for d in Department.objects.filter(slug=str(row.values.get("department") or "").strip())},
            "department with the slug",
        )
        self._resolve(check, values, "parent", plans, "plan with the slug")
        item = Item(Plan, row, values.get("slug"), values)
        item.existing = plans.get(item.key)
        if item.existing is not None and not permissions.can_view_plan(self.user, item.existing):
            check.problem("slug", "Another plan already uses this slug; choose another.")
            return
        if not item.key:
            return
        # Checked even when the plan row has problems, so the other sheets' problems are listed too.
        self.plan = item
        self._finish(item)

    # --- One row of each kind --------------------------------------------------------------------

    def _keyed(self, model, row: Row, check: RowCheck, key, values: dict, refs: dict | None = None) -> Item | None:
        if not check.ok or key in (None, ""):
            return None
        for other in self.items[model]:
            if other.key == key:
                check.problem(
                    row_key_column(model),
                    f"Duplicate row: row {other.row.number} already has {describe(model, key)}; keep one.",
                )
                return None
        present = {name: value for name, value in values.items() if name in row.values or name in KEY_FIELDS}
        item = Item(model, row, key, present, refs or {}, existing=self.known[model].get(key))
        self.items[model].append(item)
        return item

    def _theme(self, row: Row) -> None:
        check = RowCheck(row, self.problems)
        values = {
            "name": check.text("name", required=True),
            "description": check.text("description"),
            "order": _default(check.whole("order", low=0), 0),
        }
        self._keyed(Theme, row, check, values["name"], values)

    def _goal(self, row: Row) -> None:
        check = RowCheck(row, self.problems)
        values = {
            "number": check.whole("number", required=True, low=1),
            "title": check.text("title", required=True),
            "description": check.text("description"),
            "weight": _default(check.decimal("weight"), 1),
        }
        self._keyed(Goal, row, check, values["number"], values)

    def _objective(self, row: Row) -> None:
        check = RowCheck(row, self.problems)
        number = check.whole("goal", required=True, low=1)
        values = {
            "code": check.text("code", required=True),
            "title": check.text("title", required=True),
            "description": check.text("description"),
            "term": check.choice("term", Term, default=Term.SHORT),
            "weight": _default(check.decimal("weight"), 1),
        }
        links = {"aligned_to": check.codes("aligned_to")} if "aligned_to" in row.values else {}
        if number is not None and not self._has(Goal, number):
            check.problem("goal", f"Unknown goal: the plan has no goal numbered {number}; add it to the Goals sheet.")
        item = self._keyed(Objective, row, check, values["code"], values, refs={"goal": (Goal, number)})
        if item is not None:
            item.links = links

    def _metric(self, row: Row, people: dict) -> None:
        check = RowCheck(row, self.problems)
        code = check.text("objective", required=True)
        # A percent-formatted baseline or target is read in percent points when the unit is %.
        percent = "points" if is_percent_unit(str(row.values.get("unit") or "")) else "refuse"
        values = {
            "name": check.text("name", required=True),
            "description": check.text("description"),
            "unit": check.text("unit", required=True),
            "direction": check.choice("direction", Metric.Direction, default=Metric.Direction.UP),
            "baseline": check.decimal("baseline", required=True, percent=percent),
            "baseline_date": check.date("baseline_date", required=True),
            "target": check.decimal("target", required=True, percent=percent),
            "target_date": check.date("target_date", required=True),
            "frequency": check.choice("frequency", Metric.Frequency, default=Metric.Frequency.QUARTERLY),
        }
        self._resolve(check, values, "owner", people, "user with the username")
        if code and not self._has(Objective, code):
            check.problem(
                "objective",
                f"Unknown objective: the plan has no objective coded {code}; add it to the Objectives sheet.",
            )
        self._keyed(Metric, row, check, (code, values["name"]), values, refs={"objective": (Objective, code)})

    def _initiative(self, row: Row, people: dict, departments: dict) -> None:
        check = RowCheck(row, self.problems)
        values = {
            "code": check.text("code", required=True),
            "title": check.text("title", required=True),
            "description": check.text("description"),
            "term": check.choice("term", Term, default=Term.SHORT),
            "status": check.choice("status", InitiativeStatus, default=InitiativeStatus.NOT_STARTED),
            "percent_complete": _default(check.whole("percent_complete", low=0, high=100, percent=True), 0),
            "start_date": check.date("start_date"),
            "target_date": check.date("target_date"),
            "completed_date": check.date("completed_date"),
            "budget_estimate": check.decimal("budget_estimate"),
            "budget_actual": check.decimal("budget_actual"),
            "update_cadence_days": check.whole("update_cadence_days", low=1),
        }
        self._resolve(check, values, "owner", people, "user with the username")
        self._resolve(check, values, "department", departments, "department with the slug")
        links = {name: check.codes(name) for name in ("supports", "aligned_to") if name in row.values}
        theme = str(row.values.get("theme") or "").strip()
        if theme and not self._has(Theme, theme):
            check.problem("theme", f"Unknown theme: the plan has no theme named “{theme}”; add it to the Themes sheet.")
        refs = {"theme": (Theme, theme or None)} if "theme" in row.values else {}
        item = self._keyed(Initiative, row, check, values["code"], values, refs=refs)
        if item is None:
            return
        item.links = links

    def _has(self, model, key) -> bool:
        return key in self.known[model] or any(item.key == key for item in self.items[model])
