"""The whole plan streamed in the order of its export document, for the plan export
(reports.plan_export): goals by number, each goal's objectives by code, each objective's metrics
by name and each metric's readings by period, then initiatives by code with their supports,
links, status updates (newest first) and milestones (by due date).

Each kind of row is one query whatever the size of the plan, read through `.iterator()` (on
PostgreSQL a server-side cursor fetching CHUNK rows at a time), so only a chunk per open cursor
is held, never the plan. A kind of row below another comes sorted by its parent's place in the
document first (a reading by its metric's goal number, objective code and metric name), so that
the parent's children are one run of consecutive rows: `Runs.of(parent_id)` takes the next run,
the parents being asked for in the order they stream. `PlanStream.finish()` checks that every
row was taken; a row left over means the two orders disagreed, and is an error, never a silent
loss. Ties the pages leave to the database (two updates of one day saved at the same instant)
are broken by id, so the order is fixed.

The reads see one state of the plan only inside one snapshot: the caller opens it
(reports.plan_export). Cursors open when their first row is wanted, so rows are read as the
document is written.
"""

from collections.abc import Generator
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter, itemgetter

from goals.models import Goal, Metric, MetricReading, Objective, Plan
from initiatives.models import Initiative, Milestone, StatusUpdate
from reports.plan_tree.nodes import (
    GoalNode,
    InitiativeNode,
    MetricNode,
    ObjectiveNode,
    PartNode,
    PlanNode,
)
from reports.plan_tree.read import PARTS, _columns, _parts

CHUNK = 2000  # rows per fetch of a server-side cursor
_END = object()

# Each level's place in the document, as lookups from its own model, outermost first.
GOAL_ORDER = ("number", "id")
OBJECTIVE_ORDER = ("goal__number", "goal_id", "code", "id")
METRIC_ORDER = tuple(f"objective__{key}" for key in OBJECTIVE_ORDER[:-1]) + ("objective_id", "name", "id")
INITIATIVE_ORDER = ("code", "id")
# A link's target objectives in the order of reports.plan_tree.read._links: by plan (the plan's
# own ordering), goal number and code.
TARGET_ORDER = ("goal__plan", "goal__number", "code", "id")


def _under(prefix: str, order: tuple[str, ...]) -> list[str]:
    """A parent's order seen from its child through `prefix` (the parent's own id last)."""
    return [f"{prefix}__{key}" if key != "id" else f"{prefix}_id" for key in order]


class OrderError(RuntimeError):
    """Rows of the stream came in an order the document does not follow (a bug, never bad input)."""


class Runs:
    """Rows sorted by their parent's place in the document, `key(row)` being the parent's id;
    `of(parent_id)` takes the next parent's run, as a list (one parent's children: a metric's
    readings). The parents must be asked for in the order they stream."""

    def __init__(self, name: str, rows: Generator, key, pick=None) -> None:
        self.name, self._rows, self._groups, self._run = name, rows, groupby(rows, key), None
        self._pick = pick  # what of a row goes in the run (the whole row without it)

    def _next(self) -> None:
        self._run = next(self._groups, _END)

    def of(self, parent_id: int) -> list:
        if self._run is None:
            self._next()
        if self._run is _END or self._run[0] != parent_id:
            return []
        run = list(self._run[1] if self._pick is None else map(self._pick, self._run[1]))
        self._next()
        return run

    def close(self) -> None:
        self._rows.close()

    def finish(self) -> None:
        if self._run is None:
            self._next()
        if self._run is not _END:
            raise OrderError(f"{self.name}: rows of parent {self._run[0]} were left over; the orders disagree.")


def _children(name: str, queryset, parent: str, names: tuple[str, ...]) -> Runs:
    """Runs of rows by `parent`: named tuples of `parent` and `names` (a reading's `metric_id`,
    `period_end`, `value`, `note`)."""
    rows = queryset.values_list(parent, *names, named=True).iterator(chunk_size=CHUNK)
    return Runs(name, rows, itemgetter(0))


def _ids(name: str, queryset, parent: str, target: str) -> Runs:
    """Runs of one id (`target`) by `parent`: a supported objective's id by initiative."""
    rows = queryset.values_list(parent, target).iterator(chunk_size=CHUNK)
    return Runs(name, rows, itemgetter(0), itemgetter(1))


def _nodes(queryset, node: type) -> Generator:
    """`queryset` read as `node`s with every detail, streamed."""
    columns, joined = _columns(node, detail=True)
    return (node(**row) for row in queryset.values(*columns, **joined).iterator(chunk_size=CHUNK))


def _node_runs(name: str, queryset, node: type, parent: str) -> Runs:
    """Runs of `node`s by their attribute `parent` (a goal's objectives by `goal_id`)."""
    return Runs(name, _nodes(queryset, node), attrgetter(parent))


