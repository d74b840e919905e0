"""The plan export document as it was built before it streamed (commit a81639b's
reports/api/export.py, less the permission check): the whole plan read at once through the plan
tree reader (reports.plan_tree, not the streamed reader the export uses now) and made into one
dict. The streamed export must render the same bytes; `reference_bytes` renders this one with
the API's renderer, as the old view's Response did."""

from decimal import Decimal

from planboard.core.api import EscapingJSONRenderer
from planboard.core.progress import grade
from reports.plan_tree import ALL_PARTS, InitiativeNode, MetricNode, ObjectiveNode, PartNode, PlanTree, plan_tree

EXPORT_FORMAT = "planboard-plan-export/1"


def _exact(value: Decimal | None) -> str | None:
    """Decimals as strings, as everywhere in the API: a float would round money and targets."""
    return None if value is None else str(value)


def _figures(node) -> dict:
    return {
        "progress": node.progress,
        "pace": node.pace,
        "health": node.health,
        "grade": grade(node.progress, node.pace),
        "computed_at": node.computed_at,
    }


def _metric(metric: MetricNode, tree: PlanTree) -> dict:
    return {
        "id": metric.id,
        "name": metric.name,
        "description": metric.description,
        "unit": metric.unit,
        "direction": metric.direction,
        "baseline": _exact(metric.baseline),
        "baseline_date": metric.baseline_date,
        "target": _exact(metric.target),
        "target_date": metric.target_date,
        "frequency": metric.frequency,
        **_figures(metric),
        "readings": [
            {"period_end": r.period_end, "value": _exact(r.value), "note": r.note}
            for r in tree.readings.get(metric.id, [])
        ],
    }


def _objective(objective: ObjectiveNode, tree: PlanTree) -> dict:
    return {
        "id": objective.id,
        "code": objective.code,
        "title": objective.title,
        "description": objective.description,
        "term": objective.term,
        "weight": _exact(objective.weight),
        **_figures(objective),
        "aligned_to": [link.id for link in tree.objective_links.get(objective.id, [])],
        "metrics": [_metric(m, tree) for m in tree.metrics_of.get(objective.id, [])],
    }


def _initiative(initiative: InitiativeNode, tree: PlanTree) -> dict:
    return {
        "id": initiative.id,
        "code": initiative.code,
        "title": initiative.title,
        "description": initiative.description,
        "theme": initiative.theme_id,
        "term": initiative.term,
        "department": initiative.department_id,
        "status": initiative.status,
        "percent_complete": initiative.percent_complete,
        "start_date": initiative.start_date,
        "target_date": initiative.target_date,
        "completed_date": initiative.completed_date,
        "budget_estimate": _exact(initiative.budget_estimate),
        "budget_actual": _exact(initiative.budget_actual),
        "last_update_on": initiative.last_update_on,
        **_figures(initiative),
        "supports": tree.supported.get(initiative.id, []),
        "aligned_to": [link.id for link in tree.initiative_links.get(initiative.id, [])],
        "updates": [
            {"as_of": u.as_of, "status": u.status, "percent_complete": u.percent_complete, "narrative": u.narrative}
            for u in tree.updates.get(initiative.id, [])
        ],
        "milestones": [
            {"title": m.title, "due": m.due, "done_on": m.done_on} for m in tree.milestones.get(initiative.id, [])
        ],
    }


def _parts(rows: list[PartNode]) -> list[dict]:
    return [{"id": p.id, "name": p.name, "description": p.description, "order": p.order} for p in rows]


def reference_export(plan_id: int) -> dict:
    """The plan `plan_id` with everything under it, as plain data, built whole from the plan tree."""
    tree = plan_tree(plan_id, detail=True, readings="all", history=True, links=True, parts=ALL_PARTS)
    plan = tree.plan
    return {
        "format": EXPORT_FORMAT,
        "plan": {
            "id": plan.id,
            "title": plan.title,
            "slug": plan.slug,
            "scope": plan.scope,
            "department": plan.department_name,
            "parent": plan.parent_id,
            "vision": plan.vision,
            "mission": plan.mission,
            "start_fiscal_year": plan.start_fiscal_year,
            "end_fiscal_year": plan.end_fiscal_year,
            "fiscal_year_start_month": plan.fiscal_year_start_month,
            "status": plan.status,
            "is_published": plan.is_published,
            "is_sample": plan.is_sample,
            "metric_share": _exact(plan.metric_share),
            **_figures(plan),
        },
        "pillars": _parts(tree.pillars),
        "drivers": _parts(tree.drivers),
        "themes": _parts(tree.themes),
        "goals": [
            {
                "id": g.id,
                "number": g.number,
                "title": g.title,
                "description": g.description,
                "weight": _exact(g.weight),
                **_figures(g),
                "objectives": [_objective(o, tree) for o in tree.objectives_of.get(g.id, [])],
            }
            for g in tree.goals
        ],
        "initiatives": [_initiative(i, tree) for i in tree.initiatives],
    }


def reference_bytes(plan_id: int) -> bytes:
    return EscapingJSONRenderer().render(reference_export(plan_id))
