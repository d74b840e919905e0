"""`GET /api/v1/plans/{id}/export/`: the whole plan as one JSON document, for open-data portals;
`POST /api/v1/plans/{id}/exports/`: the same document written in the background.

Whether the caller may read the plan is decided here, before the answer starts (404 for a plan
they may not see, as for every object of the API); the document is then streamed by
reports.plan_export in one read-only snapshot, constant memory whatever the plan's size, as an
attachment named after the plan's slug, with no Content-Length (the size is known only at the end).

A plan with more than PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES initiatives is not streamed: at ten
times the city the stream takes over two minutes, past gunicorn's 60-s timeout. Its `GET` answers
202 with a background export job (reports.export_jobs: a new one, or the caller's fresh one) and the
job's URL in `Location`, as `POST .../exports/` does for any plan; poll the job until it is done.
"""

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from goals import visibility as goals_visible
from goals.models import Plan
from initiatives.models import Initiative
from reports.api.export_jobs import PlanExportSerializer, accepted
from reports.export_jobs.services import plan_export_request
from reports.plan_export import plan_export_chunks

BACKGROUND = OpenApiResponse(
    PlanExportSerializer,
    description="The export is written in the background: the job, its URL also in `Location`. Poll it until "
    "`state` is `done`, then fetch its `download_url`.",
)


class PlanExportViewSet(viewsets.GenericViewSet):
    """`GET /plans/{id}/export/`: the whole plan as one JSON document (open data)."""

    queryset = Plan.objects.none()

    def get_queryset(self):
        return goals_visible.visible_plans(self.request.user)

    def get_serializer_class(self):
        return PlanExportSerializer

    def may_write(self, user, plan: Plan) -> bool:
        """Starting an export changes no plan data: whoever may read the plan (the queryset) may."""
        return True

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, 202: BACKGROUND},
        description="The plan with its goals, objectives, metrics and readings, pillars, drivers, themes, and "
        "initiatives with status, updates and milestones, as one document, streamed as it is read (a download: "
        "no Content-Length; an answer cut short by a failure is not valid JSON). A plan with more initiatives "
        "than the server's PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES is exported in the background instead: 202 "
        "with the export job.",
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str | None = None) -> StreamingHttpResponse | Response:
        plan = self.get_object()
        if Initiative.objects.filter(plan_id=plan.pk).count() > settings.PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES:
            job, _ = plan_export_request(plan=plan, actor=request.user)
            return accepted(job, request)
        response = StreamingHttpResponse(plan_export_chunks(plan.pk), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{plan.slug}-export.json"'
        return response

    @extend_schema(
        request=None,
        responses={202: BACKGROUND, 404: OpenApiResponse(description="No plan you may read has this id.")},
        description="Write the plan's export document in the background (for any plan; large plans need it). "
        "While you have a queued or running export of the plan, or a finished one newer than the plan's "
        "figures, that one is answered instead of starting another.",
    )
    @action(detail=True, methods=["post"])
    def exports(self, request: Request, pk: str | None = None) -> Response:
        job, _ = plan_export_request(plan=self.get_object(), actor=request.user)
        return accepted(job, request)