@dataclass
class PlanStream:
    plan: PlanNode
    pillars: list[PartNode]
    drivers: list[PartNode]
    themes: list[PartNode]
    goals: Generator[GoalNode]
    objectives: Runs  # ObjectiveNode by goal
    objective_links: Runs  # target objective id by objective
    metrics: Runs  # MetricNode by objective
    readings: Runs  # (metric_id, period_end, value, note) by metric
    initiatives: Generator[InitiativeNode]
    supports: Runs  # supported objective id by initiative, in objective order
    initiative_links: Runs  # target objective id by initiative
    updates: Runs  # (initiative_id, as_of, status, percent_complete, narrative) by initiative
    milestones: Runs  # (initiative_id, title, due, done_on) by initiative

    def finish(self) -> None:
        """Every row was taken by its parent (OrderError otherwise)."""
        for runs in (self.objectives, self.objective_links, self.metrics, self.readings):
            runs.finish()
        for runs in (self.supports, self.initiative_links, self.updates, self.milestones):
            runs.finish()

    def close(self) -> None:
        """Close every cursor still open: they must be closed inside the transaction that opened them."""
        self.goals.close()
        self.initiatives.close()
        for runs in (self.objectives, self.objective_links, self.metrics, self.readings):
            runs.close()
        for runs in (self.supports, self.initiative_links, self.updates, self.milestones):
            runs.close()


def plan_stream(plan_id: int) -> PlanStream:
    """The plan `plan_id` in document order (Plan.DoesNotExist when there is none). The plan and
    its pillars, drivers and themes are read at once (four queries); every other kind of row
    streams from its own query when it is first wanted (ten more)."""
    columns, joined = _columns(PlanNode, detail=True)
    found = (
        Plan.objects.filter(pk=plan_id)
        .annotate(needs_recalculation=Plan.pending_changes())
        .values(*columns, **joined)
        .first()
    )
    if found is None:
        raise Plan.DoesNotExist(f"No plan {plan_id}.")
    by_objective = _under("from_objective", OBJECTIVE_ORDER)
    by_initiative = _under("initiative", INITIATIVE_ORDER)
    in_plan = {"initiative__plan_id": plan_id}
    return PlanStream(
        plan=PlanNode(**found),
        **{name: _parts(model, plan_id) for name, model in PARTS.items()},
        goals=_nodes(Goal.objects.filter(plan_id=plan_id).order_by(*GOAL_ORDER), GoalNode),
        objectives=_node_runs(
            "objectives",
            Objective.objects.filter(goal__plan_id=plan_id).order_by(*OBJECTIVE_ORDER),
            ObjectiveNode,
            "goal_id",
        ),
        objective_links=_ids(
            "objective links",
            Objective.aligned_to.through.objects.filter(from_objective__goal__plan_id=plan_id).order_by(
                *by_objective, *_under("to_objective", TARGET_ORDER)
            ),
            "from_objective_id",
            "to_objective_id",
        ),
        metrics=_node_runs(
            "metrics",
            Metric.objects.filter(objective__goal__plan_id=plan_id).order_by(*METRIC_ORDER),
            MetricNode,
            "objective_id",
        ),
        readings=_children(
            "readings",
            MetricReading.objects.filter(metric__objective__goal__plan_id=plan_id).order_by(
                *_under("metric", METRIC_ORDER), "period_end"
            ),
            "metric_id",
            ("period_end", "value", "note"),
        ),
        initiatives=_nodes(Initiative.objects.filter(plan_id=plan_id).order_by(*INITIATIVE_ORDER), InitiativeNode),
        supports=_ids(
            "supports",
            Initiative.supports.through.objects.filter(**in_plan, objective__goal__plan_id=plan_id).order_by(
                *by_initiative, *_under("objective", OBJECTIVE_ORDER)
            ),
            "initiative_id",
            "objective_id",
        ),
        initiative_links=_ids(
            "initiative links",
            Initiative.aligned_to.through.objects.filter(**in_plan).order_by(
                *by_initiative, *_under("objective", TARGET_ORDER)
            ),
            "initiative_id",
            "objective_id",
        ),
        updates=_children(
            "updates",
            StatusUpdate.objects.filter(**in_plan).order_by(*by_initiative, "-as_of", "-created_at", "-id"),
            "initiative_id",
            ("as_of", "status", "percent_complete", "narrative"),
        ),
        milestones=_children(
            "milestones",
            Milestone.objects.filter(**in_plan).order_by(*by_initiative, "due", "title", "id"),
            "initiative_id",
            ("title", "due", "done_on"),
        ),
    )
