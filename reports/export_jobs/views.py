"""Browser pages of the background plan export: start one, follow it, download the file.

"Download the plan as JSON" (the plan's dashboard, the import and export page) posts to
`plan_export_start`, which starts a job (or finds the person's fresh one) and redirects to its
progress page; the page refreshes itself (htmx polling of the status panel, a meta refresh without
JavaScript) until the file is ready, then offers the download. Without a broker the job has run
by the time the page shows, so it shows the download at once.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from goals import visibility as goals_visible
from reports.export_jobs.files import download_response
from reports.export_jobs.selectors import visible_plan_exports
from reports.export_jobs.services import plan_export_request
from reports.models import PlanExport

POLL_SECONDS = 2


@login_required
@require_POST
def plan_export_start(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(goals_visible.visible_plans(request.user), slug=slug)
    job, _ = plan_export_request(plan=plan, actor=request.user)
    return redirect("plan-export-progress", pk=job.pk)


@login_required
@require_GET
def plan_export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(visible_plan_exports(request.user), pk=pk)
    context = {"job": job, "working": job.state in PlanExport.WORKING, "poll_seconds": POLL_SECONDS}
    if request.htmx:
        return render(request, "reports/export_jobs/status.html", context)
    return render(request, "reports/export_jobs/progress.html", context)


@login_required
@require_GET
def plan_export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(visible_plan_exports(request.user), pk=pk)
    if job.state != PlanExport.State.DONE or not job.file:
        raise Http404("This export's file is not ready, or has expired.")
    return download_response(job)
