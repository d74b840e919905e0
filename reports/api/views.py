"""`GET /api/v1/<plans|goals|objectives|metrics|initiatives>/{id}/explain/`: the inputs, weights and
arithmetic behind an item's cached figure (reports.explain.progress_explain), so a reader can redo
it with a calculator. Whoever may see the item may see its explanation; others get 404.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from goals import visibility as goals_visible
from initiatives import visibility as initiatives_visible
from reports.explain import progress_explain


class ExplainViewSet(viewsets.GenericViewSet):
    """One item's explanation; `visible` is its planboard.core.permissions queryset."""

    visible: Callable[[Any], QuerySet]
    related: tuple[str, ...] = ()

    def get_queryset(self) -> QuerySet:
        return type(self).visible(self.request.user).select_related(*self.related)

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description="The figure (progress, pace, health, grade), its inputs, the arithmetic and the method.",
    )
    @action(detail=True, methods=["get"])
    def explain(self, request: Request, pk: str | None = None) -> Response:
        return Response(progress_explain(self.get_object()))


class PlanExplainViewSet(ExplainViewSet):
    visible = goals_visible.visible_plans


class GoalExplainViewSet(ExplainViewSet):
    visible = goals_visible.visible_goals


class ObjectiveExplainViewSet(ExplainViewSet):
    visible = goals_visible.visible_objectives
    related = ("goal__plan",)


class MetricExplainViewSet(ExplainViewSet):
    visible = goals_visible.visible_metrics


class InitiativeExplainViewSet(ExplainViewSet):
    visible = initiatives_visible.visible_initiatives
