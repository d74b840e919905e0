"""Checking a whole-plan file (plan, themes, goals, objectives, metrics, initiatives) before any write.

Each row is identified by its external id, the key the city already uses and the database keeps
unique: the plan by its slug, a theme by name, a goal by number, an objective by code, a metric by
its objective's code and its name, an initiative by code. A row whose key exists is compared with
the stored row field by field; only rows that are new or differ are validated (with the model's
own rules), permission-checked (with the same rules the services apply) and later written, so a
re-import of an unchanged file writes nothing: no row, no history, no version bump.

A column left out of the file leaves that field as it is; a column present with an empty cell
sets the field's default (empty text, weight 1, no owner).

The per-sheet row checks live in `plan_rows` (mixed into `PlanCheck`), the `Item` each row
becomes in `plan_items`; here are reading the file in order, what the plan holds today, and
comparing, validating, permission-checking and linking each row.
"""

import copy

from django.contrib.auth import get_user_model
from django.db.models import Model, Prefetch

from goals import services as plan_services
from goals.models import Department, Goal, Metric, Objective, Plan, Theme
from goals.services import ItemRules
from initiatives.models import Initiative, InitiativeStatus, StatusUpdate
from initiatives.services import INITIATIVE_RULES
from planboard.transfer import layouts
from planboard.transfer.cells import RowCheck
from planboard.transfer.plan_items import Item, describe, row_key_column
from planboard.transfer.plan_rows import RowChecks
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


class PlanCheck(RowChecks):
    """Reads and checks a whole-plan file for `user`; `problems` collects everything wrong."""

    def __init__(self, user, problems: list[Problem]):
        self.user = user
        self.problems = problems
        self.rows: dict[str, list[Row]] = {layout.sheet: [] for layout in layouts.PLAN_SHEETS}
        self.plan: Item | None = None
        self.items: dict[type[Model], list[Item]] = {m: [] for m in (Theme, Goal, Objective, Metric, Initiative)}
        self.known: dict[type[Model], dict] = {}  # key -> stored row, for the plan being updated
        self.parent_objectives: dict[str, Objective] = {}
        self.past_states: set[tuple] | None = None  # (initiative id, status, percent, completed date)

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

    def _held_before(self, item: Item) -> bool:
        """Whether the row's status, percent and completion date are a state the initiative held
        before (its audit history and its status updates), as an older export of the plan shows it."""
        if not any(name in item.changed for name in STATUS_FIELDS):
            return False
        if self.past_states is None:
            plan_id = self.plan.existing.pk
            history = Initiative.history.filter(plan_id=plan_id).values_list(
                "id", "status", "percent_complete", "completed_date"
            )
            updates = StatusUpdate.objects.filter(initiative__plan_id=plan_id).values_list(
                "initiative_id", "status", "percent_complete", "as_of"
            )
            self.past_states = set(history) | {
                (pk, status, percent, as_of if status == InitiativeStatus.COMPLETED else None)
                for pk, status, percent, as_of in updates
            }
        state = tuple(item.values.get(name, getattr(item.existing, name)) for name in STATUS_FIELDS)
        return (item.existing.pk, *state) in self.past_states

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
            if item.model is Initiative and self._held_before(item):
                # An export taken before later status updates: its status cells are history, not a change.
                for name in STATUS_FIELDS:
                    item.changed.pop(name, None)
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

    def _plan_instance(self) -> Plan:
        """The plan as stored, or as it will be after the import when the file changes or creates it."""
        if self.plan.existing is not None and not self.plan.changed:
            return self.plan.existing
        return self._candidate(self.plan)

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


def _differs(existing: Model, name: str, value) -> bool:
    if name in RELATIONS:
        return getattr(existing, f"{name}_id") != getattr(value, "pk", value)
    return getattr(existing, name) != value
