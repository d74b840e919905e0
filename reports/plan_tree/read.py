"""Reading a plan tree: one `.values()` query per kind of row, whatever the size of the plan
(see reports.plan_tree for the options)."""

import datetime
from collections import defaultdict
from dataclasses import fields
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from goals import selectors as goals_selectors
from goals.models import (
    PROGRESS_FIELDS,
    REPORT_FIELDS,
    BusinessDriver,
    Goal,
    Metric,
    MetricReading,
    Objective,
    Pillar,
    Plan,
    Theme,
)
from initiatives.models import Initiative, Milestone, StatusUpdate
from planboard.core.periods import ReportingCalendar
from planboard.core.progress import PlanInputs, PlanWindow
from reports.plan_tree.nodes import (
    GoalNode,
    InitiativeNode,
    LinkTarget,
    MetricNode,
    MilestoneRow,
    ObjectiveNode,
    PartNode,
    PlanNode,
    PlanTree,
    Reading,
    Update,
)

LEVELS = ("goals", "objectives", "metrics", "initiatives")  # what `depth` may name, top down
PARTS = {"pillars": Pillar, "drivers": BusinessDriver, "themes": Theme}
ALL_PARTS = tuple(PARTS)


def _columns(node: type, *, detail: bool) -> tuple[list[str], dict]:
    """The columns a `node` is read from: the fields without a default always, the `_detail` ones
    with `detail` (those across a join as expressions, by field name)."""
    columns, joined = [], {}
    for item in fields(node):
        if item.metadata.get("option") or ("detail" in item.metadata and not detail):
            continue
        if item.metadata.get("detail"):
            joined[item.name] = F(item.metadata["detail"])
        else:
            columns.append(item.name)
    return columns, joined


def _rows(queryset, node: type, *, detail: bool, adjust=None, **annotations) -> list:
    """`queryset` read as `node`s (see _columns); `adjust(row)` may correct a row's values before
    the node is made."""
    columns, joined = _columns(node, detail=detail)
    rows = queryset.values(*columns, **joined, **annotations)
    if adjust is None:
        return [node(**row) for row in rows]
    return [node(**adjust(row)) for row in rows]


def _prefixed(prefix: str, lookups: dict) -> dict:
    return {f"{prefix}{name}": value for name, value in lookups.items()}


def _plan_filters(plan_id: int) -> dict[str, dict]:
    """Each kind of row of one plan. Supports count only within the plan, as the method does."""
    return {
        "goals": {"plan_id": plan_id},
        "objectives": {"goal__plan_id": plan_id},
        "metrics": {"objective__goal__plan_id": plan_id},
        "initiatives": {"plan_id": plan_id},
        "supports": {"initiative__plan_id": plan_id, "objective__goal__plan_id": plan_id},
    }


def _branch_filters(kind: str, pk: int) -> tuple[dict, dict[str, dict]]:
    """The branch of one node: how to find its plan, and per kind of row the rows of the node and
    below it. A kind left out holds nothing of the branch and is not read."""
    match kind:
        case "goal":
            supporting = Initiative.supports.through.objects.filter(objective__goal_id=pk).values("initiative_id")
            return {"goals": pk}, {
                "goals": {"pk": pk},
                "objectives": {"goal_id": pk},
                "metrics": {"objective__goal_id": pk},
                "initiatives": {"pk__in": supporting},
                "supports": {"objective__goal_id": pk},
            }
        case "objective":
            return {"goals__objectives": pk}, {
                "objectives": {"pk": pk},
                "metrics": {"objective_id": pk},
                "initiatives": {"supports": pk},
                "supports": {"objective_id": pk},
            }
        case "metric":
            return {"goals__objectives__metrics": pk}, {"metrics": {"pk": pk}}
        case "initiative":
            return {"initiatives": pk}, {"initiatives": {"pk": pk}}
    raise ValueError(f"No plan tree branch for a {kind}.")


def _latest_first(as_of: datetime.date | None):
    """The readings of the metric of the outer query (as of a date), newest first."""
    readings = MetricReading.objects.filter(metric=OuterRef("pk"))
    if as_of is not None:
        readings = readings.filter(period_end__lte=as_of)
    return readings.order_by("-period_end")


def _metric_readings(as_of: datetime.date | None, count: bool) -> dict:
    """Annotations for each metric's latest reading (as of a date) and, with `count`, how many it has."""
    latest = _latest_first(as_of)
    annotations = {
        "latest_value": Subquery(latest.values("value")[:1]),
        "latest_on": Subquery(latest.values("period_end")[:1]),
    }
    if count:
        counted = latest.order_by().values("metric_id").annotate(n=Count("pk")).values("n")
        annotations["reading_count"] = Coalesce(Subquery(counted[:1]), 0)
    return annotations


READING_PLACES = Decimal(1).scaleb(-MetricReading._meta.get_field("value").decimal_places)


def _stored_places(row: dict) -> dict:
    """The latest value with the decimal places it is stored with (SQLite drops them through a subquery)."""
    if row["latest_value"] is not None:
        row["latest_value"] = row["latest_value"].quantize(READING_PLACES)
    return row


