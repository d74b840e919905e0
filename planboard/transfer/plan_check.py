"""Checking a whole-plan file (plan, themes, goals, objectives, metrics, initiatives) before any write.

Each row is identified by its external id, the key the city already uses and the database keeps
unique: the plan by its slug, a theme by name, a goal by number, an objective by code, a metric by
its objective's code and its name, an initiative by code. A row whose key exists is compared with
the stored row field by field; only rows that are new or differ are validated (with the model's
own rules), permission-checked (with the same rules the services apply) and later written, so a
re-import of an unchanged file writes nothing: no row, no history, no version bump.

A column left out of the file leaves that field as it is; a column present with an empty cell
sets the field's default (empty text, weight 1, no owner).
"""

import copy
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Prefetch

from goals import services as plan_services
from goals.models import Department, Goal, Metric, Objective, Plan, Term, Theme
from goals.services import ItemRules
from initiatives.models import Initiative, InitiativeStatus
from initiatives.services import INITIATIVE_RULES
from planboard.core import permissions
from planboard.transfer import layouts
from planboard.transfer.cells import RowCheck
from planboard.transfer.problems import Problem
from planboard.transfer.read import Row

# The rules the named services apply to each sheet's rows (see goals.services).
RULES: dict[type[Model], ItemRules] = {
    Plan: plan_services.PLAN_RULES,
    Theme: plan_services.THEME_RULES,
    Goal: plan_services.GOAL_RULES,
    Objective: plan_services.OBJECTIVE_RULES,
    Metric: plan_services.METRIC_RULES,
    Initiative: INITIATIVE_RULES,
}
RELATIONS = ("plan", "goal", "objective", "theme", "department", "owner", "parent")
# An initiative's reported status moves only through status updates (an append-only record).
STATUS_FIELDS = ("status", "percent_complete", "completed_date")


@dataclass
class Item:
    """One row of the file: its key, field values, links by code, and what it is in the database."""

    model: type[Model]
    row: Row
    key: Any
    values: dict[str, Any]
    refs: dict[str, tuple[type[Model], Any]] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)
    existing: Model | None = None
    changed: dict[str, Any] = field(default_factory=dict)
    saved: Model | None = None
    candidate: Model | None = None

    @property
    def needs_write(self) -> bool:
        return self.existing is None or bool(self.changed)


def _default(value, default):
    return default if value is None else value


def _field_default(name: str):
    return Plan._meta.get_field(name).default


