"""Alignment, priority and the spend gate through the API.

- `GET /api/v1/plans/{id}/alignment/`: for a department plan, each objective and initiative with
  the enterprise objectives it serves (direct, or indirect with the objective it goes through);
  for an enterprise plan, the departments × goals matrix over the department plans the caller
  may read, the enterprise objectives none of them serves, and their unaligned items.
- `GET /api/v1/plans/{id}/priority/`: the method, the weights and the ranking;
  `?sensitivity=true` adds, for each weight moved ±10%, the initiatives whose rank changes.
- `POST /api/v1/it-requests/{id}/submit|approve|reject|exception/` with the request's `version`
  (409 when stale); `reject` takes an optional `reason`, `exception` a required `reason`.

The rules are those of goals.alignment, initiatives.priority and initiatives.it_requests; who may
read is the `visible_*` queryset (404 otherwise), who may act is planboard.core.permissions (403).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from goals import visibility as goals_visible
from goals.alignment import ItemAlignment, alignment_summary, department_plans_of, plan_alignment
from goals.models import Objective, Plan
from initiatives import it_requests, priority


def _objective(objective: Objective) -> dict:
    return {"id": objective.pk, "code": objective.code, "title": objective.title, "goal": objective.goal_id}


def _item(alignment: ItemAlignment) -> dict:
    item = alignment.item
    return {
        "kind": item._meta.model_name, "id": item.pk, "code": item.code, "title": item.title,
        "plan": getattr(item, "plan_id", None) or item.goal.plan_id, "progress": item.progress,
        "aligned": alignment.is_aligned,
        "direct": [_objective(o) for o in alignment.direct],
        "indirect": [{"objective": _objective(o), "via": _objective(via)} for o, via in alignment.indirect],
    }


def alignment_data(plan: Plan, user) -> dict:
    """The JSON the alignment endpoint answers with (see the module docstring)."""
    if plan.scope == Plan.Scope.DEPARTMENT:
        result = plan_alignment(plan)
        return {
            "plan": plan.pk, "scope": plan.scope, "aligns_to": plan.parent_id,
            "items": [_item(a) for a in result.items], "unaligned_count": result.unaligned_count,
        }
    summary = alignment_summary(plan, department_plans_of(plan, goals_visible.visible_plans(user)))

    def cells(row_cells) -> list[dict]:
        return [
            {"goal": goal.pk, "count": cell.count, "progress": cell.progress}
            for goal, cell in zip(summary.goals, row_cells)
        ]

    return {
        "plan": plan.pk, "scope": plan.scope,
        "goals": [{"id": g.pk, "number": g.number, "title": g.title} for g in summary.goals],
        "departments": [
            {"department": {"id": row.department.pk, "name": row.department.name},
             "plans": [p.pk for p in row.plans], "cells": cells(row.cells)}
            for row in summary.rows
        ],
        "totals": cells(summary.totals),
        "unsupported_objectives": [_objective(o) for o in summary.unsupported],
        "unaligned_items": [_item(a) for a in summary.unaligned],
    }


def priority_data(plan: Plan, *, with_sensitivity: bool) -> dict:
    """The JSON the priority endpoint answers with: method, weights, ranking (and sensitivity)."""
    ranking = priority.plan_ranking(plan)
    data = {
        "plan": plan.pk,
        "method": priority.METHOD,
        "criteria": [
            {"key": c.key, "kind": c.kind, "id": c.pk, "name": c.name, "weight": str(c.weight)} for c in ranking.criteria
        ],
        "ranking": [
            {"initiative": r.initiative.pk, "code": r.initiative.code, "title": r.initiative.title,
             "scores": r.scores, "score": r.score_shown, "rank": r.rank}
            for r in ranking.rows
        ],
    }
    if with_sensitivity:
        data["sensitivity"] = [
            {"criterion": s.criterion.key, "direction": s.direction, "weight": f"{float(s.weight):.4f}",
             "changes": [{"initiative": c.initiative.pk, "code": c.initiative.code, "before": c.before, "after": c.after}
                         for c in s.changes]}
            for s in priority.sensitivity(ranking)
        ]
    return data


class PlanPlanningViewSet(viewsets.GenericViewSet):
    """`alignment` and `priority` of one plan the caller may read."""

    def get_queryset(self):
        return goals_visible.visible_plans(self.request.user).select_related("department", "parent")

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, description="How the plan aligns (see the module docstring).")
    @action(detail=True, methods=["get"])
    def alignment(self, request: Request, pk: str | None = None) -> Response:
        return Response(alignment_data(self.get_object(), request.user))

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


TRANSITION_BODY = inline_serializer("ITRequestTransition", {
    "version": serializers.IntegerField(min_value=1, max_value=2**31 - 1),
    "reason": serializers.CharField(required=False, allow_blank=True, max_length=2000),
})


class TransitionSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class SpendGateActions:
    """Mixed into the it-requests viewset: the four transitions, each through its service.

    Drafts are edited and deleted through initiatives.it_requests too, which refuses anything
    but a draft (400 naming `state`).
    """

    create_service = staticmethod(it_requests.it_request_file)
    update_service = staticmethod(it_requests.it_request_update)
    delete_service = staticmethod(it_requests.it_request_delete)

    rules = it_requests.IT_REQUEST_RULES

    def may_write(self, user, obj) -> bool:
        if self.action in it_requests.TRANSITIONS:
            return it_requests.may_act(user, obj, self.action)
        return super().may_write(user, obj)

    def _transition(self, request: Request, action_name: str) -> Response:
        it_request = self.get_object()
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kwargs = {"request": it_request, "actor": request.user, "version": body.validated_data["version"]}
        if action_name in ("reject", "exception"):
            kwargs["reason"] = body.validated_data["reason"]
        it_requests.TRANSITIONS[action_name](**kwargs)
        return Response(self.get_serializer(it_request).data)

    @extend_schema(request=TRANSITION_BODY, description="Submit a draft for the CIO's decision (the department's liaisons).")
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "submit")

    @extend_schema(request=TRANSITION_BODY, description="Approve (the CIO): refused, naming `objectives`, without a tie or exception.")
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "approve")

    @extend_schema(request=TRANSITION_BODY, description="Reject (the CIO), with an optional `reason` kept in the history.")
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "reject")

    @extend_schema(request=TRANSITION_BODY, description="Record a CIO exception; `reason` is required.")
    @action(detail=True, methods=["post"])
    def exception(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(request, "exception")
