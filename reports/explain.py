"""Explaining a figure: the inputs, weights and arithmetic behind any node's cached progress.

Pages, the API and the report card show this beside every figure so that a reader can redo it
with a calculator. It reads cached figures of the node's children (never recomputes a plan), in
a fixed number of queries.
"""

from django.db.models import Model

from goals.models import Goal, Metric, Objective, Plan
from initiatives.models import Initiative
from planboard.core import progress


def _pct(value: float | None) -> str:
    return "none" if value is None else f"{value:.3f}"


def _summary(node: Model) -> dict:
    return {
        "progress": node.progress,
        "pace": node.pace,
        "health": node.health,
        "grade": progress.grade(node.progress, node.pace),
        "computed_at": node.computed_at,
    }


def _weighted(children: list[dict]) -> str:
    counted = [c for c in children if c["progress"] is not None and float(c["weight"]) > 0]
    if not counted:
        return "No child has a figure yet, so there is none here (none never counts as zero)."
    top = " + ".join(f"{_pct(c['progress'])} × {float(c['weight']):g}" for c in counted)
    bottom = " + ".join(f"{float(c['weight']):g}" for c in counted)
    return f"({top}) / ({bottom})"


def explain_initiative(initiative: Initiative) -> dict:
    counted = progress.is_counted(initiative.status)
    rule = (
        "completed, so 1"
        if initiative.status == "completed"
        else f"percent complete / 100 = {initiative.percent_complete} / 100"
    )
    return {
        "node": "initiative", "id": initiative.pk, "title": str(initiative), **_summary(initiative),
        "inputs": {
            "status": initiative.status,
            "percent_complete": initiative.percent_complete,
            "start_date": initiative.start_date,
            "target_date": initiative.target_date,
            "last_update_on": initiative.last_update_on,
        },
        "counted_in_roll_ups": counted,
        "arithmetic": rule if counted else f"{initiative.get_status_display()}: shown, left out of roll-ups.",
        "method": "Initiative progress is percent complete / 100; completed = 1. Pace is the share of "
        "start → target date elapsed.",
    }


def explain_metric(metric: Metric) -> dict:
    latest = metric.readings.order_by("-period_end").first()
    inputs = {
        "baseline": metric.baseline, "baseline_date": metric.baseline_date,
        "target": metric.target, "target_date": metric.target_date, "direction": metric.direction,
        "latest_value": latest.value if latest else None, "latest_period_end": latest.period_end if latest else None,
    }
    if latest is None:
        arithmetic = "No reading yet, so no figure (none never counts as zero)."
    else:
        raw = (float(latest.value) - float(metric.baseline)) / (float(metric.target) - float(metric.baseline))
        arithmetic = (
            f"clamp(({latest.value} − {metric.baseline}) / ({metric.target} − {metric.baseline}), 0, 1) "
            f"= clamp({raw:.3f}, 0, 1) = {_pct(progress.clamp(raw))}"
        )
    return {
        "node": "metric", "id": metric.pk, "title": str(metric), **_summary(metric), "inputs": inputs,
        "arithmetic": arithmetic,
        "method": "Attainment = clamp((latest − baseline) / (target − baseline), 0, 1); pace is the share of "
        "baseline date → target date elapsed.",
    }


def explain_objective(objective: Objective) -> dict:
    share = float(objective.goal.plan.metric_share)
    metrics = [
        {"id": m.pk, "name": m.name, "progress": m.progress} for m in objective.metrics.order_by("name")
    ]
    initiatives = [
        {"id": i.pk, "code": i.code, "title": i.title, "status": i.status, "progress": i.progress,
         "counted": progress.is_counted(i.status)}
        for i in objective.initiatives.order_by("code")
    ]
    metric_mean = progress.mean(m["progress"] for m in metrics)
    initiative_mean = progress.mean(i["progress"] for i in initiatives if i["counted"])
    if metric_mean is None or initiative_mean is None:
        arithmetic = (
            f"M = {_pct(metric_mean)}, I = {_pct(initiative_mean)}: only one side has a figure, so it stands alone."
            if metric_mean is not None or initiative_mean is not None
            else "Neither metrics nor initiatives have a figure yet, so there is none."
        )
    else:
        arithmetic = (
            f"{share:g} × M + {1 - share:g} × I = {share:g} × {_pct(metric_mean)} + {1 - share:g} × "
            f"{_pct(initiative_mean)} = {_pct(progress.objective_progress(metric_mean, initiative_mean, share))}"
        )
    return {
        "node": "objective", "id": objective.pk, "title": str(objective), **_summary(objective),
        "inputs": {"metric_share": share, "term": objective.term, "metrics": metrics, "initiatives": initiatives,
                   "metric_mean": metric_mean, "initiative_mean": initiative_mean},
        "arithmetic": arithmetic,
        "method": "Objective = metric_share × M + (1 − metric_share) × I, M the mean attainment of its metrics, "
        "I the mean progress of the counted initiatives supporting it. Pace: short term = the plan's first two "
        "fiscal years, long term = the whole plan.",
    }


def explain_goal(goal: Goal) -> dict:
    children = [
        {"id": o.pk, "code": o.code, "title": o.title, "progress": o.progress, "weight": o.weight}
        for o in goal.objectives.order_by("code")
    ]
    return {
        "node": "goal", "id": goal.pk, "title": str(goal), **_summary(goal), "inputs": {"objectives": children},
        "arithmetic": _weighted(children),
        "method": "Goal = mean of its objectives weighted by objective weight; objectives with no figure are left out.",
    }


def explain_plan(plan: Plan) -> dict:
    children = [
        {"id": g.pk, "number": g.number, "title": g.title, "progress": g.progress, "weight": g.weight}
        for g in plan.goals.order_by("number")
    ]
    return {
        "node": "plan", "id": plan.pk, "title": str(plan), **_summary(plan),
        "inputs": {"goals": children, "metric_share": float(plan.metric_share)},
        "arithmetic": _weighted(children),
        "method": "Plan = mean of its goals weighted by goal weight; pace is the share of the plan's fiscal years elapsed.",
    }


EXPLAINERS = {
    Plan: explain_plan, Goal: explain_goal, Objective: explain_objective, Metric: explain_metric,
    Initiative: explain_initiative,
}


def progress_explain(node: Model) -> dict:
    """The inputs, weights and arithmetic behind `node`'s cached figure (plan, goal, objective, metric, initiative)."""
    try:
        explainer = EXPLAINERS[type(node)]
    except KeyError:
        raise TypeError(f"Cannot explain a {type(node).__name__}.") from None
    return explainer(node)