def _links(through, source: str, target: str, lookups: dict) -> dict[int, list[LinkTarget]]:
    """`aligned_to` links from `source` rows to objectives, in the objectives' own order."""
    rows = (
        through.objects.filter(**_prefixed(f"{source}__", lookups))
        .order_by(f"{target}__goal__plan", f"{target}__goal__number", f"{target}__code")
        .values_list(
            f"{source}_id", f"{target}_id", f"{target}__code", f"{target}__goal__plan_id", f"{target}__goal__plan__slug"
        )
    )
    result: dict[int, list[LinkTarget]] = defaultdict(list)
    for source_id, *link in rows:
        result[source_id].append(LinkTarget(*link))
    return result


def _parts(model, plan_id: int) -> list[PartNode]:
    rows = model.objects.filter(plan_id=plan_id).order_by("order", "name")
    return [PartNode(*row) for row in rows.values_list("id", "name", "description", "order")]


def plan_inputs(plan_id: int, *, stored: dict[str, dict[int, tuple]] | None = None) -> PlanInputs:
    """What planboard.core.progress.compute_plan reads, and only that, as the dict rows it reads:
    six queries. The recalculation runs after every change, so this read of the tree keeps to the
    method's columns, makes no nodes and sorts nothing.

    With `stored` (a dict), the same queries also read each row's cached figures as they are now,
    into `stored[level][id] = (progress, pace, health, computed)` for the levels "plan", "goals",
    "objectives", "metrics" and "initiatives", so the recalculation writes only what changed.
    """
    figures = {f"stored_{name}": F(name) for name in PROGRESS_FIELDS} if stored is not None else {}
    reporting = {f"stored_{name}": F(name) for name in REPORT_FIELDS} if stored is not None else {}
    plan = (
        Plan.objects.values(
            "start_fiscal_year",
            "end_fiscal_year",
            "fiscal_year_start_month",
            "metric_share",
            "update_cadence_days",
            "reporting_cadence",
            "reporting_due_days",
            "status",
        )
        .annotate(closed_through=goals_selectors.closed_through(), **figures)
        .get(pk=plan_id)
    )
    scope = _plan_filters(plan_id)
    if stored is not None:
        stored["plan"] = {plan_id: _stored_figures(plan)}

    def rows(model, level: str, *names: str, **annotations) -> list[dict]:
        # .order_by(): the models' default orderings would add joins and sorts the method does not need.
        reported = reporting if level in ("initiatives", "metrics") else {}
        found = list(
            model.objects.filter(**scope[level]).order_by().values(*names, **annotations, **figures, **reported)
        )
        if stored is not None:
            stored[level] = {row["id"]: _stored_figures(row) for row in found}
            if reported:
                stored[f"{level}_reporting"] = {
                    row["id"]: tuple(row.pop(f"stored_{name}") for name in REPORT_FIELDS) for row in found
                }
        return found

    return PlanInputs(
        window=PlanWindow(plan["start_fiscal_year"], plan["end_fiscal_year"], plan["fiscal_year_start_month"]),
        metric_share=float(plan["metric_share"]),
        cadence_days=plan["update_cadence_days"],
        reporting=ReportingCalendar(
            plan["reporting_cadence"], plan["fiscal_year_start_month"], plan["reporting_due_days"]
        ),
        reports_owed=plan["status"] != Plan.Status.ARCHIVED,
        closed_through=plan["closed_through"],
        goals=rows(Goal, "goals", "id", "weight"),
        objectives=rows(Objective, "objectives", "id", "goal_id", "weight", "term"),
        metrics=rows(
            Metric,
            "metrics",
            "id",
            "objective_id",
            "baseline",
            "target",
            "baseline_date",
            "target_date",
            "frequency",
            latest_value=Subquery(_latest_first(None).values("value")[:1]),
            latest_on=Subquery(_latest_first(None).values("period_end")[:1]),
        ),
        initiatives=rows(
            Initiative,
            "initiatives",
            "id",
            "status",
            "percent_complete",
            "start_date",
            "target_date",
            "term",
            "last_update_on",
            "update_cadence_days",
            latest_period_end=Subquery(
                StatusUpdate.objects.filter(initiative=OuterRef("pk"), period_ends_on__isnull=False)
                .order_by("-period_ends_on")
                .values("period_ends_on")[:1]
            ),
        ),
        supports=list(
            Initiative.supports.through.objects.filter(**scope["supports"])
            .order_by()
            .values_list("initiative_id", "objective_id")
        ),
    )


def _stored_figures(row: dict) -> tuple:
    """Pop the cached figures read beside a row: (progress, pace, health, whether ever computed)."""
    progress, pace, health = (row.pop(f"stored_{name}") for name in ("progress", "pace", "health"))
    return progress, pace, health, row.pop("stored_computed_at") is not None


def plan_tree(plan_id: int, **options) -> PlanTree:
    """The whole plan `plan_id` (Plan.DoesNotExist when there is none); see the module for `options`."""
    return _read({"pk": plan_id}, None, **options)


