"""Explaining a figure: the inputs, weights and arithmetic behind any node's cached progress.

The one home of the arithmetic in words. The first half writes it from plain values, so the
same sentences serve the explain page and the API (read from the database through the plan tree
reader) and the report card (from its frozen data, years later). The figure a sentence ends on is
the stored one: a roll-up (weighted mean, blend) is never recomputed here, only its inputs are
written out. The second half builds a node's whole explanation from the database, in a fixed
number of queries.

Precision (DESIGN.md "Rounding for display"): numbers print half up, to three decimals where that
reproduces the result, else to as many as it takes (up to MAX_PLACES): each sentence's inputs are
printed at the fewest decimals whose arithmetic, done by hand on the printed digits, rounds to the
printed result, whose printed result shows the same percent as the stored figure, and whose
printed ratio falls in the grade the card gives. So (0.386 × 3 + 0.387 × 1) / 4 = 0.38625, which a
reader rounds to 0.386 while the stored figure 0.38656 prints as 0.387, is written with four
decimals instead: (0.3864 × 3 + 0.3870 × 1) / (3 + 1) = 0.3866. Figures that do not add up (a
frozen card edited by hand) print at three decimals, as they are.
"""

from collections.abc import Callable, Iterable
from fractions import Fraction

from django.db.models import Model

from goals.models import Goal, Metric, Objective, Plan
from initiatives.models import Initiative
from planboard.core import progress
from planboard.core.choices import InitiativeStatus
from planboard.core.display import percent_shown, rounded
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


MIN_PLACES, MAX_PLACES = 3, 9


def number(value: float | None, places: int = MIN_PLACES) -> str:
    """A fraction written to `places` decimals (three unless more are needed), half up; "none" for none."""
    return "none" if value is None else f"{rounded(value, places):f}"


def places_for(
    inputs: list[float],
    arithmetic: Callable[[list[Fraction]], Fraction],
    result: float,
    agrees: Callable[[Fraction], bool] = lambda printed: True,
) -> int:
    """The fewest decimals (from three) at which `arithmetic` on the inputs as printed gives the
    result as printed, and the printed result shows as the stored one does; three when none do."""
    for places in range(MIN_PLACES, MAX_PLACES + 1):
        printed_result = Fraction(rounded(result, places))
        try:
            value = arithmetic([Fraction(rounded(x, places)) for x in inputs])
        except ZeroDivisionError:
            continue
        if (
            rounded(value, places) == printed_result
            and percent_shown(printed_result) == percent_shown(result)
            and agrees(printed_result)
        ):
            return places
    return MIN_PLACES


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
    raw = (progress.exact(latest) - progress.exact(baseline)) / (progress.exact(target) - progress.exact(baseline))
    return (
        f"clamp(({latest} − {baseline}) / ({target} − {baseline}), 0, 1) "
        f"= clamp({number(raw)}, 0, 1) = {number(progress.clamp(raw, Fraction(0), Fraction(1)))}"
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
    if result is None:
        return f"{share:g} × M + {1 - share:g} × I with M = {number(metric_mean)}, I = {number(initiative_mean)}"
    exact_share = progress.exact(share)
    places = places_for([metric_mean, initiative_mean], lambda v: exact_share * v[0] + (1 - exact_share) * v[1], result)
    return (
        f"{share:g} × M + {1 - share:g} × I = {share:g} × {number(metric_mean, places)} + {1 - share:g} × "
        f"{number(initiative_mean, places)} = {number(result, places)}"
    )


def weighted_arithmetic(children: Iterable[dict], result: float | None = None) -> str:
    """(p₁ × w₁ + …) / (w₁ + …) over the children (dicts with progress and weight) that have a
    figure, ending on the stored `result` when one is given."""
    counted = [c for c in children if c["progress"] is not None and float(c["weight"]) > 0]
    if not counted:
        return "No child has a figure yet, so there is none here (none never counts as zero)."
    weights = [progress.exact(float(c["weight"])) for c in counted]
    places = MIN_PLACES
    if result is not None:
        places = places_for(
            [c["progress"] for c in counted],
            lambda v: sum(p * w for p, w in zip(v, weights, strict=True)) / sum(weights),
            result,
        )
    top = " + ".join(f"{number(c['progress'], places)} × {float(c['weight']):g}" for c in counted)
    bottom = " + ".join(f"{float(c['weight']):g}" for c in counted)
    ending = "" if result is None else f" = {number(result, places)}"
    return f"({top}) / ({bottom}){ending}"


def grade_arithmetic(
    *, progress_value: float | None, pace: float | None, ratio: float | None, grade: str | None
) -> str:
    """The grade from the stored ratio and letter."""
    if progress_value is None:
        return "No progress figure, so not graded."
    if not pace:
        return "Nothing was expected yet (pace 0), so the ratio is 1 → A."
    places = places_for(
        [progress_value, pace],
        lambda v: min(v[0] / v[1], Fraction(1)),
        ratio,
        agrees=lambda printed: progress.grade(printed, 1) == grade,
    )
    return (
        f"ratio = min({number(progress_value, places)} / {number(pace, places)}, 1) = {number(ratio, places)} → {grade}"
    )


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
        "arithmetic": weighted_arithmetic(children, goal.progress),
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
        "arithmetic": weighted_arithmetic(children, plan.progress),
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
