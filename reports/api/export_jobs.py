"""`/api/v1/plan-exports/{id}/`: a plan export written in the background, and its file.

Started by `POST /api/v1/plans/{id}/exports/` (or by `GET /api/v1/plans/{id}/export/` for a plan
above PLANBOARD_EXPORT_SYNC_MAX_INITIATIVES), both in reports.api.export: 202 with the job and its
URL in `Location`. Poll `GET /api/v1/plan-exports/{id}/` until `state` is `done`, then fetch
`download_url`. Whoever may read the plan may read its export jobs; others get 404.
"""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from reports.export_jobs.files import download_response
from reports.export_jobs.selectors import visible_plan_exports
from reports.models import PlanExport


class PlanExportSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="This export job in the API.")
    download_url = serializers.SerializerMethodField(help_text="The file, once `state` is `done`; null before.")

    class Meta:
        model = PlanExport
        fields = [
            "id",
            "url",
            "plan",
            "state",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "size",
            "expires_at",
            "error",
            "download_url",
        ]
        read_only_fields = fields

    def get_url(self, obj: PlanExport) -> str:
        return reverse("plan-export-job-detail", args=[obj.pk], request=self.context.get("request"))

    def get_download_url(self, obj: PlanExport) -> str | None:
        if obj.state != PlanExport.State.DONE or not obj.file:
            return None
        return reverse("plan-export-job-download", args=[obj.pk], request=self.context.get("request"))


def accepted(job: PlanExport, request: Request) -> Response:
    """202 with the job, its URL in `Location`: the answer of every request that starts (or reuses) one."""
    body = PlanExportSerializer(job, context={"request": request}).data
    return Response(body, status=202, headers={"Location": body["url"]})


class PlanExportJobViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A plan export job: its state and, when it is done, where to download the file."""

    serializer_class = PlanExportSerializer

    def get_queryset(self):
        return visible_plan_exports(self.request.user)

    @extend_schema(
        responses={
            200: OpenApiTypes.OBJECT,
            404: OpenApiResponse(description="No such export, or its file is not ready (or has expired)."),
        },
        description="The export document, as `GET /api/v1/plans/{id}/export/` answers it, from the job's file.",
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        job = self.get_object()
        if job.state != PlanExport.State.DONE or not job.file:
            raise exceptions.NotFound(f"The file is not there: the export is {job.get_state_display().lower()}.")
        return download_response(job)
