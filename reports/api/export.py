"""The whole plan as one JSON document, for open-data portals: `GET /api/v1/plans/{id}/export/`.

Goals, objectives, metrics with their readings, pillars, drivers, themes, and initiatives with
their reported status, status updates and milestones, read by the plan tree reader
(reports.plan_tree) as plain values in a fixed number of queries (one per kind of row) whatever
the size of the plan.
"""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from goals import visibility as goals_visible
from goals.models import Plan
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


def plan_export(plan_id: int, user) -> dict:
    """The plan `plan_id` (one `user` may see) with everything under it, as plain data."""
    if not goals_visible.visible_plans(user).filter(pk=plan_id).exists():
        raise Plan.DoesNotExist(f"No plan {plan_id} that this user may read.")
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


class PlanExportViewSet(viewsets.GenericViewSet):
    """`GET /plans/{id}/export/`: the whole plan as one JSON document (open data)."""

    queryset = Plan.objects.none()

    def get_queryset(self):
        return goals_visible.visible_plans(self.request.user)

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description="The plan with its goals, objectives, metrics and readings, pillars, drivers, themes, and "
        "initiatives with status, updates and milestones, as one document.",
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        return Response(plan_export(plan.pk, request.user))
