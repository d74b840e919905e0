"""Priority through the API: `GET /api/v1/plans/{id}/priority/`.

The method, the weights and the ranking; `?sensitivity=true` adds, for each weight moved ±10%,
the initiatives whose rank changes. The method is initiatives.priority.rules; who may read is
the `visible_*` queryset (404 otherwise).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from goals.models import Plan
from initiatives.priority import rules as priority


def priority_data(plan: Plan, *, with_sensitivity: bool) -> dict:
    """The JSON the priority endpoint answers with: method, weights, ranking (and sensitivity)."""
    ranking = priority.plan_ranking(plan)
    data = {
        "plan": plan.pk,
        "method": priority.METHOD,
        "criteria": [
            {"key": c.key, "kind": c.kind, "id": c.pk, "name": c.name, "weight": str(c.weight)}
            for c in ranking.criteria
        ],
        "ranking": [
            {
                "initiative": r.initiative.pk,
                "code": r.initiative.code,
                "title": r.initiative.title,
                "scores": r.scores,
                "score": r.score_shown,
                "rank": r.rank,
            }
            for r in ranking.rows
        ],
    }
    if with_sensitivity:
        data["sensitivity"] = [
            {
                "criterion": s.criterion.key,
                "direction": s.direction,
                "weight": f"{float(s.weight):.4f}",
                "changes": [
                    {"initiative": c.initiative.pk, "code": c.initiative.code, "before": c.before, "after": c.after}
                    for c in s.changes
                ],
            }
            for s in priority.sensitivity(ranking)
        ]
    return data


class PlanPriorityActions:
    """Mixed into the plans' planning viewset (initiatives.api.views): `priority` of one plan."""

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("sensitivity", OpenApiTypes.BOOL, description="Add the ±10% sensitivity.")],
        description="The priority method, the weights and the ranking of the plan's initiatives.",
    )
    @action(detail=True, methods=["get"])
    def priority(self, request: Request, pk: str | None = None) -> Response:
        raw = request.query_params.get("sensitivity", "false").lower()
        if raw not in ("true", "false", "1", "0"):
            raise exceptions.ValidationError({"sensitivity": ["Use true or false."]})
        return Response(priority_data(self.get_object(), with_sensitivity=raw in ("true", "1")))
