"""Explaining a figure: the inputs, weights and arithmetic behind any node's cached progress.

The one home of the arithmetic in words. The first half writes it from plain values, so the
same sentences serve the explain page and the API (read from the database through the plan tree
reader) and the report card (from its frozen data, years later). The figure a sentence ends on is
the stored one: a roll-up (weighted mean, blend) is never recomputed here, only its inputs are
written out. The second half builds a node's whole explanation from the database, in a fixed
number of queries.
"""

from collections.abc import Iterable

from django.db.models import Model

from goals.models import Goal, Metric, Objective, Plan
from initiatives.models import Initiative
from planboard.core import progress
from planboard.core.choices import InitiativeStatus
from reports.plan_tree import PlanTree, branch_tree

STATUS_LABELS = dict(InitiativeStatus.choices)
METHOD = {
    "initiative": "Initiative progress is percent complete / 100; completed = 1. Pace is the share of "
    "start → target date elapsed.",
    "metric": "Attainment = clamp((latest − baseline) / (target − baseline), 0, 1); pace is the share of "
    "baseline date → target date elapsed.",
    "objective": "Objective = metric_share × M + (1 − metric_share) × I, M the mean attainment of its metrics, "
    "I the mean progress of the counted initiatives supporting it. Pace: short term = the plan's first two "
    "fiscal years, long term = the whole plan.",
    "goal": "Goal = mean of its objectives weighted by objective weight; objectives with no figure are left out.",
    "plan": "Plan = mean of its goals weighted by goal weight; pace is the share of the plan's fiscal years elapsed.",
}


# --- The words, from plain values ------------------------------------------------------------


def number(value: float | None) -> str:
    """A fraction written to three decimals, as in the method's arithmetic; "none" for none."""
    return "none" if value is None else f"{value:.3f}"


def initiative_arithmetic(*, status: str, percent_complete: int) -> str:
    if not progress.is_counted(status):
        return f"{STATUS_LABELS.get(status, status)}: shown, left out of roll-ups."
    if status == InitiativeStatus.COMPLETED:
        return "completed, so 1"
    return f"percent complete / 100 = {percent_complete} / 100"


def metric_arithmetic(*, baseline, target, latest) -> str:
    """The attainment written out from the metric's own inputs (Decimals print as stored)."""
    if latest is None:
        return "No reading yet, so no figure (none never counts as zero)."
    if target == baseline:
        return "The target equals the baseline, so there is nothing to measure and no figure."
    raw = (float(latest) - float(baseline)) / (float(target) - float(baseline))
    return (
        f"clamp(({latest} − {baseline}) / ({target} − {baseline}), 0, 1) "
        f"= clamp({raw:.3f}, 0, 1) = {number(progress.clamp(raw))}"
    )


def objective_sides(metrics: Iterable[dict], initiatives: Iterable[dict]) -> tuple[float | None, float | None]:
    """M and I of an objective: the plain means of its metrics' and of its counted initiatives' figures."""
    return (
        progress.mean(m["progress"] for m in metrics),
        progress.mean(i["progress"] for i in initiatives if i["counted"]),
    )


def objective_arithmetic(
    *, metric_share, metric_mean: float | None, initiative_mean: float | None, result: float | None
) -> str:
    """The blend of M and I, ending on the objective's stored figure `result`."""
    share = float(metric_share)
    if metric_mean is None and initiative_mean is None:
        return "Neither metrics nor initiatives have a figure yet, so there is none."
    if metric_mean is None or initiative_mean is None:
        return (
            f"M = {number(metric_mean)}, I = {number(initiative_mean)}: only one side has a figure, so it stands alone."
        )
    return (
        f"{share:g} × M + {1 - share:g} × I = {share:g} × {number(metric_mean)} + {1 - share:g} × "
        f"{number(initiative_mean)} = {number(result)}"
    )


def weighted_arithmetic(children: Iterable[dict]) -> str:
    """(p₁ × w₁ + …) / (w₁ + …) over the children (dicts with progress and weight) that have a figure."""
    counted = [c for c in children if c["progress"] is not None and float(c["weight"]) > 0]
    if not counted:
        return "No child has a figure yet, so there is none here (none never counts as zero)."
    top = " + ".join(f"{number(c['progress'])} × {float(c['weight']):g}" for c in counted)
    bottom = " + ".join(f"{float(c['weight']):g}" for c in counted)
    return f"({top}) / ({bottom})"


def grade_arithmetic(
    *, progress_value: float | None, pace: float | None, ratio: float | None, grade: str | None
) -> str:
    """The grade from the stored ratio and letter."""
    if progress_value is None:
        return "No progress figure, so not graded."
    if not pace:
        return "Nothing was expected yet (pace 0), so the ratio is 1 → A."
    return f"ratio = min({number(progress_value)} / {number(pace)}, 1) = {number(ratio)} → {grade}"


