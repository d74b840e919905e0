"""`GET /api/v1/plans/{id}/export/`: the whole plan as one JSON document, for open-data portals.

Whether the caller may read the plan is decided here, before the answer starts (404 for a plan
they may not see, as for every object of the API); the document is then streamed by
reports.plan_export in one read-only snapshot, constant memory whatever the plan's size, as an
attachment named after the plan's slug, with no Content-Length (the size is known only at the end).
"""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request

from goals import visibility as goals_visible
from goals.models import Plan
from reports.plan_export import plan_export_chunks


class PlanExportViewSet(viewsets.GenericViewSet):
    """`GET /plans/{id}/export/`: the whole plan as one JSON document (open data)."""

    queryset = Plan.objects.none()

    def get_queryset(self):
        return goals_visible.visible_plans(self.request.user)

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description="The plan with its goals, objectives, metrics and readings, pillars, drivers, themes, and "
        "initiatives with status, updates and milestones, as one document, streamed as it is read (a download: "
        "no Content-Length; an answer cut short by a failure is not valid JSON).",
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str | None = None) -> StreamingHttpResponse:
        plan = self.get_object()
        response = StreamingHttpResponse(plan_export_chunks(plan.pk), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{plan.slug}-export.json"'
        return response
