"""Serving an export job's file, to the API and the browser alike."""

from django.http import FileResponse

from reports.models import PlanExport


def download_response(job: PlanExport) -> FileResponse:
    """The job's file, streamed from its storage in blocks, never read whole into memory. A deployment
    may hand local files to its proxy instead (X-Accel-Redirect; see the README)."""
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=f"{job.plan.slug}-export.json",
        content_type="application/json",
    )
