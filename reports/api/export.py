"""The whole plan as one JSON document, for open-data portals: `GET /api/v1/plans/{id}/export/`.

Goals, objectives, metrics with their readings, pillars, drivers, themes, and initiatives with
their reported status, status updates and milestones, loaded in a fixed number of queries
(one per kind of row) whatever the size of the plan.
"""

from decimal import Decimal

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from goals import visibility as goals_visible
from goals.models import Goal, Metric, Objective, Plan
from initiatives.models import Initiative
from planboard.core.progress import grade

EXPORT_FORMAT = "planboard-plan-export/1"


def _exact(value: Decimal | None) -> str | None:
    """Decimals as strings, as everywhere in the API: a float would round money and targets."""
    return None if value is None else str(value)


def _figures(node) -> dict:
    return {
        "progress": node.progress, "pace": node.pace, "health": node.health,
        "grade": grade(node.progress, node.pace), "computed_at": node.computed_at,
    }


def _metric(metric: Metric) -> dict:
    return {
        "id": metric.pk, "name": metric.name, "description": metric.description, "unit": metric.unit,
        "direction": metric.direction, "baseline": _exact(metric.baseline), "baseline_date": metric.baseline_date,
        "target": _exact(metric.target), "target_date": metric.target_date, "frequency": metric.frequency,
        **_figures(metric),
        "readings": [
            {"period_end": r.period_end, "value": _exact(r.value), "note": r.note} for r in metric.readings.all()
        ],
    }


def _objective(objective: Objective) -> dict:
    return {
        "id": objective.pk, "code": objective.code, "title": objective.title, "description": objective.description,
        "term": objective.term, "weight": _exact(objective.weight), **_figures(objective),
        "aligned_to": [o.pk for o in objective.aligned_to.all()],
        "metrics": [_metric(m) for m in objective.metrics.all()],
    }


def _goal(goal: Goal) -> dict:
    return {
        "id": goal.pk, "number": goal.number, "title": goal.title, "description": goal.description,
        "weight": _exact(goal.weight), **_figures(goal), "objectives": [_objective(o) for o in goal.objectives.all()],
    }


def _initiative(initiative: Initiative) -> dict:
    return {
        "id": initiative.pk, "code": initiative.code, "title": initiative.title,
        "description": initiative.description, "theme": initiative.theme_id, "term": initiative.term,
        "department": initiative.department_id, "status": initiative.status,
        "percent_complete": initiative.percent_complete, "start_date": initiative.start_date,
        "target_date": initiative.target_date, "completed_date": initiative.completed_date,
        "budget_estimate": _exact(initiative.budget_estimate), "budget_actual": _exact(initiative.budget_actual),
        "last_update_on": initiative.last_update_on, **_figures(initiative),
        "supports": [o.pk for o in initiative.supports.all()],
        "aligned_to": [o.pk for o in initiative.aligned_to.all()],
        "updates": [
            {"as_of": u.as_of, "status": u.status, "percent_complete": u.percent_complete, "narrative": u.narrative}
            for u in initiative.updates.all()
        ],
        "milestones": [{"title": m.title, "due": m.due, "done_on": m.done_on} for m in initiative.milestones.all()],
    }


def _parts(rows) -> list[dict]:
    return [{"id": p.pk, "name": p.name, "description": p.description, "order": p.order} for p in rows]


def plan_export(plan_id: int, user) -> dict:
    """The plan `plan_id` (one `user` may see) with everything under it, as plain data."""
    ids_only = Objective.objects.only("id")
    plans = goals_visible.visible_plans(user).select_related("department", "parent").prefetch_related(
        "pillars", "drivers", "themes",
        Prefetch("goals__objectives", queryset=Objective.objects.prefetch_related(Prefetch("aligned_to", ids_only))),
        "goals__objectives__metrics__readings",
        Prefetch(
            "initiatives",
            queryset=Initiative.objects.prefetch_related(
                Prefetch("supports", ids_only), Prefetch("aligned_to", ids_only), "updates", "milestones"
            ),
        ),
    )
    plan = plans.get(pk=plan_id)
    return {
        "format": EXPORT_FORMAT,
        "plan": {
            "id": plan.pk, "title": plan.title, "slug": plan.slug, "scope": plan.scope,
            "department": plan.department.name if plan.department else None,
            "parent": plan.parent_id, "vision": plan.vision, "mission": plan.mission,
            "start_fiscal_year": plan.start_fiscal_year, "end_fiscal_year": plan.end_fiscal_year,
            "fiscal_year_start_month": plan.fiscal_year_start_month, "status": plan.status,
            "is_published": plan.is_published, "is_sample": plan.is_sample, "metric_share": _exact(plan.metric_share),
            **_figures(plan),
        },
        "pillars": _parts(plan.pillars.all()),
        "drivers": _parts(plan.drivers.all()),
        "themes": _parts(plan.themes.all()),
        "goals": [_goal(g) for g in plan.goals.all()],
        "initiatives": [_initiative(i) for i in plan.initiatives.all()],
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
