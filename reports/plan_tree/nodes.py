"""The values a plan tree is made of: frozen dataclasses and tuples, no model instances, and the
tree that holds them with its indexes (a goal's objectives, an objective's supporters...).

A field with a default is filled only when the read asks for it (`_detail`: detail=True;
`_option`: an option such as readings="latest"); see reports.plan_tree.read.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from planboard.core.fiscal import fiscal_year_end
from planboard.core.progress import PlanWindow


def _detail(source: str | None = None, default=None):
    """A field read only with detail=True; `source` names it across a join (owner__username)."""
    return field(default=default, metadata={"detail": source})


def _option():
    """A field filled only by an option (the latest reading), never read as a column."""
    return field(default=None, metadata={"option": True})


@dataclass(frozen=True, slots=True)
class Cached:
    """The figures the progress engine cached on the row; every node has them."""

    progress: float | None
    pace: float | None
    health: str
    computed_at: datetime.datetime | None


@dataclass(frozen=True, slots=True)
class PlanNode(Cached):
    id: int
    title: str
    slug: str
    scope: str
    status: str
    vision: str
    mission: str
    start_fiscal_year: int
    end_fiscal_year: int
    fiscal_year_start_month: int
    metric_share: Decimal
    update_cadence_days: int
    is_published: bool
    is_sample: bool
    needs_recalculation: bool
    department_id: int | None
    parent_id: int | None
    department_name: str | None = _detail("department__name")
    department_slug: str | None = _detail("department__slug")
    parent_slug: str | None = _detail("parent__slug")

    @property
    def window(self) -> PlanWindow:
        return PlanWindow(self.start_fiscal_year, self.end_fiscal_year, self.fiscal_year_start_month)

    @property
    def ends_on(self) -> datetime.date:
        return fiscal_year_end(self.end_fiscal_year, self.fiscal_year_start_month)


@dataclass(frozen=True, slots=True)
class GoalNode(Cached):
    id: int
    number: int
    title: str
    weight: Decimal
    description: str = _detail(default="")


@dataclass(frozen=True, slots=True)
class ObjectiveNode(Cached):
    id: int
    goal_id: int
    code: str
    title: str
    term: str
    weight: Decimal
    description: str = _detail(default="")


@dataclass(frozen=True, slots=True)
class MetricNode(Cached):
    id: int
    objective_id: int
    name: str
    unit: str
    direction: str
    baseline: Decimal
    baseline_date: datetime.date
    target: Decimal
    target_date: datetime.date
    frequency: str
    latest_value: Decimal | None = _option()
    latest_on: datetime.date | None = _option()
    reading_count: int | None = _option()
    description: str = _detail(default="")
    owner_username: str | None = _detail("owner__username")


@dataclass(frozen=True, slots=True)
class InitiativeNode(Cached):
    id: int
    code: str
    title: str
    status: str
    percent_complete: int
    term: str
    start_date: datetime.date | None
    target_date: datetime.date | None
    completed_date: datetime.date | None
    last_update_on: datetime.date | None
    update_cadence_days: int | None
    theme_id: int | None
    department_id: int | None
    description: str = _detail(default="")
    budget_estimate: Decimal | None = _detail()
    budget_actual: Decimal | None = _detail()
    theme_name: str | None = _detail("theme__name")
    department_name: str | None = _detail("department__name")
    department_slug: str | None = _detail("department__slug")
    owner_username: str | None = _detail("owner__username")
    owner_first_name: str | None = _detail("owner__first_name")
    owner_last_name: str | None = _detail("owner__last_name")

    @property
    def owner_name(self) -> str:
        """The owner's full name, or user name when they have none; "" without an owner."""
        full = f"{self.owner_first_name or ''} {self.owner_last_name or ''}".strip()
        return full or self.owner_username or ""


class PartNode(NamedTuple):
    id: int
    name: str
    description: str
    order: int


class Reading(NamedTuple):
    period_end: datetime.date
    value: Decimal
    note: str


class Update(NamedTuple):
    as_of: datetime.date
    status: str
    percent_complete: int
    narrative: str


class MilestoneRow(NamedTuple):
    title: str
    due: datetime.date
    done_on: datetime.date | None


class LinkTarget(NamedTuple):
    """An objective an item is aligned to, with its plan (often another plan than the item's)."""

    id: int
    code: str
    plan_id: int
    plan_slug: str


@dataclass
class PlanTree:
    plan: PlanNode
    goals: list[GoalNode] = field(default_factory=list)
    objectives: list[ObjectiveNode] = field(default_factory=list)
    metrics: list[MetricNode] = field(default_factory=list)
    initiatives: list[InitiativeNode] = field(default_factory=list)
    supports: list[tuple[int, int]] = field(default_factory=list)  # (initiative id, objective id)
    readings: dict[int, list[Reading]] = field(default_factory=dict)  # by metric, oldest first
    updates: dict[int, list[Update]] = field(default_factory=dict)  # by initiative, newest first
    milestones: dict[int, list[MilestoneRow]] = field(default_factory=dict)  # by initiative, by due date
    objective_links: dict[int, list[LinkTarget]] = field(default_factory=dict)  # aligned_to, by objective
    initiative_links: dict[int, list[LinkTarget]] = field(default_factory=dict)  # aligned_to, by initiative
    pillars: list[PartNode] = field(default_factory=list)
    drivers: list[PartNode] = field(default_factory=list)
    themes: list[PartNode] = field(default_factory=list)

    @cached_property
    def objectives_of(self) -> dict[int, list[ObjectiveNode]]:
        """Each goal's objectives, by goal id."""
        return _group(self.objectives, "goal_id")

    @cached_property
    def metrics_of(self) -> dict[int, list[MetricNode]]:
        """Each objective's metrics, by objective id."""
        return _group(self.metrics, "objective_id")

    @cached_property
    def supported(self) -> dict[int, list[int]]:
        """The ids of the objectives each initiative supports, by initiative id, in objective order."""
        order = {objective.id: n for n, objective in enumerate(self.objectives)}
        result: dict[int, list[int]] = defaultdict(list)
        for initiative_id, objective_id in sorted(self.supports, key=lambda pair: order.get(pair[1], len(order))):
            result[initiative_id].append(objective_id)
        return dict(result)

    @cached_property
    def supporters(self) -> dict[int, list[InitiativeNode]]:
        """The initiatives supporting each objective, by objective id, in code order."""
        result: dict[int, list[InitiativeNode]] = defaultdict(list)
        for initiative in self.initiatives:
            for objective_id in self.supported.get(initiative.id, ()):
                result[objective_id].append(initiative)
        return dict(result)


def _group(rows: list, key: str) -> dict[int, list]:
    result: dict[int, list] = defaultdict(list)
    for row in rows:
        result[getattr(row, key)].append(row)
    return dict(result)