class PlanCheck:
    """Reads and checks a whole-plan file for `user`; `problems` collects everything wrong."""

    def __init__(self, user, problems: list[Problem]):
        self.user = user
        self.problems = problems
        self.rows: dict[str, list[Row]] = {layout.sheet: [] for layout in layouts.PLAN_SHEETS}
        self.plan: Item | None = None
        self.items: dict[type[Model], list[Item]] = {m: [] for m in (Theme, Goal, Objective, Metric, Initiative)}
        self.known: dict[type[Model], dict] = {}  # key -> stored row, for the plan being updated
        self.parent_objectives: dict[str, Objective] = {}

    # --- Reading --------------------------------------------------------------------------------

    def run(self, rows) -> None:
        for row in rows:
            self.rows[row.sheet].append(row)
        self._check_plan()
        if self.plan is None:
            return
        self._load_stored()
        for row in self.rows[layouts.THEMES.sheet]:
            self._theme(row)
        for row in self.rows[layouts.GOALS.sheet]:
            self._goal(row)
        for row in self.rows[layouts.OBJECTIVES.sheet]:
            self._objective(row)
        people = self._lookup(get_user_model(), "username", layouts.METRICS, layouts.INITIATIVES, column="owner")
        departments = self._lookup(Department, "slug", layouts.INITIATIVES, column="department")
        for row in self.rows[layouts.METRICS.sheet]:
            self._metric(row, people)
        for row in self.rows[layouts.INITIATIVES.sheet]:
            self._initiative(row, people, departments)
        for model in self.items:
            for item in self.items[model]:
                self._finish(item)

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
            "metric_share": _default(check.decimal("metric_share"), _field_default("metric_share")),
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

    def _plan_instance(self) -> Plan:
        """The plan as stored, or as it will be after the import when the file changes or creates it."""
        if self.plan.existing is not None and not self.plan.changed:
            return self.plan.existing
        return self._candidate(self.plan)

    # --- What the plan holds today ---------------------------------------------------------------

    def _load_stored(self) -> None:
        plan = self.plan.existing
        parent = self.plan.values.get("parent", plan.parent if plan else None)
        if parent is not None:
            self.parent_objectives = {o.code: o for o in Objective.objects.filter(goal__plan=parent)}
        if plan is None:
            self.known = {m: {} for m in self.items}
            return
        ids_only = Objective.objects.only("id", "code", "goal_id")
        objectives = (
            Objective.objects.filter(goal__plan=plan)
            .select_related("goal__plan")
            .prefetch_related(Prefetch("aligned_to", ids_only))
        )
        self.known = {
            Theme: {t.name: t for t in plan.themes.all()},
            Goal: {g.number: g for g in plan.goals.all()},
            Objective: {o.code: o for o in objectives},
            Metric: {
                (m.objective.code, m.name): m
                for m in Metric.objects.filter(objective__goal__plan=plan).select_related("objective__goal__plan")
            },
            Initiative: {
                i.code: i
                for i in plan.initiatives.prefetch_related(
                    Prefetch("supports", ids_only), Prefetch("aligned_to", ids_only)
                )
            },
        }
        codes = [o.code for o in objectives]
        for code in sorted({c for c in codes if codes.count(c) > 1}):
            self.problems.append(
                Problem(
                    layouts.OBJECTIVES.sheet,
                    0,
                    "code",
                    code,
                    f"The plan has more than one "
                    f"objective coded {code}; the import identifies objectives by code, so "
                    "give each a distinct code first.",
                )
            )

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
        values = {
            "name": check.text("name", required=True),
            "description": check.text("description"),
            "unit": check.text("unit", required=True),
            "direction": check.choice("direction", Metric.Direction, default=Metric.Direction.UP),
            "baseline": check.decimal("baseline", required=True),
            "baseline_date": check.date("baseline_date", required=True),
            "target": check.decimal("target", required=True),
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
            "percent_complete": _default(check.whole("percent_complete", low=0, high=100), 0),
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

    # --- Comparing, validating and permission ----------------------------------------------------

    def _finish(self, item: Item) -> None:
        """Work out what would change, then validate and permission-check the row if anything would."""
        check = RowCheck(item.row, self.problems)
        rules = RULES[item.model]
        if item.existing is not None:
            item.changed = {name: value for name, value in item.values.items() if _differs(item.existing, name, value)}
            for name, (model, key) in item.refs.items():
                target = self._target(model, key)
                if getattr(item.existing, f"{name}_id") != getattr(target, "pk", None):
                    item.changed[name] = target
                    if name in rules.fixed:
                        check.problem(
                            name,
                            f"This {item.model._meta.verbose_name} belongs to another {name}; it "
                            f"cannot be moved. Create it again under a new {row_key_column(item.model)}.",
                        )
            for name in STATUS_FIELDS if item.model is Initiative else ():
                if name in item.changed:
                    check.problem(
                        name,
                        "An initiative's status and percent complete change through a status "
                        "update; import status updates, or leave the cell as exported.",
                    )
        if not self._link_problems(item, check) and item.existing is not None:
            for name in item.links:
                stored = sorted(o.pk for o in getattr(item.existing, name).all())
                targets = self._link_targets(item, name)
                if None in targets or sorted(t.pk for t in targets) != stored:
                    item.changed[name] = targets
        if not item.needs_write or not check.ok:
            return
        candidate = self._candidate(item)
        check.model_problems(candidate, exclude=list(RELATIONS))
        allowed = (
            rules.may_create(self.user, candidate)
            if item.existing is None
            else rules.may_change(self.user, item.existing) and rules.may_change(self.user, candidate)
        )
        if not allowed:
            action = "create" if item.existing is None else "change"
            column = row_key_column(item.model)
            check.problem(
                column,
                f"You may not {action} {describe(item.model, item.key)} in this plan.",
                item.row.values.get(column),
            )

    def _candidate(self, item: Item) -> Model:
        """The row as it would be after the import (unsaved), for validation and permission."""
        if item.candidate is not None:
            return item.candidate
        instance = copy.copy(item.existing) if item.existing is not None else item.model()
        for name, value in item.values.items():
            setattr(instance, name, value)
        if item.model in (Theme, Goal, Initiative):
            instance.plan = self._plan_instance()
        for name, (model, key) in item.refs.items():
            target = self._target(model, key)
            if target is not None or model is Theme:
                setattr(instance, name, target)
        item.candidate = instance
        return instance

    def _target(self, model, key) -> Model | None:
        """The stored row with `key`, or, when it is new in this file, the row it will be (unsaved)."""
        if key is None:
            return None
        if key in self.known[model]:
            return self.known[model][key]
        for item in self.items[model]:
            if item.key == key:
                return item.saved or self._candidate(item)
        return None

    def _link_targets(self, item: Item, name: str) -> list:
        """The objectives a link column names; None for one that is new in this file (not yet saved)."""
        targets = []
        for code in item.links[name]:
            slug, _, own = code.rpartition(":")
            if slug and slug != self.plan.key:
                targets.append(self.parent_objectives.get(own))
            else:
                targets.append(self.known[Objective].get(own))
        return targets

    def _link_problems(self, item: Item, check: RowCheck) -> bool:
        parent_slug = getattr(self.plan.values.get("parent") or getattr(self.plan.existing, "parent", None), "slug", "")
        bad = False
        for name, codes in item.links.items():
            for code in codes:
                slug, _, own = code.rpartition(":")
                if slug and slug != self.plan.key:
                    ok = name == "aligned_to" and slug == parent_slug and own in self.parent_objectives
                else:
                    ok = self._has(Objective, own) and (item.model is not Objective or own != item.key)
                if not ok:
                    bad = True
                    check.problem(
                        name,
                        f"Unknown objective “{code}”: use a code of this plan's objectives"
                        + (
                            f", or {parent_slug}:code for the enterprise plan's."
                            if name == "aligned_to" and parent_slug
                            else "."
                        ),
                        code,
                    )
        return bad


KEY_FIELDS = ("slug", "name", "number", "code")


def _differs(existing: Model, name: str, value) -> bool:
    if name in RELATIONS:
        return getattr(existing, f"{name}_id") != getattr(value, "pk", value)
    return getattr(existing, name) != value


def row_key_column(model) -> str:
    return {Plan: "slug", Theme: "name", Goal: "number", Objective: "code", Metric: "name", Initiative: "code"}[model]


def describe(model, key) -> str:
    if model is Metric:
        return f"the metric “{key[1]}” under objective {key[0]}"
    noun = model._meta.verbose_name
    return {Goal: f"goal {key}", Theme: f"the theme “{key}”"}.get(model, f"{noun} {key}")