# --- A node's explanation, from the database -------------------------------------------------


def _summary(node) -> dict:
    grade = progress.grade(node.progress, node.pace)
    ratio = progress.grade_ratio(node.progress, node.pace)
    return {
        "progress": node.progress,
        "pace": node.pace,
        "health": node.health,
        "grade": grade,
        "grade_arithmetic": grade_arithmetic(progress_value=node.progress, pace=node.pace, ratio=ratio, grade=grade),
        "computed_at": node.computed_at,
    }


def explain_initiative(tree: PlanTree) -> dict:
    initiative = tree.initiatives[0]
    return {
        "node": "initiative",
        "id": initiative.id,
        "title": f"{initiative.code} {initiative.title}",
        **_summary(initiative),
        "inputs": {
            "status": initiative.status,
            "percent_complete": initiative.percent_complete,
            "start_date": initiative.start_date,
            "target_date": initiative.target_date,
            "last_update_on": initiative.last_update_on,
        },
        "counted_in_roll_ups": progress.is_counted(initiative.status),
        "arithmetic": initiative_arithmetic(status=initiative.status, percent_complete=initiative.percent_complete),
        "method": METHOD["initiative"],
    }


def explain_metric(tree: PlanTree) -> dict:
    metric = tree.metrics[0]
    inputs = {
        "baseline": metric.baseline,
        "baseline_date": metric.baseline_date,
        "target": metric.target,
        "target_date": metric.target_date,
        "direction": metric.direction,
        "latest_value": metric.latest_value,
        "latest_period_end": metric.latest_on,
    }
    return {
        "node": "metric",
        "id": metric.id,
        "title": metric.name,
        **_summary(metric),
        "inputs": inputs,
        "arithmetic": metric_arithmetic(baseline=metric.baseline, target=metric.target, latest=metric.latest_value),
        "method": METHOD["metric"],
    }


def explain_objective(tree: PlanTree) -> dict:
    objective = tree.objectives[0]
    share = float(tree.plan.metric_share)
    metrics = [{"id": m.id, "name": m.name, "progress": m.progress} for m in tree.metrics_of.get(objective.id, [])]
    initiatives = [
        {
            "id": i.id,
            "code": i.code,
            "title": i.title,
            "status": i.status,
            "progress": i.progress,
            "counted": progress.is_counted(i.status),
        }
        for i in tree.supporters.get(objective.id, [])
    ]
    metric_mean, initiative_mean = objective_sides(metrics, initiatives)
    return {
        "node": "objective",
        "id": objective.id,
        "title": f"{objective.code} {objective.title}",
        **_summary(objective),
        "inputs": {
            "metric_share": share,
            "term": objective.term,
            "metrics": metrics,
            "initiatives": initiatives,
            "metric_mean": metric_mean,
            "initiative_mean": initiative_mean,
        },
        "arithmetic": objective_arithmetic(
            metric_share=share, metric_mean=metric_mean, initiative_mean=initiative_mean, result=objective.progress
        ),
        "method": METHOD["objective"],
    }


def explain_goal(tree: PlanTree) -> dict:
    goal = tree.goals[0]
    children = [
        {"id": o.id, "code": o.code, "title": o.title, "progress": o.progress, "weight": o.weight}
        for o in tree.objectives
    ]
    return {
        "node": "goal",
        "id": goal.id,
        "title": f"Goal {goal.number}: {goal.title}",
        **_summary(goal),
        "inputs": {"objectives": children},
        "arithmetic": weighted_arithmetic(children),
        "method": METHOD["goal"],
    }


def explain_plan(tree: PlanTree) -> dict:
    plan = tree.plan
    children = [
        {"id": g.id, "number": g.number, "title": g.title, "progress": g.progress, "weight": g.weight}
        for g in tree.goals
    ]
    return {
        "node": "plan",
        "id": plan.id,
        "title": plan.title,
        **_summary(plan),
        "inputs": {"goals": children, "metric_share": float(plan.metric_share)},
        "arithmetic": weighted_arithmetic(children),
        "method": METHOD["plan"],
    }


# kind, the explainer, and how deep below the node the plan tree is read for it
EXPLAINERS = {
    Plan: ("plan", explain_plan, "goals"),
    Goal: ("goal", explain_goal, "objectives"),
    Objective: ("objective", explain_objective, None),
    Metric: ("metric", explain_metric, None),
    Initiative: ("initiative", explain_initiative, None),
}


def progress_explain(node: Model) -> dict:
    """The inputs, weights and arithmetic behind `node`'s cached figure (plan, goal, objective, metric, initiative)."""
    try:
        kind, explainer, depth = EXPLAINERS[type(node)]
    except KeyError:
        raise TypeError(f"Cannot explain a {type(node).__name__}.") from None
    return explainer(branch_tree(kind, node.pk, depth=depth))