def branch_tree(kind: str, pk: int, **options) -> PlanTree:
    """The plan of one node (`kind` "plan", "goal", "objective", "metric", "initiative"), the node
    and what lies below it; Plan.DoesNotExist when no plan holds that node."""
    if kind == "plan":
        return plan_tree(pk, **options)
    plan_lookup, branch = _branch_filters(kind, pk)
    return _read(plan_lookup, branch, **options)


def _read(
    plan_lookup: dict,
    branch: dict[str, dict] | None,
    *,
    depth: str | None = None,
    as_of: datetime.date | None = None,
    detail: bool = False,
    readings: str | None = "latest",
    count_readings: bool = False,
    history: bool = False,
    links: bool = False,
    parts: tuple[str, ...] = (),
) -> PlanTree:
    found = _rows(
        Plan.objects.filter(**plan_lookup).annotate(needs_recalculation=Plan.pending_changes()), PlanNode, detail=True
    )
    if not found:
        raise Plan.DoesNotExist(f"No plan holds {plan_lookup}.")
    tree = PlanTree(plan=found[0])
    plan_id = tree.plan.id
    read = set(LEVELS[: LEVELS.index(depth) + 1] if depth else LEVELS) | {"supports"}
    if not {"objectives", "initiatives"} <= read:
        read.discard("supports")
    scope = {
        level: {**lookups, **(branch or {}).get(level, {})}
        for level, lookups in _plan_filters(plan_id).items()
        if level in read and (branch is None or level in branch)
    }
    if "goals" in scope:
        tree.goals = _rows(Goal.objects.filter(**scope["goals"]).order_by("number"), GoalNode, detail=detail)
    if "objectives" in scope:
        goal_order = {goal.id: n for n, goal in enumerate(tree.goals)}
        objectives = _rows(
            Objective.objects.filter(**scope["objectives"]).order_by("code"), ObjectiveNode, detail=detail
        )
        tree.objectives = sorted(objectives, key=lambda o: goal_order.get(o.goal_id, len(goal_order)))
    if "metrics" in scope:
        objective_order = {objective.id: n for n, objective in enumerate(tree.objectives)}
        latest = _metric_readings(as_of, count_readings) if readings == "latest" else {}
        metrics = _rows(
            Metric.objects.filter(**scope["metrics"]).order_by("name"),
            MetricNode,
            detail=detail,
            adjust=_stored_places if latest else None,
            **latest,
        )
        tree.metrics = sorted(metrics, key=lambda m: objective_order.get(m.objective_id, len(objective_order)))
        if readings == "all":
            tree.readings = _all_readings(scope["metrics"], as_of)
    if "initiatives" in scope:
        tree.initiatives = _rows(
            Initiative.objects.filter(**scope["initiatives"]).order_by("code"), InitiativeNode, detail=detail
        )
        if history:
            tree.updates, tree.milestones = _history(scope["initiatives"])
    if "supports" in scope:
        tree.supports = list(
            Initiative.supports.through.objects.filter(**scope["supports"])
            .order_by()
            .values_list("initiative_id", "objective_id")
        )
    if links:
        if "objectives" in scope:
            tree.objective_links = _links(
                Objective.aligned_to.through, "from_objective", "to_objective", scope["objectives"]
            )
        if "initiatives" in scope:
            tree.initiative_links = _links(
                Initiative.aligned_to.through, "initiative", "objective", scope["initiatives"]
            )
    for name in parts:
        setattr(tree, name, _parts(PARTS[name], plan_id))
    return tree


def _all_readings(metric_lookups: dict, as_of: datetime.date | None) -> dict[int, list[Reading]]:
    rows = MetricReading.objects.filter(**_prefixed("metric__", metric_lookups))
    if as_of is not None:
        rows = rows.filter(period_end__lte=as_of)
    result: dict[int, list[Reading]] = defaultdict(list)
    for metric_id, *reading in rows.order_by("metric_id", "period_end").values_list(
        "metric_id", "period_end", "value", "note"
    ):
        result[metric_id].append(Reading(*reading))
    return result


def _history(initiative_lookups: dict) -> tuple[dict[int, list[Update]], dict[int, list[MilestoneRow]]]:
    """Each initiative's status updates, newest first, and milestones, by due date."""
    lookups = _prefixed("initiative__", initiative_lookups)
    updates: dict[int, list[Update]] = defaultdict(list)
    for initiative_id, *update in (
        StatusUpdate.objects.filter(**lookups)
        .order_by("initiative_id", "-as_of", "-created_at")
        .values_list("initiative_id", "as_of", "status", "percent_complete", "narrative")
    ):
        updates[initiative_id].append(Update(*update))
    milestones: dict[int, list[MilestoneRow]] = defaultdict(list)
    for initiative_id, *milestone in (
        Milestone.objects.filter(**lookups)
        .order_by("initiative_id", "due", "title")
        .values_list("initiative_id", "title", "due", "done_on")
    ):
        milestones[initiative_id].append(MilestoneRow(*milestone))
    return updates, milestones
