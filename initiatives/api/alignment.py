"""Alignment through the API: `GET /api/v1/plans/{id}/alignment/`.

For a department plan, each objective and initiative with the enterprise objectives it serves
(direct, or indirect with the objective it goes through); for an enterprise plan, the
departments × goals matrix over the department plans the caller may read, the enterprise
objectives none of them serves, and their unaligned items. The rule is
initiatives.alignment.rules; who may read is the `visible_*` queryset (404 otherwise).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from goals import visibility as goals_visible
from goals.models import Objective, Plan
from initiatives.alignment.rules import ItemAlignment, alignment_summary, department_plans_of, plan_alignment


def _objective(objective: Objective) -> dict:
    return {"id": objective.pk, "code": objective.code, "title": objective.title, "goal": objective.goal_id}


def _item(alignment: ItemAlignment) -> dict:
    item = alignment.item
    return {
        "kind": item._meta.model_name,
        "id": item.pk,
        "code": item.code,
        "title": item.title,
        "plan": getattr(item, "plan_id", None) or item.goal.plan_id,
        "progress": item.progress,
        "aligned": alignment.is_aligned,
        "direct": [_objective(o) for o in alignment.direct],
        "indirect": [{"objective": _objective(o), "via": _objective(via)} for o, via in alignment.indirect],
    }


def alignment_data(plan: Plan, user) -> dict:
    """The JSON the alignment endpoint answers with (see the module docstring)."""
    if plan.scope == Plan.Scope.DEPARTMENT:
        result = plan_alignment(plan)
        return {
            "plan": plan.pk,
            "scope": plan.scope,
            "aligns_to": plan.parent_id,
            "items": [_item(a) for a in result.items],
            "unaligned_count": result.unaligned_count,
        }
    summary = alignment_summary(plan, department_plans_of(plan, goals_visible.visible_plans(user)))

    def cells(row_cells) -> list[dict]:
        return [
            {"goal": goal.pk, "count": cell.count, "progress": cell.progress}
            for goal, cell in zip(summary.goals, row_cells, strict=True)
        ]

    return {
        "plan": plan.pk,
        "scope": plan.scope,
        "goals": [{"id": g.pk, "number": g.number, "title": g.title} for g in summary.goals],
        "departments": [
            {
                "department": {"id": row.department.pk, "name": row.department.name},
                "plans": [p.pk for p in row.plans],
                "cells": cells(row.cells),
            }
            for row in summary.rows
        ],
        "totals": cells(summary.totals),
        "unsupported_objectives": [_objective(o) for o in summary.unsupported],
        "unaligned_items": [_item(a) for a in summary.unaligned],
    }


class PlanAlignmentActions:
    """Mixed into the plans' planning viewset (initiatives.api.views): `alignment` of one plan."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, description="How the plan aligns (see the module docstring).")
    @action(detail=True, methods=["get"])
    def alignment(self, request: Request, pk: str | None = None) -> Response:
        return Response(alignment_data(self.get_object(), request.user))
